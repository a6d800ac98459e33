"""The report's supervision appendix (issue 17): unitizing agreement between coders and the review
trail of documents and codes, read into plain tables with headers in the report's language."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from qualcode.i18n import t
from qualcode.report.model import ReviewAppendix
from qualcode.report.model import clean as _clean


def review_appendix(session: Session, project_id: int, lang: str) -> ReviewAppendix:
    """Unitizing alpha of every coder on the documents at least two of them coded, the review
    status of each document and code, and the whole review history."""
    from qualcode.analysis.agreement import coding_frame
    from qualcode.review.reliability import unitizing_agreement
    from qualcode.review.workflow import review_history, review_state

    tr = lambda key, **p: t(key, lang, **p)  # noqa: E731
    frame = coding_frame(session, project_id)
    shared = frame.groupby("document_id")["coder_id"].nunique()
    doc_ids = [int(d) for d, n in shared.items() if n >= 2]
    coder_ids = sorted({int(c) for c in frame[frame["document_id"].isin(doc_ids)]["coder_id"]})
    unitizing = pd.DataFrame()
    coders = ""
    if len(coder_ids) >= 2:
        table = unitizing_agreement(session, project_id, document_ids=doc_ids, coder_ids=coder_ids)
        coders = ", ".join(sorted(set(frame[frame["coder_id"].isin(coder_ids)]["coder"])))
        unitizing = pd.DataFrame({
            tr("report.col_code"): [tr("review.overall") if c == "overall" else c for c in table["code"]],
            tr("review.col_units"): table["units"],
            tr("review.col_u_alpha"): [f"{a:.3f}" if a == a else "–" for a in table["alpha"]],
            tr("review.col_u_verdict"): [tr(f"review.verdict_{v}") for v in table["verdict"]],
        })
    kind = lambda target: tr(f"review.target_{target}")  # noqa: E731
    state = review_state(session, project_id)
    state = pd.DataFrame({
        tr("review.col_target"): [f"{kind(r.target)}: {_clean(r.name)}" for r in state.itertuples()],
        tr("review.col_status"): [tr(f"review.status_{v}") for v in state["status"]],
        tr("review.col_comment"): [_clean(v) for v in state["comment"]],
        tr("review.col_reviewer"): [_clean(v) for v in state["reviewer"]],
        tr("review.col_at"): [_when(v) for v in state["at"]],
        tr("review.col_changes"): state["changes"],
    })
    history = review_history(session, project_id)
    history = pd.DataFrame({
        tr("review.col_at"): [_when(v) for v in history["at"]],
        tr("review.col_target"): [f"{kind(r.target)}: {_clean(r.name)}" for r in history.itertuples()],
        tr("review.col_status"): [tr(f"review.status_{v}") for v in history["status"]],
        tr("review.col_comment"): [_clean(v) for v in history["comment"]],
        tr("review.col_author"): [_clean(v) for v in history["author"]],
        tr("review.col_assignee"): [_clean(v) for v in history["assignee"]],
    })
    return ReviewAppendix(coders=coders, unitizing=unitizing, state=state, history=history)


def _when(value: object) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M") if value is not None and value == value else ""
