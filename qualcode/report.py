"""The study report: codebooks with definitions, code frequencies (table and bar chart), chosen
matrices, and conclusions with their evidence quotes and triangulation; for a thesis appendix or
the supervisor.

:func:`build_report` reads the database into a plain :class:`Report` (no ORM objects), written
in one UI language; :func:`render_html` and :func:`render_docx` turn it into a standalone HTML
page (every text escaped, no external assets, the chart as inline SVG) or a Word file.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

import pandas as pd
from docx import Document as DocxDocument
from docx.document import Document as DocxFile
from docx.shared import Pt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcode.analysis import displays, register
from qualcode.i18n import catalogue, t
from qualcode.models import Case, Code, Codebook, Coding, Document, Segment
from qualcode.read.codes import tree_order
from qualcode.read.measures import code_frequencies
from qualcode.services.auth import require
from qualcode.services.projects import get_project

MATRIX_KINDS = ("role", "case", "cross")
# Characters XML 1.0 (and so Word and HTML) cannot hold; imported text may still carry a stray one.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CHART_BARS = 25


@dataclass(frozen=True)
class MatrixChoice:
    """A matrix to include: ``role``-ordered or ``case``-ordered on a codebook's dimensions, or
    ``cross``: the codebook's dimensions by the factors (and directions) of ``factors_codebook_id``."""

    kind: str
    codebook_id: int
    factors_codebook_id: int | None = None


@dataclass
class CodeEntry:
    key: str
    label: str
    depth: int
    definition: str
    inclusion: str
    exclusion: str
    examples: list[str]


@dataclass
class CodebookSection:
    name: str
    details: str  # version, authors, source: one line
    codes: list[CodeEntry]


@dataclass
class Quote:
    stance: str
    text: str
    source: str  # "document (kind)"
    informants: str
    groups: str
    note: str


@dataclass
class ConclusionSection:
    statement: str
    about: str
    status: str
    tactics: list[str]
    quotes: list[Quote]
    by_group: pd.DataFrame
    by_kind: pd.DataFrame
    flags: list[str]


@dataclass
class Report:
    lang: str
    project: str
    description: str
    generated: str
    totals: dict[str, int]
    codebooks: list[CodebookSection]
    frequencies: pd.DataFrame  # codebook, code, codings, segments, documents, informants (headers translated)
    chart: list[tuple[str, int]]  # (code, segments), most coded first
    matrices: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    conclusions: list[ConclusionSection] = field(default_factory=list)
    review: ReviewAppendix | None = None  # supervision appendix (issue 17), see the end of this module

    def tr(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)


def _clean(text: object) -> str:
    return _CONTROL.sub("", "" if text is None else str(text))


def default_matrices(session: Session, project_id: int) -> list[MatrixChoice]:
    """A role-ordered matrix for every codebook that has codings."""
    used = session.scalars(
        select(Code.codebook_id).join(Coding, Coding.code_id == Code.id)
        .where(Code.project_id == project_id, Code.codebook_id.is_not(None)).distinct()
    ).all()
    books = session.scalars(select(Codebook).where(Codebook.id.in_(used)).order_by(Codebook.key)).all()
    return [MatrixChoice("role", b.id) for b in books]


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
        entries = [CodeEntry(_clean(c.key), _clean(c.label(lang)), c.depth, _clean(c.definition), _clean(c.inclusion),
                             _clean(c.exclusion), [_clean(x) for x in c.examples or []])
                   for c in sorted(codes, key=lambda c: tree.get(c.path, ()))]
        sections.append(CodebookSection(_clean(name), _clean(details), entries))
    return sections


def _frequencies(session: Session, project_id: int, lang: str) -> tuple[pd.DataFrame, list[tuple[str, int]]]:
    freq = code_frequencies(session, project_id, lang=lang)
    names = dict(session.execute(select(Codebook.key, Codebook.name).where(Codebook.project_id == project_id)).all())
    tree = tree_order(session, project_id)
    freq = freq.assign(tree=[tree.get(p, ()) for p in freq["path"]]).sort_values(["codebook", "tree"],
                                                                                   na_position="last")
    table = pd.DataFrame({
        t("report.col_codebook", lang): [names.get(k, t("report.inductive", lang)) if isinstance(k, str)
                                         else t("report.inductive", lang) for k in freq["codebook"]],
        t("report.col_code", lang): freq["label"].tolist(),
        t("report.col_codings", lang): freq["codings"].astype(int).tolist(),
        t("report.col_segments", lang): freq["segments"].astype(int).tolist(),
        t("report.col_documents", lang): freq["documents"].astype(int).tolist(),
        t("report.col_informants", lang): freq["informants"].astype(int).tolist(),
    })
    top = freq.sort_values(["segments", "path"], ascending=[False, True]).head(CHART_BARS)
    chart = [(_clean(label), int(n)) for label, n in zip(top["label"], top["segments"], strict=True)]
    return table, chart


