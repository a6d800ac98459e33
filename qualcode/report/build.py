"""Reading the study report: :func:`build_report` turns the database into a plain
:class:`~qualcode.report.model.Report` in one UI language (no ORM objects leave here), with its
charts already rendered as PNG."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcode import codebook_meta
from qualcode.analysis import displays, register
from qualcode.analysis.tables import Conclusion, ConclusionTactic, PatternCode, SummarySheet
from qualcode.files import charts
from qualcode.i18n import catalogue, t
from qualcode.models import DOCUMENT_KINDS, Case, Code, Codebook, Coding, Document, Memo, Segment, User
from qualcode.read.codes import descendant_ids, tree_order
from qualcode.read.frame import case_frame, coding_frame, segment_table
from qualcode.read.measures import code_frequencies
from qualcode.report.model import (
    MATRIX_KINDS,
    TEXT_KINDS,
    CodebookSection,
    CodeEntry,
    ConclusionSection,
    Display,
    MatrixChoice,
    MemoEntry,
    PatternEntry,
    Quote,
    Report,
    ReportChart,
    SummarySheetEntry,
    clean,
)
from qualcode.report.review import review_appendix
from qualcode.services.auth import require
from qualcode.services.projects import get_project

CHART_BARS = 25
MEMO_TARGETS = ("project", "document", "code", "segment")
SNIPPET_CHARS = 160


def default_matrices(session: Session, project_id: int) -> list[MatrixChoice]:
    """A role-ordered matrix for every codebook that has codings, then the cross-framework matrix
    of the pair the codebooks name (``meta.cross_framework_factors``), when there is one."""
    used = session.scalars(
        select(Code.codebook_id).join(Coding, Coding.code_id == Code.id)
        .where(Code.project_id == project_id, Code.codebook_id.is_not(None)).distinct()
    ).all()
    books = session.scalars(select(Codebook).where(Codebook.id.in_(used)).order_by(Codebook.key)).all()
    choices = [MatrixChoice("role", b.id) for b in books]
    pair = codebook_meta.cross_framework_pair(session, project_id)
    if pair is not None:
        choices.append(MatrixChoice("cross", *pair))
    return choices


def _codebooks(session: Session, project_id: int, lang: str) -> list[CodebookSection]:
    sections = []
    books = session.scalars(select(Codebook).where(Codebook.project_id == project_id).order_by(Codebook.key)).all()
    loose = session.scalars(select(Code).where(Code.project_id == project_id, Code.codebook_id.is_(None))
                            .order_by(Code.path)).all()
    groups: list[tuple[str, str, Sequence[Code]]] = [
        (b.name, ", ".join(p for p in (b.version, "; ".join(b.authors or []), b.source) if p), b.codes) for b in books]
    if loose:
        groups.append((t("report.inductive", lang), "", loose))
    tree = tree_order(session, project_id)
    for name, details, codes in groups:
        entries = [CodeEntry(clean(c.key), clean(c.label(lang)), c.depth, clean(c.definition), clean(c.inclusion),
                             clean(c.exclusion), [clean(x) for x in c.examples or []])
                   for c in sorted(codes, key=lambda c: tree.get(c.path, ()))]
        sections.append(CodebookSection(clean(name), clean(details), entries))
    return sections


def _chart(name: str, title: str, chart: Any) -> ReportChart:
    return ReportChart(name=name, title=title, png=charts.chart_png(chart.properties(title=title, width=420)))


def _frequencies(session: Session, project_id: int, lang: str
                 ) -> tuple[pd.DataFrame, list[tuple[str, int]], ReportChart | None]:
    freq = code_frequencies(session, project_id, lang=lang)
    names = dict(session.execute(select(Codebook.key, Codebook.name).where(Codebook.project_id == project_id)).all())
    tree = tree_order(session, project_id)
    freq = freq.assign(tree=[tree.get(p, ()) for p in freq["path"]]).sort_values(["codebook", "tree"],
                                                                                   na_position="last")
    table = pd.DataFrame({
        t("report.col_codebook", lang): [clean(names.get(k, t("report.inductive", lang))) if isinstance(k, str)
                                         else t("report.inductive", lang) for k in freq["codebook"]],
        t("report.col_code", lang): [clean(v) for v in freq["label"]],
        t("report.col_codings", lang): freq["codings"].astype(int).tolist(),
        t("report.col_segments", lang): freq["segments"].astype(int).tolist(),
        t("report.col_documents", lang): freq["documents"].astype(int).tolist(),
        t("report.col_informants", lang): freq["informants"].astype(int).tolist(),
    })
    top = freq.sort_values(["segments", "path"], ascending=[False, True]).head(CHART_BARS)
    bars = [(clean(label), int(n)) for label, n in zip(top["label"], top["segments"], strict=True)]
    image = None
    if bars:
        # Two codes may share a label: the chart's axis keeps them apart by their key.
        counts = pd.Series([b for b, _ in bars]).value_counts()
        axis = [f"{b} ({clean(k)})" if counts[b] > 1 else b for (b, _), k in zip(bars, top["key"], strict=True)]
        data = pd.DataFrame({"code": axis, "segments": [n for _, n in bars]})
        image = _chart("code_frequencies", t("report.chart_title", lang, count=len(bars)),
                       charts.bar_chart(data, x="segments", y="code", x_title=t("report.col_segments", lang),
                                        y_title=t("report.col_code", lang), sort=axis))
    return table, bars, image


def _display(session: Session, project_id: int, choice: MatrixChoice, lang: str, position: int) -> Display:
    title, table = _raw_matrix(session, project_id, choice, lang)
    names = {"group": "report.col_group", "informant": "report.col_informant", "dimension": "report.col_dimension",
             "pseudonym": "report.col_informant"}
    table = table.rename_axis([t(names[n], lang) if n in names else n for n in table.index.names])
    if isinstance(table.columns, pd.MultiIndex) and "direction" in table.columns.names:  # cross-framework
        # Directions are codes (the factors codebook's meta: section): a short label from the
        # catalogue when it has one (report.direction_<key>), else the code's own label.
        codes = displays.code_frame(session, project_id, lang)
        labels, short = dict(zip(codes["key"], codes["label"], strict=True)), catalogue(lang)
        table = table.rename(columns={d: short.get(f"report.direction_{d}", labels.get(d, d))
                                      for d in table.columns.get_level_values("direction").unique()}, level="direction")
        table.columns = table.columns.set_names([t("report.col_factor", lang), t("report.col_direction", lang)])
    chart = None
    if choice.kind == "role" and not table.empty and int(table.to_numpy().sum()) > 0:
        group, dimension = t("report.col_group", lang), t("report.col_dimension", lang)
        long = table.rename_axis(group).reset_index().melt(id_vars=group, var_name=dimension, value_name="n")
        long = long[long["n"] > 0].astype({group: str, dimension: str})
        book = session.get(Codebook, choice.codebook_id)
        chart = _chart(f"display_{position}_role", clean(t("report.chart_role", lang, codebook=book.name if book else "")),
                       charts.bar_chart(long, x="n", y=dimension, x_title=t("report.col_segments", lang),
                                        colour=group, sort=[str(c) for c in table.columns]))
    return Display(title=title, table=table, shade=choice.kind not in TEXT_KINDS, chart=chart)


def _raw_matrix(session: Session, project_id: int, choice: MatrixChoice, lang: str) -> tuple[str, pd.DataFrame]:
    book = session.get(Codebook, choice.codebook_id)
    name = book.name if book is not None and book.project_id == project_id else str(choice.codebook_id)
    if choice.kind in ("case", "excerpt"):
        table = displays.case_ordered_matrix(session, project_id, choice.codebook_id, lang=lang,
                                             cell="count" if choice.kind == "case" else "excerpt")
        return clean(t(f"report.matrix_{choice.kind}", lang, codebook=name)), table.map(clean)
    if choice.kind == "checklist":
        return clean(t("report.matrix_checklist", lang, codebook=name)), _checklist(session, project_id, choice, lang)
    if choice.kind == "cross" and choice.factors_codebook_id is not None:
        factors = session.get(Codebook, choice.factors_codebook_id)
        table = displays.cross_framework_matrix(session, project_id, choice.codebook_id, choice.factors_codebook_id,
                                                lang=lang)
        return clean(t("report.matrix_cross", lang, codebook=name, factors=factors.name if factors else "")), table
    table = displays.role_ordered_matrix(session, project_id, choice.codebook_id, lang=lang)
    return clean(t("report.matrix_role", lang, codebook=name)), table


def _checklist(session: Session, project_id: int, choice: MatrixChoice, lang: str) -> pd.DataFrame:
    """The checklist matrix as informants by dimensions: in each cell whether the condition is
    present (✓, ✗ or nothing when not judged), its strength as ●●○ (of 3) and the coded segments."""
    long = displays.checklist_matrix(session, project_id, choice.codebook_id, lang=lang)

    def cell(present: Any, strength: Any, segments: int) -> str:
        mark = "" if pd.isna(present) else ("✓" if bool(present) else "✗")  # missing: not judged
        level = int(strength) if pd.notna(strength) else None
        dots = "●" * level + "○" * (3 - level) if level is not None else ""
        return " ".join(p for p in (mark, dots, t("report.checklist_segments", lang, count=segments)) if p)

    long = long.assign(cell=[cell(p, s, int(n)) for p, s, n in zip(long["present"], long["strength"],
                                                                    long["segments"], strict=True)])
    table = long.pivot_table(index=["pseudonym", "group"], columns="dimension", values="cell", aggfunc="first",
                             sort=False)
    order = list(dict.fromkeys(long["dimension"]))
    return table.reindex(columns=order).fillna("").map(clean)


def _date(value: object) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d") if value is not None and value == value else ""


def _short(text: object) -> str:
    words = " ".join(clean(text).split())
    return words if len(words) <= SNIPPET_CHARS else words[:SNIPPET_CHARS - 1] + "…"


def _memos(session: Session, project_id: int, lang: str) -> list[MemoEntry]:
    """Every memo, by what it is on (project, documents, codes, segments), oldest first within each."""
    rows = session.execute(
        select(Memo.document_id, Memo.code_id, Memo.segment_id, Memo.title, Memo.body, User.display_name,
               User.login, Memo.created_at, Memo.updated_at)
        .join(User, Memo.author_id == User.id).where(Memo.project_id == project_id)
        .order_by(Memo.created_at, Memo.id)).all()
    documents = dict(session.execute(select(Document.id, Document.title).where(Document.project_id == project_id)).all())
    codes = {c.id: f"{c.label(lang)} ({c.key})" for c in session.scalars(select(Code).where(Code.project_id == project_id))}
    segments = segment_table(session, project_id, sorted({int(r.segment_id) for r in rows if r.segment_id}), lang)
    on_segment = {int(s.segment_id): f"{s.document}: “{_short(s.snippet)}”" for s in segments.itertuples()}
    entries = []
    for r in rows:
        on = ("segment" if r.segment_id is not None else "code" if r.code_id is not None
              else "document" if r.document_id is not None else "project")
        target = {"segment": on_segment.get(r.segment_id or 0, ""), "code": codes.get(r.code_id or 0, ""),
                  "document": documents.get(r.document_id or 0, ""), "project": ""}[on]
        entries.append(MemoEntry(on=on, target=clean(target), title=clean(r.title), author=clean(r.display_name or r.login),
                                 date=_date(r.updated_at or r.created_at), body=clean(r.body)))
    entries.sort(key=lambda m: MEMO_TARGETS.index(m.on))  # stable: oldest first within each kind
    return entries


def _summary_sheets(session: Session, project_id: int, lang: str) -> list[SummarySheetEntry]:
    sheets = session.execute(
        select(SummarySheet, Document.title, Document.kind, User.display_name, User.login)
        .join(Document, SummarySheet.document_id == Document.id).join(User, SummarySheet.author_id == User.id)
        .where(SummarySheet.project_id == project_id).order_by(Document.title, Document.id)).all()
    cases = case_frame(session, project_id)
    entries = []
    for sheet, title, kind, name, login in sheets:
        linked = cases[cases["document_id"] == sheet.document_id]
        who = ", ".join(f"{p} ({g})" for p, g in zip(linked["pseudonym"], linked["group"], strict=True))
        entries.append(SummarySheetEntry(
            document=clean(title), kind=t(f"kind.{kind}", lang), informants=clean(who), author=clean(name or login),
            date=_date(sheet.updated_at), main_themes=clean(sheet.main_themes),
            salient_points=clean(sheet.salient_points), next_questions=clean(sheet.next_questions),
            segments=[_short(s.snippet) for s in sheet.segments]))
    return entries


def _patterns(session: Session, project_id: int, lang: str) -> list[PatternEntry]:
    patterns = session.scalars(select(PatternCode).where(PatternCode.project_id == project_id)
                               .order_by(PatternCode.name)).all()
    if not patterns:
        return []
    codes = displays.code_frame(session, project_id, lang)
    frame = coding_frame(session, project_id, codes=codes)
    tree = tree_order(session, project_id)
    entries = []
    for p in patterns:
        members = sorted(p.codes, key=lambda c: (c.codebook_id or 0, tree.get(c.path, ())))
        under = set(descendant_ids(codes, tuple(c.id for c in members)))
        entries.append(PatternEntry(
            name=clean(p.name), definition=clean(p.definition), memo=clean(p.memo),
            codes=[clean(f"{c.label(lang)} ({c.key})") for c in members],
            segments=int(frame.loc[frame["code_id"].isin(under), "segment_id"].nunique())))
    return entries


def _conclusions(session: Session, project_id: int, lang: str) -> list[ConclusionSection]:
    sections = []
    register_table = register.conclusion_table(session, project_id, lang)
    notes = dict(((c, x), n) for c, x, n in session.execute(
        select(ConclusionTactic.conclusion_id, ConclusionTactic.tactic, ConclusionTactic.note)
        .join(Conclusion, Conclusion.id == ConclusionTactic.conclusion_id)
        .where(Conclusion.project_id == project_id)).all())
    for row in register_table.itertuples(index=False):
        cid = int(row.conclusion_id)
        evidence = register.evidence_table(session, cid)
        quotes = [Quote(stance=str(e.stance), text=clean(e.snippet),
                        source=clean(f"{e.document} ({t(f'kind.{e.kind}', lang)})"),
                        informants=clean(e.informants or ""), groups=clean(e.groups or ""), note=clean(e.note or ""))
                  for e in evidence.itertuples(index=False)] if len(evidence) else []
        quotes.sort(key=lambda q: q.stance != "supporting")
        informants = sorted({name.strip() for e in evidence.itertuples(index=False) if isinstance(e.informants, str)
                             for name in e.informants.split(",") if name.strip()}) if len(evidence) else []
        tri = register.triangulation(session, cid)
        by_kind = tri["by_kind"].copy()
        by_kind.index = [t(f"kind.{k}", lang) for k in by_kind.index]
        tactics = [t(f"analysis.tactic_{x}", lang) + (f": {clean(notes[(cid, x)])}" if notes.get((cid, x)) else "")
                   for x in row.tactics]
        sections.append(ConclusionSection(
            statement=clean(row.statement), about=clean(row.about), status=row.status, tactics=tactics, quotes=quotes,
            by_group=_stance_columns(tri["by_group"], lang), by_kind=_stance_columns(by_kind, lang),
            flags=list(tri["flags"]), groups=[clean(g) for g in tri["groups"]],
            kinds=[t(f"kind.{k}", lang) for k in tri["kinds"]], informants=[clean(i) for i in informants],
            thin=bool(tri["thin"])))
    return sections


def _stance_columns(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = table.copy()
    out.columns = [t(f"report.stance_{c}", lang) for c in out.columns]
    return out


def _sources(session: Session, project_id: int, lang: str) -> pd.DataFrame:
    """The method summary's table: what the study rests on, one line per item."""
    count = lambda stmt: int(session.scalar(stmt) or 0)  # noqa: E731
    kinds = dict(session.execute(select(Document.kind, func.count()).where(Document.project_id == project_id)
                                 .group_by(Document.kind)).all())
    groups = dict(session.execute(select(Case.stakeholder_group, func.count()).where(Case.project_id == project_id)
                                  .group_by(Case.stakeholder_group)).all())
    coders = session.execute(
        select(User.display_name, User.login, func.count()).join(Coding, Coding.coder_id == User.id)
        .join(Segment, Coding.segment_id == Segment.id).join(Document, Segment.document_id == Document.id)
        .where(Document.project_id == project_id).group_by(User.display_name, User.login)
        .order_by(User.display_name)).all()
    books = session.execute(select(Codebook.name, Codebook.version).where(Codebook.project_id == project_id)
                            .order_by(Codebook.key)).all()
    rows: list[tuple[str, str]] = [
        (t("report.src_documents", lang), ", ".join(f"{t(f'kind.{k}', lang)}: {kinds[k]}" for k in DOCUMENT_KINDS
                                                    if kinds.get(k)) or "0"),
        (t("report.src_informants", lang), ", ".join(f"{clean(g) or '—'}: {n}" for g, n in sorted(
            groups.items(), key=lambda x: str(x[0]))) or "0"),
        (t("report.src_codebooks", lang), "; ".join(clean(f"{n} {v}".strip()) for n, v in books) or "—"),
        (t("report.src_coders", lang), ", ".join(clean(f"{n or login} ({c})") for n, login, c in coders) or "—"),
    ]
    for key, model in (("memos", Memo), ("summary_sheets", SummarySheet), ("pattern_codes", PatternCode),
                       ("conclusions", Conclusion)):
        rows.append((t(f"report.src_{key}", lang),
                     str(count(select(func.count()).select_from(model).where(model.project_id == project_id)))))
    return pd.DataFrame(rows, columns=[t("report.col_item", lang), t("report.col_value", lang)])


