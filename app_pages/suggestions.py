"""Suggestions: a queue per document of codes the engine proposes, each with its evidence;
accept, reject or adjust; acceptance rates and how far to trust the learned model.

Nothing here trains or waits: the queue blends cached codebook scores with the last stored model
(the one this browser session started with, until the researcher takes a newer one); when the
codings have moved on, a worker process trains the next model in the background."""

from typing import Any

import streamlit as st

from qualcode.analysis.agreement import suggester_agreement
from qualcode.errors import PermissionDenied
from qualcode.read import entities as read_entities
from qualcode.read import suggestions as read_suggestions
from qualcode.services import suggestion_models
from qualcode.services import suggestions as suggestion_service
from qualcode.ui import markup, runner, state
from qualcode.ui.columns import figure_columns, headers, two_places
from qualcode.ui.state import tr, tr_plain
from qualcode.ui.testids import key_prefix, set_test_ids

st.title(tr("nav.suggestions"))
pid = state.require_project()
uid = state.user_id()
lang = state.lang()
ss = st.session_state

set_test_ids({key_prefix("qc-suggestion-"): "qc-suggestion", f"{key_prefix('qc-accept-')} button": "qc-accept",
              f"{key_prefix('qc-reject-')} button": "qc-reject"}, key="suggest_testids")

# The model this browser session works with: the newest ready one when the page first opens,
# then kept until the researcher takes a newer one (the queue does not shift under the cursor).
model_key = f"suggest_model_{pid}"
with state.reading() as session:
    docs = [(d.id, d.title) for d in read_entities.list_documents(session, pid)]
    codes = read_suggestions.project_codes(session, pid)
    status = suggestion_models.model_status(session, pid)
    taken = ss.get(model_key)
    taken_examples = read_suggestions.model_examples(session, pid, taken) if taken is not None else None
if not docs:
    st.info(tr("documents.empty"))
    st.stop()
if status.needs_training:
    suggestion_models.request_training(state.engine(), pid)
titles = dict(docs)

if ss.get(model_key) is None or taken_examples is None:  # none yet, or the one taken was removed since
    ss[model_key] = status.ready_id
    taken_examples = status.examples
model_id = ss[model_key]
training = status.training or status.needs_training  # a worker is at it, or was asked just now
if status.ready_id is not None and model_id != status.ready_id:  # a newer model is ready: offered, not forced
    info, use = st.columns([3, 1])
    info.info(tr("suggest.model_newer", version=status.ready_id, examples=status.examples))
    if use.button(tr("suggest.use_newer"), key="suggest_use_newer"):
        ss[model_key] = status.ready_id
        st.rerun()
elif model_id is None and training:
    st.caption(tr("suggest.first_model_training"))
elif model_id is None:
    st.caption(tr("suggest.codebook_only"))
if model_id is not None and training:
    st.caption(tr("suggest.model_training"))

c1, c2, c3, c4 = st.columns([4, 2, 2, 1])
doc_ids = list(titles)
if ss.get("suggest_doc_id") not in doc_ids:  # first visit, or the document was deleted
    ss.suggest_doc_id = doc_ids[0]
# The box keeps its own state under a fixed key: an ``index`` that changed with each choice made
# it a new widget on every other run, which then fell back to its old document.
chosen_doc = c1.selectbox(tr("coding.document"), doc_ids, key="suggest_doc_id", format_func=state.label_of(titles))
doc_id: int = chosen_doc if chosen_doc is not None else doc_ids[0]
unit = c2.selectbox(tr("suggest.unit"), ("turn", "sentence", "paragraph"), format_func=lambda u: tr(f"suggest.unit_{u}"),
                    key="suggest_unit")
order = c3.selectbox(tr("suggest.order"), ("confidence", "uncertainty"), format_func=lambda o: tr(f"suggest.order_{o}"),
                     key="suggest_order", help=tr("suggest.order_help"))
limit = c4.number_input(tr("suggest.show"), 5, 200, 15, step=5, key="suggest_limit")

def describe(evidence: list[dict]) -> str:
    parts = []
    for item in evidence:
        if item["kind"] == "terms":
            parts.append(tr("suggest.ev_terms", terms=", ".join(f"“{t}”" for t in item["terms"])))
        elif item["kind"] == "definition_similarity":
            parts.append(tr("suggest.ev_similarity", value=item["value"]))
        elif item["kind"] == "model":
            parts.append(tr("suggest.ev_model", value=item["probability"]))
            for example in item.get("nearest_examples", []):
                parts.append(tr("suggest.ev_example", text=example[:120]))
    return "  \n".join(parts)


