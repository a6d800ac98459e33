"""Coding: select text, then one click (or key) on a code beside it; codings show in the margin."""

import streamlit as st

from qualcode.read.views import coding as view
from qualcode.ui import coding as workspace
from qualcode.ui import state
from qualcode.ui.state import tr

st.title(tr("nav.coding"))
pid = state.require_project()
ss = st.session_state

with state.reading() as session:
    model = view.page_model(session, pid, ss.get("coding_page_model"))
ss["coding_page_model"] = model
if not model.documents:
    st.info(tr("documents.empty"))
    st.stop()

titles = {doc_id: title for doc_id, title, _ in model.documents}


def doc_label(doc_id: int, current: int) -> str:
    """The title, with how far the document is coded; not for the open one, whose progress the
    workspace shows live below (coding reruns only the workspace, so this box would lag)."""
    done, total = model.progress.get(doc_id, (0, 0))
    if not total or doc_id == current:
        return titles[doc_id]
    return f"{titles[doc_id]} — {tr('coding.progress', done=done, total=total)}"


# The choice lives in a plain session key, so no rerun (a component event, a rerun that interrupts
# another) can lose it the way widget state can be lost.
if ss.get("coding_doc_id") not in titles:
    ss["coding_doc_id"] = model.default_document
ids = list(titles)
top = st.columns([3, 1])
current: int = ss["coding_doc_id"]
chosen = top[0].selectbox(tr("coding.document"), ids, index=ids.index(current),
                          format_func=lambda doc_id: doc_label(doc_id, current))
if chosen != ss["coding_doc_id"]:
    ss["coding_doc_id"] = chosen
    ss["seg_focus"] = []
    ss.pop("coding_hit_current", None)
labels = {c.id: c.label(state.lang()) for c in model.codes}
top[1].multiselect(tr("coding.filter_codes"), list(labels), format_func=state.label_of(labels), key="coding_filter",
                   placeholder=tr("coding.filter_all"))
ss.setdefault("coding_view", "all")
workspace.workspace(ss["coding_doc_id"], model.people, model.codes, model.owners)
