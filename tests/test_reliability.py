"""Reliability coefficients against published worked examples."""

import math

import pytest

from qualcode.analysis.reliability import cohen_kappa, krippendorff_alpha, percent_agreement

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders x 12 units,
# with missing values (None). Published: nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_example(level, published):
    assert krippendorff_alpha(KRIPPENDORFF_2011, level_of_measurement=level) == pytest.approx(published, abs=5e-4)


def test_alpha_default_is_nominal_and_nan_counts_as_missing():
    with_nan = [[math.nan if v is None else v for v in row] for row in KRIPPENDORFF_2011]
    assert krippendorff_alpha(with_nan) == pytest.approx(0.743, abs=5e-4)


def test_alpha_reliability_data_example_two_coders_binary():
    # Krippendorff (2011), section A: two observers, ten units, binary data; published alpha = 0.095.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert krippendorff_alpha([a, b]) == pytest.approx(0.095, abs=5e-4)
    assert percent_agreement([a, b]) == pytest.approx(0.6)


def test_alpha_is_undefined_without_variation_and_rejects_bad_input():
    assert math.isnan(krippendorff_alpha([[1, 1, 1], [1, 1, None]]))
    with pytest.raises(ValueError, match="level_of_measurement"):
        krippendorff_alpha(KRIPPENDORFF_2011, level_of_measurement="fuzzy")
    with pytest.raises(ValueError, match="equal length"):
        krippendorff_alpha([[1, 2], [1]])


def _labels(yes_yes, yes_no, no_yes, no_no):
    a = ["yes"] * (yes_yes + yes_no) + ["no"] * (no_yes + no_no)
    b = ["yes"] * yes_yes + ["no"] * yes_no + ["yes"] * no_yes + ["no"] * no_no
    return a, b


@pytest.mark.parametrize(
    ("table", "kappa", "agreement"),
    [
        # The textbook 2x2 example (50 grant proposals, two readers): p_o = 0.70, p_e = 0.50, kappa = 0.40.
        ((20, 5, 10, 15), 0.40, 0.70),
        # Same agreement, different marginals (the "kappa paradox" pair): 0.1304 and 0.2593.
        ((45, 15, 25, 15), 0.1304, 0.60),
        ((25, 35, 5, 35), 0.2593, 0.60),
    ],
)
def test_cohen_kappa_textbook_tables(table, kappa, agreement):
    a, b = _labels(*table)
    assert cohen_kappa(a, b) == pytest.approx(kappa, abs=5e-5)
    assert percent_agreement([[x == "yes" for x in a], [y == "yes" for y in b]]) == pytest.approx(agreement)


def test_cohen_kappa_drops_missing_pairs_and_is_nan_without_variation():
    assert cohen_kappa([1, 0, None, 1], [1, 0, 1, 1]) == pytest.approx(1.0)
    assert math.isnan(cohen_kappa([1, 1], [1, 1]))
    with pytest.raises(ValueError, match="length"):
        cohen_kappa([1], [1, 0])


def test_percent_agreement_counts_pairs_with_missing_data():
    # Unit 1: 3 coders agree (3 pairs agree); unit 2: 1 vs 1 (1 pair disagrees); unit 3: one value only.
    data = [[1, 1, 2], [1, 2, None], [1, None, None]]
    assert percent_agreement(data) == pytest.approx(3 / 4)
    assert math.isnan(percent_agreement([[1], [None]]))
