"""The Indonesian pipeline: informal spellings, lemmas, reduplication, case, abbreviations,
sentences inside turns, and search by word form."""

import re
from pathlib import Path

import pytest

from qualcode.nlp import pipeline
from qualcode.nlp.pipeline import get_nlp, lemma_search, normal_form, normal_forms
from qualcode.nlp.stemmer import sastrawi_stem, stem
from qualcode.nlp.suggest import split_units

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "word,form",
    [("gak", "tidak"), ("nggak", "tidak"), ("ngga", "tidak"), ("yg", "yang"), ("udah", "sudah"), ("kalo", "kalau"),
     ("Kepercayaan", "percaya"), ("dipercaya", "percaya"), ("mempercayai", "percaya"), ("berkomitmen", "komitmen"),
     ("musyawarah", "musyawarah"), ("Pemerintah", "pemerintah"), ("pemerintah", "pemerintah"), ("Pemkab", "pemerintah"),
     ("kantor-kantor", "kantor"), ("masing-masing", "masing"), ("top-down", "top-down"), ("APBD", "apbd"),
     # a kept word with a particle or possessive is that word, not the unrelated root of its stem
     ("kebijakan", "kebijakan"), ("kebijakannya", "kebijakan"), ("Pemerintahnya", "pemerintah"),
     ("anggarannya", "anggaran"), ("kepercayaannya", "percaya")],
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


@pytest.mark.parametrize(
    "word,root",
    [("kepercayaan", "percaya"), ("mempercayai", "percaya"), ("memakai", "pakai"), ("memakan", "makan"),
     ("menyatakan", "nyata"), ("diberikan", "beri"), ("memberikan", "beri"), ("pengawasan", "awas"),
     ("pelaksanaan", "laksana"), ("penanganan", "tangan"), ("keterlibatan", "libat"), ("kesepakatan", "sepakat"),
     ("pengetahuan", "tahu"), ("menyelenggarakan", "selenggara"), ("ketidakpercayaan", "percaya"),
     ("berkomitmen", "komitmen"), ("kapasitas", "kapasitas")],
)
def test_stemmer_finds_the_root(word, root):
    assert stem(word) == root


def test_stemmer_agrees_with_sastrawi_on_the_demo_corpus():
    """The fast stemmer gives PySastrawi's answer for nearly every word of the demo corpus (the
    rest are mostly Sastrawi's misses: membantah -> ban, berbasis -> bas)."""
    words = sorted({w.lower() for p in (ROOT / "corpora").rglob("*.txt")
                    for w in re.findall(r"[^\W\d_]{5,}", p.read_text(encoding="utf-8"))})
    agree = sum((stem(w) or w) == sastrawi_stem(w) for w in words)
    assert len(words) > 1500 and agree / len(words) > 0.97


def test_words_without_a_known_root_are_kept():
    assert stem("tulungagung") is None
    assert normal_form("Tulungagung") == "tulungagung"


def test_word_forms_persist_across_restarts(tmp_path, monkeypatch):
    monkeypatch.setenv("QUALCODE_WORD_FORMS", str(tmp_path))
    pipeline.word_form_store.cache_clear()
    monkeypatch.setattr(pipeline, "_FORMS", {})
    monkeypatch.setattr(pipeline, "_NORM_OF_ORTH", {})  # words earlier tests met are computed again
    try:
        get_nlp()("Keterlibatan warga dan kesepakatan bersama.")
        files = list(tmp_path.glob("word-forms-*.tsv"))
        assert len(files) == 1
        stored = dict(line.split("\t") for line in files[0].read_text(encoding="utf-8").splitlines())
        assert stored["keterlibatan"] == "libat" and stored["kesepakatan"] == "sepakat"
        # a torn or foreign line is skipped; a restarted process reads the rest back
        with open(files[0], "a", encoding="utf-8") as fh:
            fh.write("rusak\n")
        pipeline._FORMS.clear()
        pipeline.word_form_store.cache_clear()
        assert pipeline.word_form_store().load() == len(stored)
        assert pipeline._FORMS["keterlibatan"] == "libat"
        # the file of an earlier version of the rules goes when the current one is read
        stale = tmp_path / "word-forms-000000000000.tsv"
        stale.write_text("kebijakannya\tbijak\n", encoding="utf-8")
        pipeline.word_form_store.cache_clear()
        assert pipeline.word_form_store().load() == len(stored)
        assert list(tmp_path.glob("word-forms-*.tsv")) == files
    finally:
        pipeline.word_form_store.cache_clear()


