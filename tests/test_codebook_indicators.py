"""The codebooks' indicators (issue 14): Najam's head words match, generic words do not pull a
passage to a code, and negated forms meet their root."""

from pathlib import Path

from qualcode.codebooks import load_codebook_file
from qualcode.nlp.suggest import CodebookSuggester, CodeInfo

ROOT = Path(__file__).resolve().parent.parent


def matched(codebook: str, text: str) -> dict[str, list[str]]:
    spec = load_codebook_file(ROOT / "codebooks" / f"{codebook}.yaml")
    codes = [CodeInfo(c.id, p, c.name.id, c.name.en, c.definition, c.inclusion, tuple(c.examples),
                      tuple(c.indicators)) for p, c, _ in spec.walk()]
    suggester = CodebookSuggester(codes)
    _, terms, _ = suggester.scores(suggester.docs([text]))
    return terms[0]


def test_najam_head_words_match_their_c():
    terms = matched("najam_5c_1995", "Komitmen pimpinan kuat, tapi kapasitas dan sumber daya terbatas, konteksnya sulit.")
    assert {"commitment", "capacity", "context"} <= set(terms)
    assert "inhibiting" in terms and "supporting" in terms


def test_generic_words_do_not_pull_to_a_code():
    terms = matched("ansell_gash_2008", "Kinerja pegawai dinilai setiap bulan; izin diurus di PTSP satu pintu. "
                                        "Semua yang terlibat berhasil menyelesaikan tugasnya.")
    assert "common_values" not in terms  # dinilai (assessed) is not nilai-nilai (values)
    assert "forum_exclusiveness" not in terms  # a one-stop service office is not an exclusive forum
    assert "participatory_inclusiveness" not in terms and "outcomes" not in terms


def test_negated_forms_meet_their_root():
    assert "trust_building" in matched("ansell_gash_2008", "Ketidakpercayaan antar dinas masih tinggi.")
