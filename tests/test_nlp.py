"""The Indonesian pipeline: informal spellings, lemmas, reduplication, case, abbreviations,
sentences inside turns, and search by word form."""

import pytest

from qualcode.nlp.pipeline import get_nlp, lemma_search, normal_form, normal_forms
from qualcode.nlp.suggest import split_units


@pytest.mark.parametrize(
    "word,form",
    [("gak", "tidak"), ("nggak", "tidak"), ("ngga", "tidak"), ("yg", "yang"), ("udah", "sudah"), ("kalo", "kalau"),
     ("Kepercayaan", "percaya"), ("dipercaya", "percaya"), ("mempercayai", "percaya"), ("berkomitmen", "komitmen"),
     ("musyawarah", "musyawarah"), ("Pemerintah", "pemerintah"), ("pemerintah", "pemerintah"), ("Pemkab", "pemerintah"),
     ("kantor-kantor", "kantor"), ("masing-masing", "masing"), ("top-down", "top-down"), ("APBD", "apbd")],
)
def test_normal_forms(word, form):
    assert normal_form(word) == form


def test_tokenizer_keeps_abbreviations_and_hyphenated_words():
    doc = get_nlp()("Bpk. Hadi, Sdr. Ana dll. rapat tgl. 3 di kantor-kantor OPD.")
    texts = [t.text for t in doc]
    for token in ("Bpk.", "Sdr.", "dll.", "tgl.", "kantor-kantor"):
        assert token in texts
    assert len(list(doc.sents)) == 1  # abbreviations do not end the sentence


def test_sentences_never_cross_turns():
    text = "P: Apa kabar? Sehat?\nI: Baik. Kami saling percaya\nP: Oke.\n"
    sentences = split_units(text, "sentence")
    assert [u.text for u in sentences] == ["Apa kabar?", "Sehat?", "Baik.", "Kami saling percaya", "Oke."]
    assert all(text[u.start:u.end] == u.text for u in sentences)
    turns = split_units(text, "turn")
    assert [u.speaker for u in turns] == ["P", "I", "P"] and turns[0].is_interviewer


def test_units_of_a_text_without_turns_are_paragraphs():
    text = "  Paragraf satu.  \n\nParagraf dua.\n"
    assert [(u.text, text[u.start:u.end]) for u in split_units(text, "turn")] == [
        ("Paragraf satu.", "Paragraf satu."), ("Paragraf dua.", "Paragraf dua.")]
    assert [u.text for u in split_units(text, "document")] == ["Paragraf satu.  \n\nParagraf dua."]


def test_search_by_word_form():
    text = "Kami saling percaya. Kepercayaan tumbuh; dia dipercaya, tapi tidak mempercayai Pemkab."
    found = [text[a:b] for a, b in lemma_search(text, "percaya")]
    assert found == ["percaya", "Kepercayaan", "dipercaya", "mempercayai"]
    assert [text[a:b] for a, b in lemma_search(text, "pemerintah")] == ["Pemkab"]
    assert normal_forms("Saling Percaya!") == ["saling", "percaya"]