def test_word_form_store_can_be_switched_off(tmp_path, monkeypatch):
    monkeypatch.setenv("QUALCODE_WORD_FORMS", "off")
    pipeline.word_form_store.cache_clear()
    try:
        assert pipeline.word_form_store() is None
        assert normal_form("Dikoordinasikan") == "koordinasi"
    finally:
        pipeline.word_form_store.cache_clear()


def test_fast_affix_searches_split_words_as_spacy_does():
    """The guarded prefix and suffix searches give spaCy's own tokens on the demo corpus."""
    from spacy.util import compile_prefix_regex, compile_suffix_regex

    fast = get_nlp()
    slow = pipeline.build_nlp()
    slow.tokenizer.prefix_search = compile_prefix_regex(slow.Defaults.prefixes).search
    slow.tokenizer.suffix_search = compile_suffix_regex(slow.Defaults.suffixes).search
    for path in sorted((ROOT / "corpora").rglob("*.txt")):
        text = path.read_text(encoding="utf-8") + " Rp5.000 US$3 10km IDR, rumah-nya (kata) 'kutipan'."
        assert [t.text for t in fast.tokenizer(text)] == [t.text for t in slow.tokenizer(text)]


def test_leaving_out_spacys_hyphenated_special_cases_changes_no_token():
    """spaCy's 15,600 special cases that only keep a hyphenated word whole are left out of the
    tokenizer (loading them took seconds of every start); with all of them the tokens are the same,
    on each left-out word alone, inside punctuation, with a clitic, and on the demo corpus."""
    from spacy.tokenizer import Tokenizer

    lean = get_nlp().tokenizer
    defaults = get_nlp().Defaults
    every = {**defaults.tokenizer_exceptions, **pipeline.special_cases(defaults)}
    full = Tokenizer(lean.vocab, rules=every, prefix_search=lean.prefix_search, suffix_search=lean.suffix_search,
                     infix_finditer=lean.infix_finditer, token_match=lean.token_match, url_match=lean.url_match)
    left_out = sorted(set(every) - set(lean.rules))
    assert len(left_out) > 15_000 and "masing-masing" in left_out
    assert {"8-D", "(-:", "dll.", "Jan."} <= set(lean.rules)  # emoticons and abbreviations stay
    for word in left_out:
        for text in (word, f"({word}),", f"“{word}”.", f"{word}-nya", word.upper(), f"{word.capitalize()}:"):
            assert [t.text for t in lean(text)] == [t.text for t in full(text)], text
    for path in sorted((ROOT / "corpora").rglob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert [t.text for t in lean(text)] == [t.text for t in full(text)], path.name


def test_a_second_pipeline_reads_its_own_normal_forms():
    """Hashes of normal forms belong to one pipeline's string store: a word met first by one
    pipeline still has a readable form in another (spaCy's E018 otherwise)."""
    first, second = get_nlp(), pipeline.build_nlp()
    word = "keberlanjutannya"
    assert first(word)[0].norm_ == second(word)[0].norm_ == normal_form(word)


def test_pages_opened_together_after_a_start_share_one_pipeline(monkeypatch):
    """Streamlit runs each browser session in its own thread; those that ask for the pipeline at
    once after a start get the one pipeline, built once."""
    import threading

    monkeypatch.setattr(pipeline, "_NLP", None)
    built = []
    build = pipeline.build_nlp
    monkeypatch.setattr(pipeline, "build_nlp", lambda: built.append(1) or build())
    start = threading.Barrier(3)
    got: list[object] = []

    def ask() -> None:
        start.wait()
        got.append(pipeline.get_nlp())

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1 and len(got) == 3 and all(nlp is got[0] for nlp in got)