def _matrix(session: Session, project_id: int, choice: MatrixChoice, lang: str) -> tuple[str, pd.DataFrame]:
    title, table = _raw_matrix(session, project_id, choice, lang)
    names = {"group": "report.col_group", "informant": "report.col_informant", "dimension": "report.col_dimension"}
    table = table.rename_axis([t(names[n], lang) if n in names else n for n in table.index.names])
    if isinstance(table.columns, pd.MultiIndex) and "direction" in table.columns.names:  # cross-framework
        # Directions are codes (the factors codebook's meta: section): a short label from the
        # catalogue when it has one (report.direction_<key>), else the code's own label.
        codes = displays.code_frame(session, project_id, lang)
        labels, short = dict(zip(codes["key"], codes["label"], strict=True)), catalogue(lang)
        table = table.rename(columns={d: short.get(f"report.direction_{d}", labels.get(d, d))
                                      for d in table.columns.get_level_values("direction").unique()}, level="direction")
    return title, table


def _raw_matrix(session: Session, project_id: int, choice: MatrixChoice, lang: str) -> tuple[str, pd.DataFrame]:
    book = session.get(Codebook, choice.codebook_id)
    name = book.name if book is not None and book.project_id == project_id else str(choice.codebook_id)
    if choice.kind == "case":
        table = displays.case_ordered_matrix(session, project_id, choice.codebook_id, lang=lang)
        return _clean(t("report.matrix_case", lang, codebook=name)), table
    if choice.kind == "cross" and choice.factors_codebook_id is not None:
        factors = session.get(Codebook, choice.factors_codebook_id)
        table = displays.cross_framework_matrix(session, project_id, choice.codebook_id, choice.factors_codebook_id,
                                                lang=lang)
        return _clean(t("report.matrix_cross", lang, codebook=name, factors=factors.name if factors else "")), table
    table = displays.role_ordered_matrix(session, project_id, choice.codebook_id, lang=lang)
    return _clean(t("report.matrix_role", lang, codebook=name)), table


def _conclusions(session: Session, project_id: int, lang: str) -> list[ConclusionSection]:
    sections = []
    register_table = register.conclusion_table(session, project_id, lang)
    for row in register_table.itertuples(index=False):
        evidence = register.evidence_table(session, int(row.conclusion_id))
        quotes = [Quote(stance=str(e.stance), text=_clean(e.snippet),
                        source=_clean(f"{e.document} ({t(f'kind.{e.kind}', lang)})"),
                        informants=_clean(e.informants or ""), groups=_clean(e.groups or ""), note=_clean(e.note or ""))
                  for e in evidence.itertuples(index=False)] if len(evidence) else []
        quotes.sort(key=lambda q: q.stance != "supporting")
        tri = register.triangulation(session, int(row.conclusion_id))
        by_kind = tri["by_kind"].copy()
        by_kind.index = [t(f"kind.{k}", lang) for k in by_kind.index]
        sections.append(ConclusionSection(
            statement=_clean(row.statement), about=_clean(row.about), status=row.status,
            tactics=[t(f"analysis.tactic_{x}", lang) for x in row.tactics], quotes=quotes,
            by_group=_stance_columns(tri["by_group"], lang), by_kind=_stance_columns(by_kind, lang),
            flags=list(tri["flags"])))
    return sections


