"""The Indonesian text pipeline: ``spacy.blank("id")`` with transcript-aware tokenisation,
normalisation of informal spellings, lemmas from spaCy's lookup table with a stemmer fallback
(qualcode.nlp.stemmer, over PySastrawi's root dictionary), and case folding, so "Pemerintah",
"pemerintah" and "pemkab" meet, and "percaya", "kepercayaan" and "dipercaya" share one form.

Building the pipeline costs about a third of a second: ``get_nlp()`` builds it once per process.
Every token's normalised lemma is written to ``token.norm_`` so spaCy's ``PhraseMatcher`` and
``Matcher`` can match on ``NORM``. Each distinct lower-case word is normalised once; the forms
persist across restarts in a word-form file beside the database (``WordFormStore``).
"""

from __future__ import annotations

import gc
import hashlib
import inspect
import os
import re
import threading
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from re import Pattern

import numpy
import spacy
import yaml
from spacy.attrs import NORM as NORM_ATTR
from spacy.attrs import ORTH as ORTH_ATTR
from spacy.language import BaseDefaults, Language
from spacy.lookups import Table, load_lookups
from spacy.symbols import ORTH
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from qualcode.config import default_data_dir
from qualcode.nlp.stemmer import roots, stem

DATA = Path(__file__).parent / "data" / "indonesian.yaml"
WORD_RE = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)*$")
ENCLITICS = ("nya", "lah", "kah", "pun", "ku", "mu")  # particles and possessives after a word