def decide(item, decision: str, model_version: int | None, adjusted: int | None = None) -> None:  # type: ignore[no-untyped-def]
    """A button's callback: it runs before the rerun it triggers, so that rerun already shows the
    next suggestion (no second run). ``adjusted``: the card whose adjust form to take."""
    coded_as = None  # the coding made instead of the suggestion as proposed
    if adjusted is not None:
        coded_as = (int(ss[f"qc-adjust-start-{adjusted}"]), int(ss[f"qc-adjust-end-{adjusted}"]),
                    int(ss[f"qc-adjust-code-{adjusted}"]))

    def act(session: Any) -> None:
        if uid is None:  # nobody chosen in "who am I": the same refusal as every page's
            raise PermissionDenied("error.no_user")
        suggestion_service.decide(session, pid, doc_id, item.start, item.end, item.code_db_id, decision,
                                  actor_id=uid, score=item.suggestion.score, evidence=item.suggestion.evidence,
                                  model_version=model_version, coded_as=coded_as)

    # A callback: its own rerun follows, and a refusal is shown by the queue (above the cards, not
    # where a callback's output would land, above the page's title).
    if runner.run_event(act) and adjusted is not None:
        ss.suggest_adjusting = None  # the adjust form closes once its coding is stored, not before


@st.fragment
def queue_view() -> None:
    """The queue and the tables under it: accepting or rejecting reruns only this part of the
    page, so the next suggestion shows without rebuilding the rest."""
    with st.spinner(tr("suggest.computing")), state.reading() as session:
        queue = read_suggestions.document_queue(session, pid, doc_id, unit=unit, order=order, model_id=model_id)

    notice = runner.take_notice()
    if notice is not None and notice.kind == "error":
        st.error(notice.text)
    st.caption(tr("suggest.queue_count", count=len(queue)))
    if queue.model_version is not None:
        st.caption(tr("suggest.model_in_use", version=queue.model_version, examples=taken_examples))
    if not queue:
        st.info(tr("suggest.empty"))
    for n, item in enumerate(queue[: int(limit)]):
        code = codes[item.code_db_id]
        with st.container(border=True, key=f"qc-suggestion-{n}"):
            head, score = st.columns([5, 1])
            markup.swatch_markdown(code.colour, name=code.label(lang), key=code.key, bold=True,
                                   where=head)
            score.metric(tr("suggest.score"), f"{item.suggestion.score:.2f}", label_visibility="collapsed")
            st.text(item.text[:600] + ("…" if len(item.text) > 600 else ""))
            st.caption(describe(item.suggestion.evidence))
            a, r, adj = st.columns([1, 1, 3])
            a.button(tr("suggest.accept"), key=f"qc-accept-{n}", type="primary", on_click=decide,
                     args=(item, "accepted", queue.model_version))
            r.button(tr("suggest.reject"), key=f"qc-reject-{n}", on_click=decide, args=(item, "rejected", queue.model_version))
            # The adjust form is built for one card at a time: fifteen cards of inputs would slow
            # every rerun (and so the next suggestion after each accept or reject).
            if ss.get("suggest_adjusting") != (doc_id, item.start, item.code_db_id):
                if adj.button(tr("suggest.adjust"), key=f"qc-adjust-{n}"):
                    ss.suggest_adjusting = (doc_id, item.start, item.code_db_id)
                    st.rerun()
            else:
                with adj.container(border=True):
                    st.number_input(tr("coding.start"), 0, None, item.start, key=f"qc-adjust-start-{n}")
                    st.number_input(tr("coding.end"), 0, None, item.end, key=f"qc-adjust-end-{n}")
                    st.selectbox(tr("suggest.code"), list(codes), index=list(codes).index(item.code_db_id),
                                 format_func=lambda i: f"{codes[i].label(lang)} · {codes[i].key}",
                                 key=f"qc-adjust-code-{n}")
                    st.button(tr("suggest.accept_adjusted"), key=f"qc-adjusted-{n}", on_click=decide,
                              args=(item, "accepted", queue.model_version, n))

    st.divider()
    left, right = st.columns(2)
    with state.reading() as session:
        rates = read_suggestions.acceptance_rates(session, pid, lang)
        quality = read_suggestions.model_quality(session, pid, model_id, lang) if model_id is not None else None
    with left:
        st.subheader(tr("suggest.rates"))
        if rates.empty:
            st.caption(tr("suggest.no_decisions"))
        else:
            st.dataframe(rates, hide_index=True, width="stretch", column_config=headers(
                rates.columns, rate=st.column_config.ProgressColumn(tr_plain("suggest.rate"), min_value=0, max_value=1)))
    with right:
        st.subheader(tr("suggest.model"))
        st.caption(tr("suggest.model_help"))
        if model_id is None:
            st.caption(tr("suggest.no_model"))
        elif quality is None:
            st.caption(tr("suggest.quality_pending"))
        elif quality.empty:
            st.caption(tr("suggest.no_model"))
        else:
            st.dataframe(two_places(quality, ("precision", "recall")), hide_index=True, width="stretch",
                         column_config=headers(quality.columns, in_use=st.column_config.CheckboxColumn(
                             tr_plain("column.in_use")), **figure_columns(("precision", "recall"))))


queue_view()

# The suggester as a coder: computed only when asked (it reads every coding of the project).
if st.toggle(tr("suggest.agreement"), key="suggest_show_agreement", help=tr("suggest.agreement_help")):
    with state.reading() as session:
        agreement = suggester_agreement(session, pid)
    if agreement.empty:
        st.caption(tr("suggest.no_decisions"))
    else:
        st.dataframe(two_places(agreement, ("precision", "recall", "agreement")), hide_index=True, width="stretch",
                     column_config=headers(agreement.columns, coder_id=None, code_id=None,
                                           **figure_columns(("precision", "recall", "agreement"))))
