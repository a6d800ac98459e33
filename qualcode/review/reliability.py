"""Unitizing alpha from the database: the coders' spans on chosen documents, per code and overall."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.analysis.agreement import coding_frame
from qualcode.analysis.unitizing import OVERALL, unitizing_alpha, verdict
from qualcode.models import Code, Document

COLUMNS = ["code_id", "code", "units", "observed", "expected", "alpha", "verdict"]


def unitizing_agreement(session: Session, project_id: int, *, document_ids: list[int], coder_ids: list[int],
                        code_ids: list[int] | None = None) -> pd.DataFrame:
    """Krippendorff's unitizing alpha of ``coder_ids`` (two or more) over ``document_ids`` for
    ``code_ids`` (None: every code any of them used there): one row per code (by key) and an
    ``overall`` row, with Krippendorff's verdict (reliable / tentative / unreliable / none)."""
    coders = sorted(set(coder_ids))
    if len(coders) < 2:
        raise ValueError("unitizing alpha needs at least two coders")
    codings = coding_frame(session, project_id, document_ids, code_ids, coders)
    if code_ids is None:
        code_ids = sorted(set(int(c) for c in codings["code_id"]))
    keys = dict(session.execute(select(Code.id, Code.key).where(Code.project_id == project_id,
                                                                 Code.id.in_(code_ids))).all())
    order = sorted(keys, key=keys.__getitem__)
    lengths = dict(session.execute(select(Document.id, Document.length).where(
        Document.project_id == project_id, Document.id.in_(document_ids)).order_by(Document.title)).all())
    spans = pd.DataFrame({"coder": codings["coder_id"], "code": codings["code_id"], "document": codings["document_id"],
                          "start": codings["start"], "end": codings["end"]})
    table = unitizing_alpha(spans, lengths, coders, codes=order)
    table.insert(0, "code_id", [None if c == OVERALL else int(c) for c in table["code"]])
    table["code"] = [OVERALL if c == OVERALL else keys[int(c)] for c in table["code"]]
    table["verdict"] = [verdict(a) for a in table["alpha"]]
    return table[COLUMNS]