def _stance_columns(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = table.copy()
    out.columns = [t(f"report.stance_{c}", lang) for c in out.columns]
    return out


def build_report(session: Session, project_id: int, *, actor_id: int, lang: str = "id",
                 matrices: list[MatrixChoice] | None = None) -> Report:
    """Everything the report shows, read in one go (the reader needs ``project.read``)."""
    require(session, project_id, actor_id, "project.read")
    project = get_project(session, project_id)
    choices = default_matrices(session, project_id) if matrices is None else matrices
    frequencies, chart = _frequencies(session, project_id, lang)
    count = lambda stmt: int(session.scalar(stmt) or 0)  # noqa: E731
    totals = {
        "documents": count(select(func.count()).select_from(Document).where(Document.project_id == project_id)),
        "cases": count(select(func.count()).select_from(Case).where(Case.project_id == project_id)),
        "codings": count(select(func.count()).select_from(Coding).join(Segment, Coding.segment_id == Segment.id)
                         .join(Document, Segment.document_id == Document.id).where(Document.project_id == project_id)),
    }
    return Report(
        lang=lang, project=_clean(project.name), description=_clean(project.description),
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), totals=totals,
        codebooks=_codebooks(session, project_id, lang), frequencies=frequencies, chart=chart,
        matrices=[_matrix(session, project_id, c, lang) for c in choices if c.kind in MATRIX_KINDS],
        conclusions=_conclusions(session, project_id, lang),
        review=review_appendix(session, project_id, lang),
    )


# --- rendering ----------------------------------------------------------------------------------

def _flat(table: pd.DataFrame) -> pd.DataFrame:
    """Index as ordinary columns, column levels joined by " · "; every cell a string."""
    out = table.copy()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [" · ".join(str(p) for p in col) for col in out.columns]
    out.columns = [_clean(c) for c in out.columns]
    if not isinstance(out.index, pd.RangeIndex) or any(n is not None for n in out.index.names):
        names = [n if n is not None else "" for n in out.index.names]
        out.index = out.index.set_names(names)
        out = out.reset_index()
    return out.astype(object).where(out.notna(), "").map(_clean)


def bar_chart_svg(bars: list[tuple[str, int]], title: str) -> str:
    """A horizontal bar chart as inline SVG, labels escaped."""
    row, left, width = 22, 280, 360
    top = 30
    peak = max((n for _, n in bars), default=0) or 1
    height = top + row * len(bars) + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {left + width + 50} {height}" '
             f'width="{left + width + 50}" height="{height}" font-family="sans-serif" font-size="12">',
             f'<title>{escape(title)}</title>',
             f'<text x="4" y="18" font-size="14" font-weight="bold">{escape(title)}</text>']
    for i, (label, n) in enumerate(bars):
        y = top + i * row
        bar = width * n / peak
        short = label if len(label) <= 44 else label[:43] + "…"
        parts.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{escape(short)}</text>'
                     f'<rect x="{left}" y="{y + 3}" width="{bar:.1f}" height="{row - 6}" fill="#4E79A7"/>'
                     f'<text x="{left + bar + 4:.1f}" y="{y + 15}">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _html_table(table: pd.DataFrame, css: str = "") -> str:
    flat = _flat(table)
    head = "".join(f"<th>{escape(str(c))}</th>" for c in flat.columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>"
                   for row in flat.itertuples(index=False))
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


STYLE = """
body{font-family:Georgia,serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1,h2,h3{font-family:sans-serif}table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #bbb;padding:.2rem .45rem;vertical-align:top;text-align:left}th{background:#eee}
td:not(:first-child){font-variant-numeric:tabular-nums}.def{margin:.2rem 0 .8rem 1rem}.muted{color:#666}
blockquote{margin:.4rem 0 .6rem 1rem;padding:.2rem .8rem;border-left:4px solid #4E79A7;background:#f6f8fb}
blockquote.contradicting{border-left-color:#E15759;background:#fdf4f4}.flag{color:#a05a00}
.matrix{overflow-x:auto}
"""


