"""Reliability coefficients: percent agreement, Cohen's kappa and Krippendorff's alpha.

Thin, checked wrappers over maintained libraries (scikit-learn's ``cohen_kappa_score`` and the
``krippendorff`` package) so results can be compared with published tables. Data come as a
coders x units matrix; ``None`` or NaN marks a value a coder did not give.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import combinations
from typing import Any, Literal

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _matrix(reliability_data: Sequence[Sequence[Any]]) -> np.ndarray:
    """The matrix as floats with NaN for missing values."""
    rows = [[np.nan if _missing(v) else float(v) for v in row] for row in reliability_data]
    if not rows or len({len(r) for r in rows}) != 1:
        raise ValueError("reliability data must be a non-empty coders x units matrix with rows of equal length")
    return np.array(rows, dtype=float)


def krippendorff_alpha(reliability_data: Sequence[Sequence[Any]], level_of_measurement: Level = "nominal") -> float:
    """Krippendorff's alpha for two or more coders with missing data.

    ``reliability_data`` is a coders x units matrix of numbers (``None``/NaN for missing).
    Returns NaN when alpha is undefined (fewer than two values in all pairable units, or every
    pairable value identical, so there is no variation to be reliable about).
    """
    if level_of_measurement not in LEVELS:
        raise ValueError(f"level_of_measurement must be one of {', '.join(LEVELS)}, not {level_of_measurement!r}")
    data = _matrix(reliability_data)
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    values = data[:, pairable]
    if values.size == 0 or len(np.unique(values[~np.isnan(values)])) < 2:
        return math.nan
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level_of_measurement))


def cohen_kappa(a: Sequence[Any], b: Sequence[Any]) -> float:
    """Cohen's kappa for two coders' labels of the same units (units missing in either are dropped).

    NaN when kappa is undefined (no units, or both coders used one and the same label throughout).
    """
    if len(a) != len(b):
        raise ValueError(f"the two coders' label lists differ in length ({len(a)} and {len(b)})")
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if not _missing(x) and not _missing(y)]
    if not pairs:
        return math.nan
    left, right = zip(*pairs, strict=True)
    if len(set(left) | set(right)) < 2:
        return math.nan
    return float(cohen_kappa_score(list(left), list(right)))


def percent_agreement(reliability_data: Sequence[Sequence[Any]]) -> float:
    """The share of agreeing coder pairs among all pairs of values given to the same unit.

    For two coders without missing data this is the share of units they labelled alike.
    NaN when no unit has two values.
    """
    data = _matrix(reliability_data)
    agree = total = 0
    for unit in data.T:
        present = unit[~np.isnan(unit)]
        for x, y in combinations(present, 2):
            total += 1
            agree += int(x == y)
    return agree / total if total else math.nan
