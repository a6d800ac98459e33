"""What the study report holds: plain dataclasses (no ORM objects), every text already cleaned of
characters XML cannot carry and written in the report's language; the renderers escape it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from qualcode.i18n import t

MATRIX_KINDS = ("role", "case", "excerpt", "checklist", "cross")
TEXT_KINDS = ("excerpt", "checklist")  # displays whose cells are text, not counts (not shaded)
# Characters XML 1.0 (and so Word and HTML) cannot hold; imported text may still carry a stray one.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: object) -> str:
    """``text`` as a string without the control characters XML refuses (``None`` is "")."""
    return _CONTROL.sub("", "" if text is None else str(text))


@dataclass(frozen=True)
class MatrixChoice:
    """A matrix to include on a codebook's dimensions: ``role``-ordered (segments per stakeholder
    group), ``case``-ordered (segments per informant), ``excerpt`` (case-ordered, cells of condensed
    excerpts), ``checklist`` (per informant: present, strength 0-3, segments), or ``cross``: the
    codebook's dimensions by the factors (and directions) of ``factors_codebook_id``."""

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


@dataclass(frozen=True)
class ReportChart:
    """A chart of the report as a PNG (rendered once, by vl-convert): embedded in both files and
    offered as its own download under ``name`` (ASCII, no extension)."""

    name: str
    title: str
    png: bytes

    @property
    def size(self) -> tuple[int, int]:
        """Width and height in pixels, read from the PNG header."""
        return int.from_bytes(self.png[16:20], "big"), int.from_bytes(self.png[20:24], "big")


@dataclass
class Display:
    """A chosen display: a title, its table (numbers shaded by size when ``shade``) and the chart
    drawn from it, if any."""

    title: str
    table: pd.DataFrame
    shade: bool = True
    chart: ReportChart | None = None


@dataclass
class MemoEntry:
    on: str  # project, document, code, segment
    target: str  # what the memo is on: a document title, a code label, "document: snippet"
    title: str
    author: str
    date: str
    body: str


@dataclass
class SummarySheetEntry:
    document: str
    kind: str
    informants: str
    author: str
    date: str
    main_themes: str
    salient_points: str
    next_questions: str
    segments: list[str]  # snippets of the segments the sheet points to


@dataclass
class PatternEntry:
    name: str
    definition: str
    memo: str
    codes: list[str]  # "label (key)", in codebook order
    segments: int  # coded segments carrying one of its codes


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
    tactics: list[str]  # "tactic: what it showed" in the report's language
    quotes: list[Quote]
    by_group: pd.DataFrame
    by_kind: pd.DataFrame
    flags: list[str]
    groups: list[str] = field(default_factory=list)  # stakeholder groups behind the supporting evidence
    kinds: list[str] = field(default_factory=list)  # source kinds behind the supporting evidence
    informants: list[str] = field(default_factory=list)  # informants behind any of its evidence
    thin: bool = False


@dataclass
class ReviewAppendix:
    """Reliability of unitizing and the review trail, with headers in the report's language."""

    coders: str  # the coders compared, "" when fewer than two coded the same documents
    unitizing: pd.DataFrame  # code, units, alpha, verdict
    state: pd.DataFrame  # latest mark per document or code, with the changes since it
    history: pd.DataFrame  # every mark, oldest first


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
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)  # method summary: what the study rests on
    frequency_chart: ReportChart | None = None
    memos: list[MemoEntry] = field(default_factory=list)
    summary_sheets: list[SummarySheetEntry] = field(default_factory=list)
    patterns: list[PatternEntry] = field(default_factory=list)
    displays: list[Display] = field(default_factory=list)
    conclusions: list[ConclusionSection] = field(default_factory=list)
    review: ReviewAppendix | None = None  # supervision appendix (issue 17)

    def tr(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    @property
    def matrices(self) -> list[tuple[str, pd.DataFrame]]:
        return [(d.title, d.table) for d in self.displays]

    @property
    def charts(self) -> list[ReportChart]:
        """Every chart in the report, in the order it appears."""
        found = [self.frequency_chart] + [d.chart for d in self.displays]
        return [c for c in found if c is not None]