@cache
def word_lists() -> dict:
    with open(DATA, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


class _Norms:
    """spaCy's lexeme_norm table (keyed by string hash) with our informal list on top."""

    def __init__(self) -> None:
        self.table = load_lookups("id", ["lexeme_norm"]).get_table("lexeme_norm")
        self.extra = {k.lower(): str(v).lower() for k, v in word_lists()["informal"].items()}

    def get(self, word: str, default: str) -> str:
        return self.extra.get(word) or self.table.get(word) or default


@cache
def _tables() -> tuple[_Norms, Table]:
    return _Norms(), load_lookups("id", ["lemma_lookup"]).get_table("lemma_lookup")


def _compute_form(lower: str) -> str:
    """The normal form of a lower-case word (see ``normal_form``), computed."""
    if not WORD_RE.match(lower):
        return lower
    norms, lemmas = _tables()
    keep = _keep()
    lower = norms.get(lower, lower)
    if lower in keep:
        return lower
    for enclitic in ENCLITICS:  # "kebijakannya" is "kebijakan", a kept word, not "bijak"
        if lower.endswith(enclitic) and lower[: -len(enclitic)] in keep:
            return lower[: -len(enclitic)]
    if "-" in lower:
        first, _, second = lower.partition("-")
        if first == second or second.endswith(first) or first.endswith(second):
            lower = first
    lemma = lemmas.get(lower)
    if lemma is None and len(lower) > 4:
        lemma = stem(lower)
    lemma = lemma or lower
    return norms.get(lemma, lemma) if lemma not in keep else lemma


def normal_form(word: str) -> str:
    """The form a word is matched on: lower-cased, informal spelling normalised, lemmatised
    (spaCy's lookup table, else the stemmer over PySastrawi's root dictionary), reduplication
    folded (kantor-kantor -> kantor), negation folded (ketidakpercayaan -> percaya).

    Computed once per distinct lower-case word; the forms persist across restarts in the word
    form store (``word_form_store``)."""
    lower = word.lower()
    form = _FORMS.get(lower)
    if form is None:
        if len(_FORMS) >= MAX_FORMS:  # bound the memory of a long-lived process (~100 bytes a word)
            _FORMS.clear()
        form = _FORMS[lower] = _compute_form(lower)
        store = word_form_store()
        if store is not None:
            store.pending.append((lower, form))
    return form


_FORMS: dict[str, str] = {}
MAX_FORMS = 1_000_000


class WordFormStore:
    """Word forms kept beside the database, so a restarted app (or another app process on the
    same server) does not lemmatise the same words again.

    One append-only text file of ``word<TAB>form`` lines per version of the rules (the file name
    carries a hash of the word lists, the stemmer and ``_compute_form``), so a change of the rules
    starts a new file.
    Several processes may append at once: each flush is one ``write`` of whole lines on a file
    opened with ``O_APPEND``, and a reader skips any line that is not exactly two fields. A lost
    or duplicated line only costs the time of computing that form again."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / f"word-forms-{_rules_version()}.tsv"
        self.pending: list[tuple[str, str]] = []

    def load(self) -> int:
        """Read the stored forms into the in-process table; returns how many lines were read.
        Files of other rules versions are removed: their forms are no longer right. (A process of
        the old version still running keeps its forms in memory; what it appends is lost, which
        only costs it the time of computing those forms again.)"""
        try:
            for old in self.path.parent.glob("word-forms-*.tsv"):
                if old.name != self.path.name:
                    old.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only folder: the old files stay, unread
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return 0
        count = 0
        for line in text.split("\n"):
            fields = line.split("\t")
            if len(fields) == 2 and fields[0] and fields[1]:
                _FORMS.setdefault(fields[0], fields[1])
                count += 1
        return count

    def flush(self) -> None:
        """Append the forms computed since the last flush (nothing when there are none)."""
        if not self.pending:
            return
        data = "".join(f"{w}\t{f}\n" for w, f in self.pending if not any(c in w + f for c in "\t\n\r"))
        self.pending.clear()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, data.encode("utf-8"))
            finally:
                os.close(fd)
        except OSError:
            pass  # a read-only or full disk: the forms are computed again next time


@cache
def _rules_version() -> str:
    digest = hashlib.sha256(DATA.read_bytes())
    digest.update((Path(__file__).parent / "stemmer.py").read_bytes())
    digest.update(inspect.getsource(_compute_form).encode())
    digest.update(str(len(roots())).encode())
    return digest.hexdigest()[:12]


@cache
def word_form_store() -> WordFormStore | None:
    """The store in the folder ``QUALCODE_WORD_FORMS`` (``off`` for none), by default the data
    folder beside the SQLite database (``QUALCODE_DATA_DIR``). Read once per process."""
    setting = os.environ.get("QUALCODE_WORD_FORMS", "").strip()
    if setting.lower() in ("off", "0", "none"):
        return None
    store = WordFormStore(Path(setting) if setting else default_data_dir())
    store.load()
    return store


@cache
def _keep() -> frozenset[str]:
    return frozenset(word_lists()["keep"])


# Per string store (``id(vocab.strings)``): a word's hash -> its normal form's hash. The hashes
# are only good in the store the form was added to: a second pipeline (a test's, a benchmark's)
# must not take another's, or reading a token's ``norm_`` fails (spaCy's E018).
_NORM_OF_ORTH: dict[int, dict[int, int]] = {}


@Language.component("qualcode_normal_forms")
def set_normal_forms(doc: Doc) -> Doc:
    """Write each token's normal form to NORM, working on hash arrays rather than Token objects
    (a dictionary from a word's hash to its form's hash, filled once per distinct word)."""
    if not len(doc):
        return doc
    strings = doc.vocab.strings
    orths = doc.to_array(ORTH_ATTR)
    cache = _NORM_OF_ORTH.get(id(strings))
    if cache is None:
        cache = _NORM_OF_ORTH.setdefault(id(strings), {})
    norms = numpy.empty(len(orths), dtype="uint64")
    for i, orth in enumerate(orths.tolist()):
        norm = cache.get(orth)
        if norm is None:
            norm = cache[orth] = strings.add(normal_form(strings[orth]))
        norms[i] = norm
    # spaCy's stubs ask for thinc's Ints2d; a plain two-dimensional numpy array is what it reads.
    doc.from_array([NORM_ATTR], norms.reshape(-1, 1))  # type: ignore[arg-type]
    store = word_form_store()
    if store is not None and store.pending:
        store.flush()
    return doc


def _rules(patterns: Sequence[str | Pattern[str]] | None) -> Sequence[str | Pattern[str]]:
    """One of the language's punctuation rule lists (always set for Indonesian)."""
    assert patterns is not None
    return patterns


SearchFunction = Callable[[str], "re.Match[str] | None"]


def _guarded_prefix_search(defaults: type[BaseDefaults]) -> SearchFunction:
    """spaCy's prefix regex, skipped for a word that starts with a letter or digit no prefix can
    start with. The regex is an alternation of some 170 patterns ending in an empty one, so for a
    plain word every pattern is tried (about 30 microseconds, the tokenizer's largest cost on new
    words) only to match nothing; the answer for such a word is "no prefix" (``None``), the
    same as the empty match. The patterns that start with a letter are the currency ones (Rp, US$,
    IDR ...); words starting with their first letters still go through the regex."""
    patterns = _rules(defaults.prefixes)
    full = compile_prefix_regex(patterns).search
    sources = [p if isinstance(p, str) else p.pattern for p in patterns]
    firsts = frozenset(p[0] for p in sources if p[:1].isalnum())

    def search(string: str) -> re.Match[str] | None:
        first = string[:1]
        if first.isalnum() and first not in firsts:
            return None
        return full(string)

    return search


def _guarded_suffix_search(defaults: type[BaseDefaults]) -> SearchFunction:
    """spaCy's suffix regex, skipped for a word that ends with a letter or digit and has no
    digit, apostrophe or hyphen: the only suffix patterns that end in a letter are "'s", units
    after a number (10km), and "-nya"/"-ku"/"-mu" after a hyphen."""
    full = compile_suffix_regex(_rules(defaults.suffixes)).search

    def search(string: str) -> re.Match[str] | None:
        if string[-1:].isalnum() and string.isalpha():
            return None
        return full(string)

    return search


# A hyphenated word of letters (anak-anak, masing-masing, top-down): spaCy lists some 15,600 of
# them as special cases only to keep each whole, which the infixes below already do.
_HYPHENATED_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")


def special_cases(defaults: type[BaseDefaults]) -> dict[str, list[dict[int, str]]]:
    """spaCy's Indonesian special cases but those that only keep a hyphenated word of letters
    whole (loading each costs the tokenizer's construction about 0.15 ms, 2.3 s for all), plus
    the abbreviations of the word lists, in both cases."""
    rules = {text: tokens for text, tokens in (defaults.tokenizer_exceptions or {}).items()
             if not (_HYPHENATED_WORD.fullmatch(text) and tokens == [{ORTH: text}])}
    for abbreviation in word_lists()["abbreviations"]:
        rules[abbreviation] = [{ORTH: abbreviation}]
        rules[abbreviation.lower()] = [{ORTH: abbreviation.lower()}]
    return rules


def make_tokenizer(nlp: Language) -> Tokenizer:
    """spaCy's Indonesian tokenizer, as its own factory builds it, but keeping hyphenated and
    reduplicated words whole (kantor-kantor, masing-masing, top-down), keeping the abbreviations
    of the word lists, and with the faster prefix and suffix searches. Built once, in one go: a
    tokenizer loads its special cases on construction and again on each setter."""
    defaults = nlp.Defaults
    infixes = [p for p in _rules(defaults.infixes) if not re.search(p, "kantor-kantor")]
    return Tokenizer(nlp.vocab, rules=special_cases(defaults), prefix_search=_guarded_prefix_search(defaults),
                     suffix_search=_guarded_suffix_search(defaults), infix_finditer=compile_infix_regex(infixes).finditer,
                     token_match=defaults.token_match, url_match=defaults.url_match)


@spacy.registry.tokenizers("qualcode.tokenizer.v1")
def _tokenizer_factory() -> Callable[[Language], Tokenizer]:
    return make_tokenizer


def build_nlp() -> Language:
    _tables(), roots()  # load the lookup tables and the root dictionary now, not on the first text
    nlp = spacy.blank("id", config={"nlp": {"tokenizer": {"@tokenizers": "qualcode.tokenizer.v1"}}})
    nlp.add_pipe("qualcode_normal_forms")
    nlp.add_pipe("sentencizer")
    return nlp


_NLP: Language | None = None
_NLP_LOCK = threading.Lock()


def get_nlp() -> Language:
    """The pipeline, built once per process (about a third of a second). Streamlit serves each browser
    session from its own thread: the pages opened right after a start all ask for it at once, and
    without the lock each would build its own, one after another replacing the shared one."""
    global _NLP
    nlp = _NLP
    if nlp is not None:
        return nlp
    with _NLP_LOCK:
        if _NLP is None:
            word_form_store()  # read the stored word forms while the pipeline is built
            _NLP = build_nlp()
            settle_heap()
        return _NLP


def settle_heap() -> None:
    """Hide what lives as long as the process (the pipeline's lookup tables, root dictionary and
    special cases; a codebook's matcher) from Python's cyclic garbage collector: otherwise every
    full collection walks those millions of objects, a pause of 200-300 ms that lands in some
    request at random. Garbage is collected first, so only live objects are set aside (freed by
    reference counting as usual when they go)."""
    gc.collect()
    gc.freeze()


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
