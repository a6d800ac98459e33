"""The Indonesian text pipeline: ``spacy.blank("id")`` with transcript-aware tokenisation,
normalisation of informal spellings, lemmas from spaCy's lookup table with a Sastrawi stemmer
fallback, and case folding, so "Pemerintah", "pemerintah" and "pemkab" meet, and "percaya",
"kepercayaan" and "dipercaya" share one form.

Building the pipeline costs about two seconds: ``get_nlp()`` builds it once per process.
Every token's normalised lemma is written to ``token.norm_`` so spaCy's ``PhraseMatcher`` and
``Matcher`` can match on ``NORM``.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

import numpy
import spacy
import yaml
from spacy.attrs import NORM as NORM_ATTR
from spacy.attrs import ORTH as ORTH_ATTR
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.symbols import ORTH
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

DATA = Path(__file__).parent / "data" / "indonesian.yaml"
WORD_RE = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)*$")


@cache
def word_lists() -> dict:
    with open(DATA, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


class _Norms:
    """spaCy's lexeme_norm table (keyed by string hash) with our informal list on top."""

    def __init__(self) -> None:
        self.table = load_lookups("id", ["lexeme_norm"]).get_table("lexeme_norm")
        self.extra = {k.lower(): str(v).lower() for k, v in word_lists()["informal"].items()}

    def get(self, word: str, default: str | None = None) -> str | None:
        return self.extra.get(word) or self.table.get(word) or default


@cache
def _tables():  # type: ignore[no-untyped-def]
    return _Norms(), load_lookups("id", ["lemma_lookup"]).get_table("lemma_lookup")


@cache
def _stemmer():  # type: ignore[no-untyped-def]
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    stemmer = StemmerFactory().create_stemmer()
    # Sastrawi keeps its 30,000-word root dictionary in a list, so every lookup is a linear scan
    # (about 40 ms a word); a set gives the same answers about a thousand times faster.
    dictionary = getattr(getattr(stemmer, "delegatedStemmer", None), "dictionary", None)
    if dictionary is not None and isinstance(getattr(dictionary, "words", None), list):
        dictionary.words = set(dictionary.words)
    return stemmer


@lru_cache(maxsize=200_000)
def normal_form(word: str) -> str:
    """The form a word is matched on: lower-cased, informal spelling normalised, lemmatised
    (spaCy's lookup table, else the Sastrawi stemmer), reduplication folded (kantor-kantor ->
    kantor)."""
    lower = word.lower()
    if not WORD_RE.match(lower):
        return lower
    norms, lemmas = _tables()
    keep = _keep()
    lower = norms.get(lower, lower)
    if lower in keep:
        return lower
    if "-" in lower:
        first, _, second = lower.partition("-")
        if first == second or second.endswith(first) or first.endswith(second):
            lower = first
    lemma = lemmas.get(lower)
    if lemma is None and len(lower) > 4:
        lemma = _stemmer().stem(lower) or lower
    lemma = lemma or lower
    return norms.get(lemma, lemma) if lemma not in keep else lemma


@cache
def _keep() -> frozenset[str]:
    return frozenset(word_lists()["keep"])


_NORM_OF_ORTH: dict[int, int] = {}


@Language.component("qualcode_normal_forms")
def set_normal_forms(doc: Doc) -> Doc:
    """Write each token's normal form to NORM, working on hash arrays rather than Token objects
    (a dictionary from a word's hash to its form's hash, filled once per distinct word)."""
    if not len(doc):
        return doc
    strings = doc.vocab.strings
    orths = doc.to_array(ORTH_ATTR)
    cache = _NORM_OF_ORTH
    norms = numpy.empty(len(orths), dtype="uint64")
    for i, orth in enumerate(orths.tolist()):
        norm = cache.get(orth)
        if norm is None:
            norm = cache[orth] = strings.add(normal_form(strings[orth]))
        norms[i] = norm
    doc.from_array([NORM_ATTR], norms.reshape(-1, 1))
    return doc


def build_nlp() -> Language:
    nlp = spacy.blank("id")
    # Keep hyphenated and reduplicated words whole (kantor-kantor, masing-masing, top-down).
    infixes = [p for p in nlp.Defaults.infixes if not re.search(p, "kantor-kantor")]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    for abbreviation in word_lists()["abbreviations"]:
        nlp.tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])
        nlp.tokenizer.add_special_case(abbreviation.lower(), [{ORTH: abbreviation.lower()}])
    nlp.add_pipe("qualcode_normal_forms")
    nlp.add_pipe("sentencizer")
    return nlp


@cache
def get_nlp() -> Language:
    """The pipeline, built once per process (about two seconds)."""
    return build_nlp()


def normal_forms(text: str) -> list[str]:
    """The normalised lemmas of the words in ``text`` (punctuation and numbers left out)."""
    return [normal_form(t.text) for t in get_nlp().tokenizer(text) if t.is_alpha or "-" in t.text]


def lemma_search(text: str, query: str, limit: int = 500) -> list[tuple[int, int]]:
    """Places in ``text`` whose words share the query's normalised forms, as code-point spans:
    searching "percaya" finds "kepercayaan" and "dipercaya"."""
    wanted = normal_forms(query)
    if not wanted:
        return []
    doc = get_nlp().tokenizer(text)
    forms = [normal_form(t.text) for t in doc]
    hits: list[tuple[int, int]] = []
    n = len(wanted)
    for i in range(len(doc) - n + 1):
        if forms[i : i + n] == wanted:
            hits.append((doc[i].idx, doc[i + n - 1].idx + len(doc[i + n - 1].text)))
            if len(hits) >= limit:
                break
    return hits