def build_report(session: Session, project_id: int, *, actor_id: int, lang: str = "id",
                 matrices: list[MatrixChoice] | None = None) -> Report:
    """Everything the report shows, read in one go (the reader needs ``project.read``)."""
    require(session, project_id, actor_id, "project.read")
    project = get_project(session, project_id)
    choices = default_matrices(session, project_id) if matrices is None else matrices
    frequencies, bars, frequency_chart = _frequencies(session, project_id, lang)
    count = lambda stmt: int(session.scalar(stmt) or 0)  # noqa: E731
    totals = {
        "documents": count(select(func.count()).select_from(Document).where(Document.project_id == project_id)),
        "cases": count(select(func.count()).select_from(Case).where(Case.project_id == project_id)),
        "codings": count(select(func.count()).select_from(Coding).join(Segment, Coding.segment_id == Segment.id)
                         .join(Document, Segment.document_id == Document.id).where(Document.project_id == project_id)),
    }
    return Report(
        lang=lang, project=clean(project.name), description=clean(project.description),
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), totals=totals,
        codebooks=_codebooks(session, project_id, lang), frequencies=frequencies, chart=bars,
        sources=_sources(session, project_id, lang), frequency_chart=frequency_chart,
        memos=_memos(session, project_id, lang), summary_sheets=_summary_sheets(session, project_id, lang),
        patterns=_patterns(session, project_id, lang),
        displays=[_display(session, project_id, c, lang, i) for i, c in enumerate(choices, 1) if c.kind in MATRIX_KINDS],
        conclusions=_conclusions(session, project_id, lang),
        review=review_appendix(session, project_id, lang),
    )