def render_html(report: Report) -> str:
    """A standalone HTML page: no scripts, no external assets; every text from the database escaped."""
    tr, e = report.tr, escape
    out = [f'<!DOCTYPE html><html lang="{e(report.lang)}"><head><meta charset="utf-8">',
           # Nothing in the report may fetch anything or run: a policy the browser enforces too.
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
           'style-src \'unsafe-inline\'; img-src data:">',
           f"<title>{e(tr('report.title', project=report.project))}</title><style>{STYLE}</style></head><body>",
           f"<h1>{e(tr('report.title', project=report.project))}</h1>"]
    if report.description:
        out.append(f"<p>{e(report.description)}</p>")
    out.append(f'<p class="muted">{e(tr("report.generated", when=report.generated, **report.totals))}</p>')
    out.append(f"<h2>{e(tr('report.h_codebooks'))}</h2>")
    for book in report.codebooks:
        out.append(f"<h3>{e(book.name)}</h3>")
        if book.details:
            out.append(f'<p class="muted">{e(book.details)}</p>')
        for code in book.codes:
            indent = "&nbsp;" * 4 * code.depth
            out.append(f"<p>{indent}<strong>{e(code.label)}</strong> <code>{e(code.key)}</code></p>")
            lines = [(tr("report.definition"), code.definition), (tr("report.inclusion"), code.inclusion),
                     (tr("report.exclusion"), code.exclusion), (tr("report.examples"), "; ".join(code.examples))]
            shown = "".join(f"<div><em>{e(k)}:</em> {e(v)}</div>" for k, v in lines if v)
            if shown:
                out.append(f'<div class="def" style="margin-left:{1 + 2 * code.depth}rem">{shown}</div>')
    out.append(f"<h2>{e(tr('report.h_frequencies'))}</h2>")
    if report.frequencies.empty:
        out.append(f"<p>{e(tr('report.no_codings'))}</p>")
    else:
        out.append(bar_chart_svg(report.chart, tr("report.chart_title", count=len(report.chart))))
        out.append(_html_table(report.frequencies))
    out.append(f"<h2>{e(tr('report.h_matrices'))}</h2>")
    if not report.matrices:
        out.append(f"<p>{e(tr('report.no_matrices'))}</p>")
    for title, table in report.matrices:
        out.append(f"<h3>{e(title)}</h3><div class=\"matrix\">{_html_table(table)}</div>")
    out.append(f"<h2>{e(tr('report.h_conclusions'))}</h2>")
    if not report.conclusions:
        out.append(f"<p>{e(tr('report.no_conclusions'))}</p>")
    for i, c in enumerate(report.conclusions, 1):
        out.append(f"<h3>{i}. {e(c.statement)}</h3>")
        meta = tr("report.conclusion_meta", status=tr(f"report.status_{c.status}"), about=c.about or "—")
        out.append(f'<p class="muted">{e(meta)}</p>')
        if c.tactics:
            out.append(f"<p><em>{e(tr('report.tactics'))}:</em> {e(', '.join(c.tactics))}</p>")
        out.append(f"<h4>{e(tr('report.h_evidence'))}</h4>")
        if not c.quotes:
            out.append(f"<p>{e(tr('report.no_evidence'))}</p>")
        for q in c.quotes:
            who = tr("report.quote_source", source=q.source, informants=q.informants or "—", groups=q.groups or "—")
            note = f"<br><em>{e(tr('report.note'))}:</em> {e(q.note)}" if q.note else ""
            out.append(f'<blockquote class="{e(q.stance)}"><strong>{e(tr(f"report.stance_{q.stance}"))}</strong>: '
                       f'“{e(q.text)}”<br><span class="muted">{e(who)}</span>{note}</blockquote>')
        out.append(f"<h4>{e(tr('report.h_triangulation'))}</h4>")
        out.append(_html_table(c.by_group.rename_axis(tr("report.col_group"))))
        out.append(_html_table(c.by_kind.rename_axis(tr("report.col_kind"))))
        for flag in c.flags:
            out.append(f'<p class="flag">{e(tr(f"report.flag_{flag}"))}</p>')
    out.extend(_review_html(report))
    out.append("</body></html>")
    return "\n".join(out)


def _docx_table(doc: DocxFile, table: pd.DataFrame) -> None:
    flat = _flat(table)
    grid = doc.add_table(rows=1, cols=len(flat.columns))
    grid.style = "Table Grid"
    for cell, name in zip(grid.rows[0].cells, flat.columns, strict=True):
        cell.text = str(name)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in flat.itertuples(index=False):
        for cell, value in zip(grid.add_row().cells, row, strict=True):
            cell.text = value
    doc.add_paragraph()


