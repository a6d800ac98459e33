"""What the three Analysis pages (condensation, display, conclusions) share on screen."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qualcode.read.views.analysis import AnalysisContext, analysis_context
from qualcode.ui import markup, shell, state
from qualcode.ui.state import tr

CODING_DOC_KEY = "coding_doc_id"  # the Coding page opens this document


def open_page(title_key: str) -> tuple[shell.PageContext, AnalysisContext]:
    """The preamble of an Analysis page, and the project's codes, documents, groups and themes."""
    page = shell.project_page(title_key)
    with state.reading() as session:
        context = analysis_context(session, page.project_id, page.lang)
    return page, context


def dash(value: object) -> str:
    return "—" if value is None else str(value)


def segment_list(table: pd.DataFrame, key: str) -> None:
    """Segments with document and offsets, each with a button that opens it in the Coding page."""
    if table.empty:
        st.caption(tr("analysis.no_segments"))
        return
    st.caption(tr("analysis.segments_found", count=len(table)))
    for row in table.head(200).itertuples(index=False):
        left, right = st.columns([6, 1])
        left.markdown(f"**{markup.inline(row.document)}** · {row.start}–{row.end} · "
                      f"{markup.inline(row.informants or '—')} · {markup.code(row.codes)}")
        left.caption(markup.inline(row.snippet))
        if right.button(tr("analysis.open_in_coding"), key=f"{key}_open_{row.segment_id}"):
            st.session_state[CODING_DOC_KEY] = int(row.document_id)
            st.switch_page("app_pages/coding.py")
