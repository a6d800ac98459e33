"""Speaker-turn parsing over the transcript conventions researchers use."""

from pathlib import Path

import pytest

from qualcode.text import normalise_text
from qualcode.turns import guess_interviewer, parse_turns, speaker_labels

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
