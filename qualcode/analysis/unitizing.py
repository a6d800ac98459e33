"""Krippendorff's unitizing alpha: agreement on where coded stretches of text start and end.

When coders choose their own spans, every coder cuts each continuum (here: each document's text,
counted in characters) into *sections*: the *units* they coded with a code ``c`` and the *gaps*
between them. Krippendorff's alpha for unitizing compares those sections directly, so it
rewards coders who code the same stretch and penalises every character by which their spans
differ, including units one coder marked where another left a gap.

Definitions follow Krippendorff (1995), "On the reliability of unitizing continuous data",
Sociological Methodology 25: 47-76, as restated in Krippendorff (2004), *Content Analysis*, 2nd
ed., section 12.4 (and 3rd ed. 2013); Krippendorff, Mathet, Bouvry & Widlöcher (2016), "On the
reliability of unitizing textual continua: further developments", Quality & Quantity 50, call
the per-code coefficient ``|uα`` (binary: unit of ``c`` or not). For a code ``c``, coders
``i != j`` with sections ``g`` (begin ``b``, length ``l``) and ``h``:

- two units of ``c`` that overlap differ by ``δ² = (b_g - b_h)² + (e_g - e_h)²`` (``e`` = end);
- a unit lying wholly inside the other coder's gap differs by its length squared;
- any other pair (no overlap, a unit only partly in a gap, two gaps) differs by 0.

Observed disagreement ``D_o = Σ_i Σ_j≠i Σ_g Σ_h δ² / (m (m-1) L²)`` with ``m`` coders and
continuum length ``L``. Expected disagreement, over all ways of placing the coders' units and
gaps at random on the continuum:

    D_e = (2 / L) Σ_units [ (N_c - 1)(2l³ - 3l² + l) / 3 + l² Σ_gaps, l_gap ≥ l (l_gap - l + 1) ]
          / [ m L (m L - 1) - Σ_units l (l - 1) ]

with ``N_c`` the number of units of ``c`` over all coders. ``α_c = 1 - D_o / D_e``; over all
codes ``α = 1 - Σ_c D_o / Σ_c D_e`` (Krippendorff 2004: the disagreements are summed over the
categories before they are compared).

How qualcode applies it:

- Several documents are several continua laid end to end: ``L`` is their total length, and a
  section never crosses a document boundary (the last gap of one document and the first gap of
  the next stay two gaps).
- Every chosen coder unitizes every chosen document; a coder with no coding of ``c`` in a
  document has one gap over the whole of it.
- A coder's overlapping codings of the same code are merged into one unit (the definition
  requires one coder's units of a code not to overlap); codings that only touch stay two units.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

OVERALL = "overall"
COLUMNS = ["code", "units", "observed", "expected", "alpha"]
RELIABLE = 0.800
TENTATIVE = 0.667


@dataclass(frozen=True)
class Sections:
    """One coder's sections of one code over the continua: begins, ends, and unit (True) or gap."""

    begin: np.ndarray
    end: np.ndarray
    unit: np.ndarray


def verdict(alpha: float) -> str:
    """Krippendorff's (2004: 241) reading of alpha: ``reliable`` from .800, ``tentative`` from .667
    (conclusions only tentatively drawn), ``unreliable`` below; ``none`` when it is undefined."""
    if alpha is None or np.isnan(alpha):
        return "none"
    if alpha >= RELIABLE:
        return "reliable"
    if alpha >= TENTATIVE:
        return "tentative"
    return "unreliable"


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans joined; spans that only touch stay apart."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def sections(units: Iterable[tuple[int, int]], continua: Sequence[tuple[int, int]]) -> Sections:
    """Cut the continua (``(begin, end)`` each, in one coordinate) into one coder's units and the
    gaps around them. Units must lie inside a continuum."""
    units = _merge(units)
    begins: list[int] = []
    ends: list[int] = []
    kinds: list[bool] = []
    k = 0
    for c_begin, c_end in continua:
        pos = c_begin
        while k < len(units) and units[k][0] < c_end:
            start, end = units[k]
            if start < c_begin or end > c_end:
                raise ValueError(f"unit {start}-{end} does not lie within a continuum")
            if start > pos:
                begins.append(pos)
                ends.append(start)
                kinds.append(False)
            begins.append(start)
            ends.append(end)
            kinds.append(True)
            pos = end
            k += 1
        if pos < c_end:
            begins.append(pos)
            ends.append(c_end)
            kinds.append(False)
    return Sections(np.array(begins, dtype=np.int64), np.array(ends, dtype=np.int64), np.array(kinds, dtype=bool))


