"""Speaker-turn parsing over the transcript conventions researchers use."""

from pathlib import Path

import pytest

from qualcode.text import normalise_text
from qualcode.turns import guess_interviewer, join_wrapped_lines, parse_turns, speaker_labels

ROOT = Path(__file__).resolve().parent.parent


def test_labels_timestamps_and_offsets():
    text = (
        "Transkrip W01\nTanggal: 3 Maret 2025\n\n"
        "[00:12:35] P: Bagaimana koordinasinya?\n"
        "I: Ya... kami saling percaya.\nParagraf kedua jawaban.\n\n"
        "(12:40) Peneliti: Lalu?\n"
        "BLUD-1: [00:13:02] Anggaran terbatas.\n"
    )
    turns = parse_turns(text)
    assert [t.speaker for t in turns] == ["P", "I", "Peneliti", "BLUD-1"]
    assert [t.timestamp for t in turns] == ["00:12:35", None, "12:40", "00:13:02"]
    assert text[turns[0].text_start:turns[0].end] == "Bagaimana koordinasinya?"
    assert text[turns[1].text_start:turns[1].end] == "Ya... kami saling percaya.\nParagraf kedua jawaban."
    assert text[turns[3].text_start:turns[3].end] == "Anggaran terbatas."
    assert text[turns[0].start:].startswith("[00:12:35] P:")
    assert [t.is_interviewer for t in turns] == [True, False, False, False]


@pytest.mark.parametrize(
    "interviewer,informant",
    [("P", "I"), ("Peneliti", "Informan"), ("Pewawancara", "Narasumber"), ("T", "J"), ("P", "R"), ("P", "N"),
     ("P", "IF-3")],
)
def test_conventions(interviewer, informant):
    text = f"{interviewer}: Apa kabar?\n{informant}: Baik.\n{interviewer}: Lanjut.\n"
    turns = parse_turns(text)
    assert speaker_labels(turns) == [interviewer, informant]
    assert [t.is_interviewer for t in turns] == [True, False, True]


def test_the_researcher_can_correct_the_interviewer():
    text = "RS: Pertanyaan?\nAB: Jawaban.\n"
    assert [t.is_interviewer for t in parse_turns(text)] == [True, False]  # first speaker guessed
    assert [t.is_interviewer for t in parse_turns(text, "AB")] == [False, True]


def test_prose_with_colons_is_not_a_turn():
    text = "Catatan: rapat dimulai pukul 09.00.\nPasal 3: ketentuan umum.\nhttps://example.org\n"
    assert parse_turns(text) == []


def test_guess_prefers_known_interviewer_labels():
    assert guess_interviewer(["Informan", "Peneliti"]) == "Peneliti"
    assert guess_interviewer(["DKS-1", "XY-2"]) == "DKS-1"


def test_every_demo_interview_has_two_speakers_and_alternates():
    for path in sorted((ROOT / "corpora" / "interviews").glob("*.txt")):
        turns = parse_turns(normalise_text(path.read_text(encoding="utf-8")))
        assert len(speaker_labels(turns)) == 2, path.name
        assert turns[0].is_interviewer, path.name
        assert sum(t.is_interviewer for t in turns) * 2 == len(turns), path.name


# --- labels as people type them ---------------------------------------------------------------------

LAYOUTS = {
    "P/W": ("P", "W"),
    "Peneliti/Bu Sri": ("Peneliti", "Bu Sri"),
    "T/J": ("T", "J"),
    "initials": ("PNL", "BLUD-1"),
    "Pak Kadis": ("Pewawancara", "Pak Kadis"),
}


def transcript(interviewer: str, informant: str, *, blank_lines: bool, timestamps: bool = False) -> str:
    gap = "\n\n" if blank_lines else "\n"
    stamp = "[00:12:35] " if timestamps else ""
    return "Transkrip wawancara 4\nCatatan: direkam dengan izin." + gap + gap.join([
        f"{stamp}{interviewer}: Bagaimana koordinasi dengan dinas?",
        f"{informant}: Koordinasi jalan, tapi anggaran terbatas.",
        f"{interviewer}: Lalu bagaimana dengan warga?",
        f"{stamp}{informant}: Warga ikut rapat desa.",
    ]) + "\n"


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("blank_lines", [True, False])
def test_any_recurring_label_is_a_speaker(layout, blank_lines):
    interviewer, informant = LAYOUTS[layout]
    text = transcript(interviewer, informant, blank_lines=blank_lines, timestamps=True)
    turns = parse_turns(text)
    assert speaker_labels(turns) == [interviewer, informant]
    assert [t.is_interviewer for t in turns] == [True, False, True, False]
    assert text[turns[1].text_start:turns[1].end] == "Koordinasi jalan, tapi anggaran terbatas."
    assert turns[0].timestamp == "00:12:35"


def test_a_label_seen_once_in_prose_is_no_speaker_but_the_researcher_can_say_so():
    text = "Menurut warga: banjir datang tiap tahun.\nKepala Desa: kami siap.\nIa menutup rapat.\n"
    assert parse_turns(text) == []
    turns = parse_turns(text, speakers=["Kepala Desa"])
    assert speaker_labels(turns) == ["Kepala Desa"]
    assert text[turns[0].text_start:turns[0].end] == "kami siap.\nIa menutup rapat."


def test_named_speakers_exclude_a_recurring_label_the_researcher_rejects():
    text = "Bu Sri: Ya.\nPoin: satu.\nPeneliti: Lalu?\nPoin: dua.\nBu Sri: Sudah.\n"
    assert set(speaker_labels(parse_turns(text))) == {"Bu Sri", "Poin", "Peneliti"}
    turns = parse_turns(text, "Peneliti", speakers=["Bu Sri", "Peneliti"])
    assert speaker_labels(turns) == ["Bu Sri", "Peneliti"]
    assert "Poin: satu." in text[turns[0].start:turns[0].end]


def test_wrapped_lines_inside_a_turn_are_joined_and_paragraphs_kept():
    text = ("Transkrip 5\nLokasi: Balai desa\n"
            "P: Bagaimana peran\nkelompok tani dalam\nprogram ini?\n"
            "W: Kelompok tani\nsangat aktif.\nMereka rapat tiap bulan.\n\nParagraf baru di sini.\n"
            "P: Terima kasih.\nW: Sama-sama.\n")
    joined = join_wrapped_lines(text)
    assert joined == ("Transkrip 5\nLokasi: Balai desa\n"
                      "P: Bagaimana peran kelompok tani dalam program ini?\n"
                      "W: Kelompok tani sangat aktif.\nMereka rapat tiap bulan.\n\nParagraf baru di sini.\n"
                      "P: Terima kasih.\nW: Sama-sama.\n")
    turns = parse_turns(joined)
    assert [t.speaker for t in turns] == ["P", "W", "P", "W"]


def test_a_line_wrapped_after_a_hyphen_is_joined_without_a_space():
    """A PDF wrapped "top-" / "down": joined as "top-down", not "top- down"; the hyphen stays (it
    may be the word's own). A dash standing alone joins with a space."""
    text = "P: Bagaimana?\nI: Awalnya udah gitu top-\ndown banget, koordinasi lintas-\nsektor lemah -\nkata beliau.\n"
    assert join_wrapped_lines(text) == (
        "P: Bagaimana?\nI: Awalnya udah gitu top-down banget, koordinasi lintas-sektor lemah - kata beliau.\n")
