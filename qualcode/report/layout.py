"""The report laid out once, as a list of blocks both renderers walk (HTML and DOCX show the same
sections, headings and tables in the same order): the thesis-appendix order.

1. project and method summary, 2. codebooks, 3. code frequencies (table and chart), 4. analytic
memos, 5. contact summary sheets, 6. pattern codes, 7. data displays, 8. conclusions with their
evidence, 9. methods table (verification tactics and triangulation per conclusion), then the
supervision appendix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from qualcode.analysis.register import MIN_GROUPS, MIN_KINDS
from qualcode.report.model import Report, ReportChart, clean

Run = tuple[str, str]  # (text, format): "" plain, "b" bold, "i" italic, "code" a key


@dataclass(frozen=True)
class Heading:
    level: int  # 0 the title, 1 a main section (a new page in print), 2-4 below it
    text: str
    wide: bool = False  # a main section of wide tables: printed on landscape pages


@dataclass(frozen=True)
class Para:
    runs: tuple[Run, ...]
    style: str = ""  # "", "muted", "flag", "quote-supporting", "quote-contradicting"
    indent: int = 0  # steps of one code level


@dataclass(frozen=True)
class Body:
    """User text of several lines (a memo, a summary sheet's field): line breaks kept."""

    text: str
    label: str = ""


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    heat: list[list[float]] = field(default_factory=list)  # 0-1 per cell when shaded, else empty
    index_columns: int = 0  # the leading columns that name the row (the frame's index)
    groups: list[tuple[str, int]] = field(default_factory=list)  # a header row above: (label, columns spanned)


@dataclass(frozen=True)
class Figure:
    chart: ReportChart


Block = Heading | Para | Body | Table | Figure


def table(frame: pd.DataFrame, *, shade: bool = False) -> Table:
    """A DataFrame as a block: index as ordinary columns, column levels joined by " · ", every cell
    a string; with ``shade``, each number's share of the table's largest (index columns get 0)."""
    out = frame.copy()
    groups: list[tuple[str, int]] = []
    if isinstance(out.columns, pd.MultiIndex):
        if out.columns.nlevels == 2:  # two header rows: the first level spans its columns
            for label in out.columns.get_level_values(0):
                if groups and groups[-1][0] == clean(label):
                    groups[-1] = (groups[-1][0], groups[-1][1] + 1)
                else:
                    groups.append((clean(label), 1))
            out.columns = [str(col[1]) for col in out.columns]
        else:
            out.columns = [" · ".join(str(p) for p in col) for col in out.columns]
    index_columns = 0
    if not isinstance(out.index, pd.RangeIndex) or any(n is not None for n in out.index.names):
        out.index = out.index.set_names([n if n is not None else "" for n in out.index.names])
        index_columns = out.index.nlevels
        out = out.reset_index()
    heat: list[list[float]] = []
    if shade:
        values = out.iloc[:, index_columns:].apply(pd.to_numeric, errors="coerce")
        peak = float(values.max().max()) if values.notna().any().any() else 0.0
        share = (values / peak).fillna(0.0) if peak > 0 else values * 0.0
        heat = [[0.0] * index_columns + [float(v) for v in row] for row in share.fillna(0.0).to_numpy()]
    cells = out.astype(object).where(out.notna(), "").map(clean)
    return Table(headers=[clean(c) for c in out.columns], rows=[list(r) for r in cells.itertuples(index=False)],
                 heat=heat, index_columns=index_columns, groups=groups)


def layout(report: Report) -> list[Block]:
    """Every block of the report, in order."""
    tr = report.tr
    out: list[Block] = [Heading(0, tr("report.title", project=report.project))]
    out += _summary(report)
    out += _codebooks(report)
    out.append(Heading(1, tr("report.h_frequencies")))
    if report.frequencies.empty:
        out.append(Para(((tr("report.no_codings"), ""),)))
    else:
        if report.frequency_chart is not None:
            out.append(Figure(report.frequency_chart))
        out.append(table(report.frequencies))
    out += _memos(report)
    out += _sheets(report)
    out += _patterns(report)
    out.append(Heading(1, tr("report.h_matrices"), wide=True))
    if not report.displays:
        out.append(Para(((tr("report.no_matrices"), ""),)))
    for display in report.displays:
        out.append(Heading(2, display.title))
        if display.chart is not None:
            out.append(Figure(display.chart))
        out.append(table(display.table, shade=display.shade))
    out += _conclusions(report)
    out += _methods(report)
    out += _review(report)
    return out


def _summary(report: Report) -> list[Block]:
    tr = report.tr
    out: list[Block] = [Heading(1, tr("report.h_summary"))]
    if report.description:
        out.append(Body(report.description))
    out.append(Para(((tr("report.generated", when=report.generated, **report.totals), ""),), "muted"))
    out.append(Para(((tr("report.method"), ""),)))
    if not report.sources.empty:
        out.append(table(report.sources))
    return out


def _codebooks(report: Report) -> list[Block]:
    tr = report.tr
    out: list[Block] = [Heading(1, tr("report.h_codebooks"))]
    for book in report.codebooks:
        out.append(Heading(2, book.name))
        if book.details:
            out.append(Para(((book.details, ""),), "muted"))
        for code in book.codes:
            out.append(Para(((code.label, "b"), (" ", ""), (code.key, "code")), indent=code.depth))
            for label, value in ((tr("report.definition"), code.definition), (tr("report.inclusion"), code.inclusion),
                                 (tr("report.exclusion"), code.exclusion),
                                 (tr("report.examples"), "; ".join(code.examples))):
                if value:
                    out.append(Para(((f"{label}: ", "i"), (value, "")), "def", indent=code.depth + 1))
    return out


def _memos(report: Report) -> list[Block]:
    tr = report.tr
    out: list[Block] = [Heading(1, tr("report.h_memos"))]
    if not report.memos:
        out.append(Para(((tr("report.no_memos"), ""),)))
    shown = ""
    for memo in report.memos:
        if memo.on != shown:
            out.append(Heading(2, tr(f"report.memos_on_{memo.on}")))
            shown = memo.on
        out.append(Heading(3, memo.title or tr("report.untitled")))
        meta = tr("report.memo_meta", author=memo.author or "—", date=memo.date or "—")
        if memo.target:
            meta = f"{tr(f'report.memo_target_{memo.on}', target=memo.target)} · {meta}"
        out.append(Para(((meta, ""),), "muted"))
        out.append(Body(memo.body))
    return out


def _sheets(report: Report) -> list[Block]:
    tr = report.tr
    out: list[Block] = [Heading(1, tr("report.h_sheets"))]
    if not report.summary_sheets:
        out.append(Para(((tr("report.no_sheets"), ""),)))
    for sheet in report.summary_sheets:
        out.append(Heading(2, sheet.document))
        meta = tr("report.sheet_meta", kind=sheet.kind, informants=sheet.informants or "—", author=sheet.author or "—",
                  date=sheet.date or "—")
        out.append(Para(((meta, ""),), "muted"))
        for key, value in (("main_themes", sheet.main_themes), ("salient_points", sheet.salient_points),
                           ("next_questions", sheet.next_questions)):
            out.append(Body(value or "—", label=tr(f"report.sheet_{key}")))
        if sheet.segments:
            out.append(Para(((tr("report.sheet_segments", count=len(sheet.segments)), "i"),)))
            out += [Para(((f"“{s}”", ""),), "quote-supporting") for s in sheet.segments]
    return out


def _patterns(report: Report) -> list[Block]:
    tr = report.tr
    out: list[Block] = [Heading(1, tr("report.h_patterns"))]
    if not report.patterns:
        out.append(Para(((tr("report.no_patterns"), ""),)))
        return out
    out.append(table(pd.DataFrame({
        tr("report.col_pattern"): [p.name for p in report.patterns],
        tr("report.col_definition"): [p.definition for p in report.patterns],
        tr("report.col_member_codes"): ["; ".join(p.codes) for p in report.patterns],
        tr("report.col_segments"): [p.segments for p in report.patterns],
    })))
    for p in report.patterns:
        if p.memo:
            out.append(Body(p.memo, label=tr("report.pattern_memo", pattern=p.name)))
    return out


def _conclusions(report: Report) -> list[Block]:
    tr = report.tr
    out: list[Block] = [Heading(1, tr("report.h_conclusions"))]
    if not report.conclusions:
        out.append(Para(((tr("report.no_conclusions"), ""),)))
    for i, c in enumerate(report.conclusions, 1):
        out.append(Heading(2, f"{i}. {c.statement}"))
        meta = tr("report.conclusion_meta", status=tr(f"report.status_{c.status}"), about=c.about or "—")
        out.append(Para(((meta, ""),), "muted"))
        if c.tactics:
            out.append(Para(((f"{tr('report.tactics')}: ", "i"), ("; ".join(c.tactics), ""))))
        out.append(Heading(3, tr("report.h_evidence")))
        if not c.quotes:
            out.append(Para(((tr("report.no_evidence"), ""),)))
        for q in c.quotes:
            who = tr("report.quote_source", source=q.source, informants=q.informants or "—", groups=q.groups or "—")
            runs: list[Run] = [(f"{tr(f'report.stance_{q.stance}')}: ", "b"), (f"“{q.text}”", ""), (f"\n{who}", "")]
            if q.note:
                runs += [(f"\n{tr('report.note')}: ", "i"), (q.note, "")]
            out.append(Para(tuple(runs), f"quote-{q.stance}"))
        out.append(Heading(3, tr("report.h_triangulation")))
        out.append(table(c.by_group.rename_axis(tr("report.col_group"))))
        out.append(table(c.by_kind.rename_axis(tr("report.col_kind"))))
        # a gap to close is flagged; "negative evidence sought, none found" is a plain statement
        out += [Para(((tr(f"report.flag_{flag}"), ""),), "" if flag == "negative_sought" else "flag") for flag in c.flags]
    return out


def _methods(report: Report) -> list[Block]:
    """One row per conclusion: the tactics used and where its evidence comes from."""
    tr = report.tr
    out: list[Block] = [Heading(1, tr("report.h_methods"), wide=True),
                        Para(((tr("report.methods_note", groups=MIN_GROUPS, kinds=MIN_KINDS), ""),), "muted")]
    if not report.conclusions:
        out.append(Para(((tr("report.no_conclusions"), ""),)))
        return out
    rows = []
    for i, c in enumerate(report.conclusions, 1):
        supporting = sum(q.stance == "supporting" for q in c.quotes)
        reasons = [tr(f"report.short_{f}") for f in c.flags]
        rows.append({
            "#": str(i), tr("report.col_conclusion"): c.statement, tr("report.col_status"): tr(f"report.status_{c.status}"),
            tr("report.col_tactics"): "; ".join(c.tactics) or "—",
            tr("report.col_evidence"): tr("report.evidence_counts", supporting=supporting,
                                          contradicting=len(c.quotes) - supporting),
            tr("report.col_group"): ", ".join(c.groups) or "—", tr("report.col_kind"): ", ".join(c.kinds) or "—",
            tr("report.col_informants"): ", ".join(c.informants) or "—",
            tr("report.col_coverage"): (tr("report.coverage_thin") if c.thin else tr("report.coverage_ok"))
            + (f" ({'; '.join(reasons)})" if reasons else ""),
        })
    out.append(table(pd.DataFrame(rows)))
    return out


def _review(report: Report) -> list[Block]:
    tr, review = report.tr, report.review
    if review is None:
        return []
    out: list[Block] = [Heading(1, tr("report.h_review")), Heading(2, tr("report.h_unitizing"))]
    if review.unitizing.empty:
        out.append(Para(((tr("report.no_unitizing"), ""),)))
    else:
        out += [Para(((tr("report.unitizing_note", coders=review.coders), ""),)),
                Para(((tr("review.thresholds"), ""),)), table(review.unitizing)]
    out.append(Heading(2, tr("report.h_review_state")))
    out.append(table(review.state) if not review.state.empty else Para(((tr("review.state_none"), ""),)))
    out.append(Heading(2, tr("report.h_review_history")))
    out.append(table(review.history) if not review.history.empty else Para(((tr("review.state_none"), ""),)))
    return out