def _pair_disagreement(a: Sections, b: Sections) -> float:
    """Σ δ² over the overlapping section pairs of two coders (one direction)."""
    if len(a.begin) == 0 or len(b.begin) == 0:
        return 0.0
    # Every pair of sections that share at least one character: for each section of ``a`` the
    # sections of ``b`` from the first ending after its begin to the last beginning before its end.
    first = np.searchsorted(b.end, a.begin, side="right")
    last = np.searchsorted(b.begin, a.end, side="left")
    counts = np.maximum(last - first, 0)
    ia = np.repeat(np.arange(len(a.begin)), counts)
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    ib = np.repeat(first, counts) + within
    ba, ea, ua = a.begin[ia], a.end[ia], a.unit[ia]
    bb, eb, ub = b.begin[ib], b.end[ib], b.unit[ib]
    both = ua & ub
    total = float(np.sum(((ba - bb) ** 2 + (ea - eb) ** 2)[both].astype(np.float64)))
    a_in_gap = ua & ~ub & (ba >= bb) & (ea <= eb)
    b_in_gap = ub & ~ua & (bb >= ba) & (eb <= ea)
    total += float(np.sum(((ea - ba) ** 2)[a_in_gap].astype(np.float64)))
    total += float(np.sum(((eb - bb) ** 2)[b_in_gap].astype(np.float64)))
    return total


def observed_disagreement(coders: Sequence[Sections], length: int) -> float:
    """``D_o`` of one code: δ² summed over ordered pairs of coders, over ``m (m-1) L²``."""
    m = len(coders)
    total = 0.0
    for i in range(m):
        for j in range(i + 1, m):
            total += _pair_disagreement(coders[i], coders[j])
    return 2.0 * total / (m * (m - 1) * float(length) ** 2)


def expected_disagreement(coders: Sequence[Sections], length: int) -> float:
    """``D_e`` of one code, from the lengths of all coders' units and gaps."""
    m = len(coders)
    units = np.concatenate([(s.end - s.begin)[s.unit] for s in coders]).astype(np.float64)
    gaps = np.sort(np.concatenate([(s.end - s.begin)[~s.unit] for s in coders]).astype(np.float64))
    n_units = len(units)
    if n_units == 0:
        return 0.0
    # For each unit length l: Σ over gaps at least l long of (gap - l + 1), from suffix sums.
    suffix = np.concatenate([np.cumsum(gaps[::-1])[::-1], [0.0]])
    idx = np.searchsorted(gaps, units, side="left")
    count = len(gaps) - idx
    fitting = suffix[idx] - count * (units - 1.0)
    within = (n_units - 1) * (2 * units**3 - 3 * units**2 + units) / 3.0
    numerator = float(np.sum(within + units**2 * fitting))
    L = float(length)
    denominator = m * L * (m * L - 1) - float(np.sum(units * (units - 1)))
    return 2.0 / L * numerator / denominator


def _alpha(observed: float, expected: float) -> float:
    if expected == 0:
        return float("nan")
    return 1.0 - observed / expected


def unitizing_alpha(spans: pd.DataFrame, lengths: Mapping[Any, int], coders: Sequence[object],
                    codes: Sequence[object] | None = None) -> pd.DataFrame:
    """Unitizing alpha per code and overall.

    ``spans``: one row per coded span with columns ``coder``, ``code``, ``document``, ``start``,
    ``end`` (end exclusive); ``lengths``: each chosen document's length (its continuum);
    ``coders``: the coders compared (at least two; a coder without spans left everything as gap);
    ``codes``: the codes to report (default: those in ``spans``). Returns one row per code and an
    ``overall`` row: ``units`` (coded units over all coders), ``observed`` and ``expected``
    disagreement and ``alpha`` (NaN when no code has any unit).
    """
    if len(coders) < 2:
        raise ValueError("unitizing alpha needs at least two coders")
    offsets: dict[object, int] = {}
    continua: list[tuple[int, int]] = []
    pos = 0
    for document, size in lengths.items():
        offsets[document] = pos
        continua.append((pos, pos + int(size)))
        pos += int(size)
    total_length = pos
    spans = spans[spans["document"].isin(list(offsets)) & spans["coder"].isin(list(coders))]
    if codes is None:
        codes = list(dict.fromkeys(spans["code"]))
    shift = spans["document"].map(offsets).astype(np.int64)
    starts = (spans["start"].astype(np.int64) + shift).to_numpy()
    ends = (spans["end"].astype(np.int64) + shift).to_numpy()
    frame = pd.DataFrame({"coder": spans["coder"].to_numpy(), "code": spans["code"].to_numpy(), "start": starts,
                          "end": ends})
    grouped = {key: list(zip(part["start"], part["end"], strict=True))
               for key, part in frame.groupby(["code", "coder"], sort=False)}
    rows = []
    for code in codes:
        per_coder = [sections(grouped.get((code, coder), []), continua) for coder in coders]
        n_units = int(sum(int(s.unit.sum()) for s in per_coder))
        if total_length == 0:
            rows.append([code, n_units, float("nan"), float("nan"), float("nan")])
            continue
        observed = observed_disagreement(per_coder, total_length)
        expected = expected_disagreement(per_coder, total_length)
        rows.append([code, n_units, observed, expected, _alpha(observed, expected)])
    table = pd.DataFrame(rows, columns=COLUMNS)
    observed = float(table["observed"].sum()) if len(table) else float("nan")
    expected = float(table["expected"].sum()) if len(table) else float("nan")
    overall = [OVERALL, int(table["units"].sum()), observed, expected,
               _alpha(observed, expected) if len(table) else float("nan")]
    return pd.concat([table, pd.DataFrame([overall], columns=COLUMNS)], ignore_index=True)