def render_docx(report: Report) -> bytes:
    """The report as a Word document: headings, tables and quotes (the default template's styles)."""
    tr = report.tr
    doc = DocxDocument()
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.core_properties.title = tr("report.title", project=report.project)[:255]  # Word's limit for a property
    doc.core_properties.language = report.lang
    doc.add_heading(tr("report.title", project=report.project), level=0)
    if report.description:
        doc.add_paragraph(report.description)
    doc.add_paragraph(tr("report.generated", when=report.generated, **report.totals))
    doc.add_heading(tr("report.h_codebooks"), level=1)
    for book in report.codebooks:
        doc.add_heading(book.name, level=2)
        if book.details:
            doc.add_paragraph(book.details)
        for code in book.codes:
            para = doc.add_paragraph()
            para.paragraph_format.left_indent = Pt(14 * code.depth)
            para.add_run(code.label).bold = True
            para.add_run(f"  ({code.key})")
            for label, value in ((tr("report.definition"), code.definition), (tr("report.inclusion"), code.inclusion),
                                 (tr("report.exclusion"), code.exclusion),
                                 (tr("report.examples"), "; ".join(code.examples))):
                if value:
                    line = doc.add_paragraph()
                    line.paragraph_format.left_indent = Pt(14 * code.depth + 14)
                    line.add_run(f"{label}: ").italic = True
                    line.add_run(value)
    doc.add_heading(tr("report.h_frequencies"), level=1)
    if report.frequencies.empty:
        doc.add_paragraph(tr("report.no_codings"))
    else:
        _docx_table(doc, report.frequencies)
    doc.add_heading(tr("report.h_matrices"), level=1)
    if not report.matrices:
        doc.add_paragraph(tr("report.no_matrices"))
    for title, table in report.matrices:
        doc.add_heading(title, level=2)
        _docx_table(doc, table)
    doc.add_heading(tr("report.h_conclusions"), level=1)
    if not report.conclusions:
        doc.add_paragraph(tr("report.no_conclusions"))
    for i, c in enumerate(report.conclusions, 1):
        doc.add_heading(f"{i}. {c.statement}", level=2)
        doc.add_paragraph(tr("report.conclusion_meta", status=tr(f"report.status_{c.status}"), about=c.about or "—"))
        if c.tactics:
            doc.add_paragraph(f"{tr('report.tactics')}: {', '.join(c.tactics)}")
        doc.add_heading(tr("report.h_evidence"), level=3)
        if not c.quotes:
            doc.add_paragraph(tr("report.no_evidence"))
        for q in c.quotes:
            quote = doc.add_paragraph(style="Quote")
            quote.add_run(f"{tr(f'report.stance_{q.stance}')}: ").bold = True
            quote.add_run(f"“{q.text}”")
            doc.add_paragraph(tr("report.quote_source", source=q.source, informants=q.informants or "—",
                                 groups=q.groups or "—") + (f" {tr('report.note')}: {q.note}" if q.note else ""))
        doc.add_heading(tr("report.h_triangulation"), level=3)
        _docx_table(doc, c.by_group.rename_axis(tr("report.col_group")))
        _docx_table(doc, c.by_kind.rename_axis(tr("report.col_kind")))
        for flag in c.flags:
            doc.add_paragraph(tr(f"report.flag_{flag}"))
    _review_docx(doc, report)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- appendix: supervision (issue 17) -------------------------------------------------------------

@dataclass
class ReviewAppendix:
    """Reliability of unitizing and the review trail, with headers in the report's language."""

    coders: str  # the coders compared, "" when fewer than two coded the same documents
    unitizing: pd.DataFrame  # code, units, alpha, verdict
    state: pd.DataFrame  # latest mark per document or code, with the changes since it
    history: pd.DataFrame  # every mark, oldest first


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


def _review_parts(report: Report) -> list[tuple[str, str | pd.DataFrame]]:
    """The appendix as ("h2"/"h3"/"p"/"table", content) in order, shared by both renderers."""
    tr, review = report.tr, report.review
    if review is None:
        return []
    parts: list[tuple[str, str | pd.DataFrame]] = [("h2", tr("report.h_review")), ("h3", tr("report.h_unitizing"))]
    if review.unitizing.empty:
        parts.append(("p", tr("report.no_unitizing")))
    else:
        parts += [("p", tr("report.unitizing_note", coders=review.coders)), ("p", tr("review.thresholds")),
                  ("table", review.unitizing)]
    parts.append(("h3", tr("report.h_review_state")))
    parts.append(("table", review.state) if not review.state.empty else ("p", tr("review.state_none")))
    parts.append(("h3", tr("report.h_review_history")))
    parts.append(("table", review.history) if not review.history.empty else ("p", tr("review.state_none")))
    return parts


def _review_html(report: Report) -> list[str]:
    out = []
    for kind, content in _review_parts(report):
        if kind == "table":
            out.append(_html_table(content))
        else:
            out.append(f"<{kind}>{escape(str(content))}</{kind}>")
    return out


def _review_docx(doc: DocxFile, report: Report) -> None:
    for kind, content in _review_parts(report):
        if kind == "table":
            _docx_table(doc, content)
        elif kind == "p":
            doc.add_paragraph(str(content))
        else:
            doc.add_heading(str(content), level=int(kind[1]) - 1)
