"""Code suggestions that explain themselves.

Two sources, blended per unit (turn, sentence, paragraph or document):
- the codebook, with no coded examples needed: each code's indicator terms compiled into a spaCy
  ``PhraseMatcher`` over normalised lemmas (``NORM``; a one-word indicator of an ambiguous stem as
  written), plus TF-IDF similarity between the unit's lemmas and the code's profile (names,
  definition, inclusion criterion, examples, indicators);
- the researcher's own coding: a scikit-learn model per project (TF-IDF over lemmas and
  character n-grams, class-balanced logistic regression, one classifier per code) used for a code
  once it has ``MIN_EXAMPLES`` coded segments, with its cross-validated precision and recall.

Every suggestion carries its evidence: matched terms, similarity, model probability and the
nearest coded examples. Pure Python over text and plain code descriptions; no database.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_score, recall_score
from sklearn.model_selection import StratifiedKFold
from spacy.attrs import IS_ALPHA, IS_PUNCT, LIKE_NUM, NORM
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from qualcode.nlp.pipeline import get_nlp
from qualcode.units import TextUnit, parse_units

UNITS = ("turn", "sentence", "paragraph", "document")  # the kinds of qualcode.units
MIN_EXAMPLES = 5
KEYWORD_WEIGHT = 0.65
SIMILARITY_WEIGHT = 0.35
MODEL_WEIGHT = 0.6


@dataclass(frozen=True)
class CodeInfo:
    key: str
    path: str
    name_id: str = ""
    name_en: str = ""
    definition: str = ""
    inclusion: str = ""
    examples: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()

    def profile(self) -> str:
        return " ".join([self.name_id, self.name_en, self.definition, self.inclusion, *self.examples, *self.indicators])


def codebook_fingerprint(codes: Sequence[CodeInfo]) -> str:
    """A hash of the codes' texts as suggestions read them: it changes with any name, definition,
    inclusion, example or indicator (the key of cached matchers, cached scores and models)."""
    return hashlib.sha256(repr(list(codes)).encode()).hexdigest()


@dataclass
class Suggestion:
    code_id: str
    code_path: str
    score: float
    evidence: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"code_id": self.code_id, "code_path": self.code_path, "score": round(self.score, 4),
                "evidence": self.evidence}


def split_units(text: str, unit: str = "turn") -> list[TextUnit]:
    """Units of raw ``text`` (no stored document): ``qualcode.units.parse_units``, the same unit
    model and sentence splitter as stored documents."""
    return parse_units(text, unit)


# Compounds that the standard spelling (KBBI) writes as two words and writers often join, with or
# without affixes: "kerjasama", "bekerjasama", "sumberdaya", "bertanggungjawab", "ditindaklanjuti".
# Joined, they would miss the codebook's "kerja sama" and "sumber daya".
COMPOUNDS = {"kerjasama": ("kerja", "sama"), "sumberdaya": ("sumber", "daya"),
             "tanggungjawab": ("tanggung", "jawab"), "tindaklanjut": ("tindak", "lanjut")}
# Stems the stemmer also reaches from common words of another sense: "menengahi" (to mediate) and
# "menengah", "di tengah" (middle); "Perwali" (a mayor's regulation) and "wali kota" (mayor);
# "memadai" (adequate) and "pada" (at); "ketentuan" (a provision) and "tentu", "tertentu"
# (certainly, certain); "mengarahkan" (to steer) and "arah" (direction); "meningkat" (to rise) and
# "tingkat" (level); "isi" (content) and "mengisi", "pengisian" (to fill, filling);
# "mengoordinasikan" (a leader coordinating others) and "koordinasi", the everyday word for any
# working together; "berhasil" (to succeed) and "hasil penelitian" (findings); "perbaikan"
# (repair) and "baik" (good); "diakui" (recognised) and "aku" (I); "dihargai" (valued) and
# "harga" (price); "kebersamaan" (togetherness) and "sama" (same); "penemuan" (discovery) and
# "bertemu", "pertemuan" (to meet, a meeting); "penghubung" (a go-between) and "hubungan" (a
# relation); "keberlanjutan" (continuity) and "selanjutnya" (next); "percontohan" (a pilot) and
# "contohnya" (for example); "penggerak" (a prime mover) and "gerakan" (a movement); "terbatas"
# (limited) and "perbatasan" (a border). An indicator of one such word matches as it is written
# (or with the suffix -nya), not every word of its stem; in an indicator of several words the
# others settle the sense ("setengah hati").
AMBIGUOUS_STEMS = frozenset({"tengah", "wali", "pada", "tentu", "arah", "tingkat", "isi", "koordinasi", "hasil",
                             "baik", "aku", "harga", "sama", "temu", "hubung", "lanjut", "contoh", "gerak", "batas"})
_JOINED = re.compile(rf"^(?:ber|be|di|ke|per|pe|se|meng|mem|men|me)?({'|'.join(COMPOUNDS)})(?:nya|kan|i|an)?$")


def _norms(doc: Doc) -> list[str]:
    """The normal forms of the words (not punctuation or numbers), read from hash arrays; a joined
    compound counts as its two words."""
    if not len(doc):
        return []
    strings = doc.vocab.strings
    arr = doc.to_array([NORM, IS_ALPHA, IS_PUNCT, LIKE_NUM])
    out: list[str] = []
    for norm, alpha, punct, num in arr.tolist():
        if alpha or not (punct or num):
            word = strings[int(norm)]
            joined = _JOINED.match(word) if len(word) > 9 else None
            if joined:
                out.extend(COMPOUNDS[joined.group(1)])
            else:
                out.append(word)
    return out


def _spellings(term: str) -> list[str]:
    """An indicator term as written, and with its compounds joined ("sejarah kerjasama")."""
    joined = term
    for compound, (first, second) in COMPOUNDS.items():
        joined = re.sub(rf"\b{first} {second}\b", compound, joined, flags=re.IGNORECASE)
    return [term] if joined == term else [term, joined]


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def _longest(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Indicator matches without those inside a longer match: "nota kesepahaman" (an MoU) hides
    the "kesepahaman" (shared understanding) within it. Matches of the same words for several
    codes all stay."""
    kept: set[tuple[int, int]] = set()
    reach = -1  # the furthest end of the spans before, which all start at or before this one
    for start, end in sorted({(start, end) for _, start, end in matches}, key=lambda se: (se[0], -se[1])):
        if end > reach:
            kept.add((start, end))
            reach = end
    return [m for m in matches if (m[1], m[2]) in kept]


class CodebookSuggester:
    """Suggestions from the codebook alone: indicator matches and similarity to the definition."""

    def __init__(self, codes: Sequence[CodeInfo]) -> None:
        self.codes = list(codes)
        self.nlp = get_nlp()
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="NORM")
        self.as_written = PhraseMatcher(self.nlp.vocab, attr="LOWER")  # one word of an ambiguous stem
        for code in self.codes:
            patterns, written = [], []
            for doc in (self.nlp(form) for term in code.indicators if term.strip() for form in _spellings(term)):
                if len(doc) == 1 and doc[0].norm_ in AMBIGUOUS_STEMS:
                    written += [self.nlp.make_doc(doc[0].lower_), self.nlp.make_doc(doc[0].lower_ + "nya")]
                else:
                    patterns.append(doc)
            if patterns:
                self.matcher.add(code.key, patterns)
            if written:
                self.as_written.add(code.key, written)
        profiles = [_norms(self.nlp(code.profile())) for code in self.codes]
        self.vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=1)
        self.profiles = self.vectorizer.fit_transform(profiles) if self.codes else None

    def docs(self, texts: Iterable[str]) -> list[Doc]:
        return list(self.nlp.pipe(texts, batch_size=256, disable=["sentencizer"]))

    def scores(self, docs: Sequence[Doc]) -> tuple[np.ndarray, list[dict[str, list[str]]], np.ndarray]:
        """(blended codebook scores units x codes, matched terms per unit, similarities)."""
        n_units, n_codes = len(docs), len(self.codes)
        keyword = np.zeros((n_units, n_codes))
        terms: list[dict[str, list[str]]] = [{} for _ in docs]
        index = {code.key: i for i, code in enumerate(self.codes)}
        for u, doc in enumerate(docs):
            matches = self.matcher(doc)
            if len(self.as_written):
                matches += self.as_written(doc)
            for match_id, start, end in _longest(matches):
                key = self.nlp.vocab.strings[match_id]
                found = terms[u].setdefault(key, [])
                span = doc[start:end].text
                if span.lower() not in (t.lower() for t in found):
                    found.append(span)
            for key, found in terms[u].items():
                keyword[u, index[key]] = 1 - math.exp(-0.8 * len(found))
        similarity = np.zeros((n_units, n_codes))
        if n_units and self.profiles is not None:
            matrix = self.vectorizer.transform([_norms(d) for d in docs])
            similarity = (matrix @ self.profiles.T).toarray()
        blended = KEYWORD_WEIGHT * keyword + SIMILARITY_WEIGHT * np.minimum(1.0, similarity * 2.5)
        return blended, terms, similarity


@dataclass
class CodeQuality:
    code_id: str
    examples: int
    precision: float | None
    recall: float | None


def _classifier() -> LogisticRegression:
    return LogisticRegression(class_weight="balanced", max_iter=1000, C=4.0)


def _prior_documents(codes: Sequence[CodeInfo]) -> tuple[list[str], list[set[str]]]:
    """The codebook's texts of each code, labelled with its code (examples of it, and
    counter-examples for the other codes)."""
    texts: list[str] = []
    out: list[set[str]] = []
    for code in codes:
        own = [f"{code.name_id}. {code.definition} {code.inclusion}", *code.examples, " ".join(code.indicators)]
        for text in own:
            if text.strip(" ."):
                texts.append(text)
                out.append({code.key})
    return texts, out


class LearnedModel:
    """One class-balanced logistic regression per code, over lemma and character n-gram TF-IDF.

    A trained model is plain arrays (the vectorisers' vocabularies and idf, one weight row and
    intercept per code, the coded examples' word vectors for the nearest-example evidence), so it
    is stored in the database with :meth:`to_bytes` and read back with :meth:`from_bytes` (NumPy's
    npz without pickles, and JSON), not only kept in one process's memory."""

    def __init__(self) -> None:
        self.words = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2, max_features=50_000)
        self.classifiers: dict[str, LogisticRegression] = {}
        self.keys: list[str] = []  # codes with a classifier, in the order of the rows of ``coef``
        self.coef: np.ndarray | None = None
        self.intercept: np.ndarray | None = None
        self.quality: dict[str, CodeQuality] = {}
        self.examples: dict[str, list[int]] = {}
        self.texts: list[str] = []
        self.train_matrix: csr_matrix | None = None  # word TF-IDF of the training texts (nearest examples)
        self._training: tuple[csr_matrix, list[set[str]], int] | None = None  # until cross-validated

    def _features(self, norms: list[list[str]], fit: bool = False):  # type: ignore[no-untyped-def]
        joined = [" ".join(n) for n in norms]
        if fit:
            return hstack([self.words.fit_transform(norms), self.chars.fit_transform(joined)]).tocsr()
        return hstack([self.words.transform(norms), self.chars.transform(joined)]).tocsr()

    def fit(self, texts: list[str], labels: list[set[str]], *, min_examples: int = MIN_EXAMPLES,
            cross_validate: bool = True, priors: Sequence[CodeInfo] = ()) -> LearnedModel:
        """Train on coded texts (each with its set of code ids); negatives are the other texts
        (include uncoded units with an empty label set). Without ``cross_validate`` the quality
        table waits for :meth:`cross_validate` (the worker runs it after storing the model).

        ``priors`` are the codebook's codes: each code's own texts (its definition with the
        inclusion criterion, each example, its indicator terms) join the training set as examples
        of that code, so a classifier trained on a handful of coded segments starts from what the
        codebook says rather than from nothing. They never count as coded examples (a code still
        needs ``min_examples`` of those), never show as nearest examples, and are not scored in
        the cross-validation."""
        prior_texts, prior_labels = _prior_documents(priors)
        nlp = get_nlp()
        norms = [_norms(d) for d in nlp.pipe([*texts, *prior_texts], batch_size=256, disable=["sentencizer"])]
        self.texts = [t[:200] for t in texts]
        counts: dict[str, int] = {}
        for label_set in labels:
            for key in label_set:
                counts[key] = counts.get(key, 0) + 1
        if not texts:
            return self
        all_labels = [*labels, *prior_labels]
        features = self._features(norms, fit=True)
        self.train_matrix = features[: len(texts), : len(self.words.vocabulary_)].tocsr()
        for key, count in sorted(counts.items()):
            y = np.array([key in s for s in all_labels], dtype=int)
            self.examples[key] = [i for i in range(len(texts)) if y[i]]
            self.quality[key] = CodeQuality(key, count, None, None)
            if count < min_examples or y.sum() == len(y):
                continue
            self.classifiers[key] = _classifier().fit(features, y)
        self.keys = sorted(self.classifiers)
        if self.keys:
            self.coef = np.vstack([self.classifiers[k].coef_[0] for k in self.keys])
            self.intercept = np.array([self.classifiers[k].intercept_[0] for k in self.keys])
        self._training = (features, all_labels, len(texts))
        if cross_validate:
            self.cross_validate()
        return self

    def cross_validate(self) -> dict[str, CodeQuality]:
        """Each code's precision and recall from stratified 5-fold cross-validation over the coded
        texts (the codebook's prior documents join every training fold and are never scored; the
        slow part of training: run it after the model is stored and in use)."""
        if self._training is None:
            return self.quality
        features, labels, coded = self._training
        priors = np.arange(coded, len(labels))
        for key in self.keys:
            y_all = np.array([key in s for s in labels], dtype=int)
            y = y_all[:coded]
            folds = min(5, int(y.sum()), int(len(y) - y.sum()))
            if folds < 2:
                continue
            predicted = np.zeros(coded, dtype=int)
            for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(np.zeros(coded), y):
                rows = np.concatenate([train, priors])
                predicted[test] = _classifier().fit(features[rows], y_all[rows]).predict(features[test])
            self.quality[key] = CodeQuality(key, int(y.sum()), float(precision_score(y, predicted, zero_division=0)),
                                            float(recall_score(y, predicted, zero_division=0)))
        self._training = None
        return self.quality

    def weight(self, key: str) -> float:
        """How much the blend trusts this code's classifier: it grows with its coded examples
        (5 examples -> 0.14, 20 -> 0.4, 45 or more -> the cap ``MODEL_WEIGHT``)."""
        examples = len(self.examples.get(key, ()))
        return min(MODEL_WEIGHT, examples / (examples + 30))

    def predict(self, docs: Sequence[Doc]) -> tuple[dict[str, np.ndarray], object]:
        if self.coef is None or not self.keys or not docs:
            return {}, None
        features = self._features([_norms(d) for d in docs])
        logits = features @ self.coef.T + self.intercept
        probabilities = 1.0 / (1.0 + np.exp(-np.asarray(logits)))
        return {key: probabilities[:, k] for k, key in enumerate(self.keys)}, features

    def nearest_examples(self, features, row: int, key: str, k: int = 2) -> list[str]:  # type: ignore[no-untyped-def]
        indices = self.examples.get(key) or []
        if not indices or self.train_matrix is None:
            return []
        words = features[row, : self.train_matrix.shape[1]]
        sims = (self.train_matrix[indices] @ words.T).toarray().ravel()
        best = np.argsort(-sims)[:k]
        return [self.texts[indices[i]] for i in best if sims[i] > 0]

    def to_bytes(self) -> tuple[bytes, dict[str, object]]:
        """(arrays as compressed npz, everything else as JSON-ready data)."""
        arrays: dict[str, np.ndarray] = {}
        meta: dict[str, object] = {
            "keys": self.keys, "examples": self.examples, "texts": self.texts,
            "quality": [[q.code_id, q.examples, q.precision, q.recall] for q in self.quality.values()],
            "fitted": hasattr(self.words, "vocabulary_")}
        if meta["fitted"]:
            meta["words"] = sorted(self.words.vocabulary_, key=self.words.vocabulary_.get)
            meta["chars"] = sorted(self.chars.vocabulary_, key=self.chars.vocabulary_.get)
            arrays["words_idf"], arrays["chars_idf"] = self.words.idf_, self.chars.idf_
            assert self.train_matrix is not None  # fitted models always have their training matrix
            matrix = self.train_matrix.astype(np.float32)
            arrays.update(train_data=matrix.data, train_indices=matrix.indices, train_indptr=matrix.indptr,
                          train_shape=np.array(matrix.shape))
        if self.coef is not None and self.intercept is not None:
            arrays["coef"], arrays["intercept"] = self.coef, self.intercept
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]  # numpy's stub types **kwds as bool
        return buffer.getvalue(), meta

    @classmethod
    def from_bytes(cls, payload: bytes, meta: dict[str, object]) -> LearnedModel:
        model = cls()
        arrays = np.load(io.BytesIO(payload), allow_pickle=False)
        model.keys = list(meta["keys"])  # type: ignore[call-overload]
        model.examples = {k: list(v) for k, v in meta["examples"].items()}  # type: ignore[attr-defined]
        model.texts = list(meta["texts"])  # type: ignore[call-overload]
        model.quality = {row[0]: CodeQuality(*row) for row in meta["quality"]}  # type: ignore[attr-defined]
        if meta.get("fitted"):
            words: list[str] = list(meta["words"])  # type: ignore[call-overload]
            chars: list[str] = list(meta["chars"])  # type: ignore[call-overload]
            model.words.vocabulary_ = {w: i for i, w in enumerate(words)}
            model.chars.vocabulary_ = {w: i for i, w in enumerate(chars)}
            model.words.idf_, model.chars.idf_ = arrays["words_idf"], arrays["chars_idf"]
            model.train_matrix = csr_matrix((arrays["train_data"], arrays["train_indices"], arrays["train_indptr"]),
                                            shape=tuple(arrays["train_shape"]))
        if "coef" in arrays:
            model.coef, model.intercept = arrays["coef"], arrays["intercept"]
        return model


# Suggestions are computed in two cacheable parts and blended: the codebook's part depends only on
# the text and the codebook, the model's part on the text and the model version.
CodebookPart = list[dict[str, list[object]]]  # per unit: code -> [score, matched terms, similarity]
ModelPart = list[dict[str, list[object]]]  # per unit: code -> [probability, nearest examples]


def codebook_part(docs: Sequence[Doc], suggester: CodebookSuggester) -> CodebookPart:
    blended, terms, similarity = suggester.scores(docs)
    out: CodebookPart = []
    for u in range(len(docs)):
        row: dict[str, list[object]] = {}
        for c, code in enumerate(suggester.codes):
            if code.key in terms[u] or similarity[u, c] > 0.05:
                row[code.key] = [float(blended[u, c]), terms[u].get(code.key, []), float(similarity[u, c])]
        out.append(row)
    return out


def model_part(docs: Sequence[Doc], model: LearnedModel | None) -> ModelPart:
    probabilities, features = model.predict(docs) if model is not None else ({}, None)
    out: ModelPart = [{} for _ in docs]
    for key, column in probabilities.items():
        for u in np.flatnonzero(column >= 0.01).tolist():
            p = float(column[u])
            out[u][key] = [p, model.nearest_examples(features, u, key) if p > 0.3 else []]  # type: ignore[union-attr]
    return out


def blend(codes: Sequence[CodeInfo], book: CodebookPart, learned: ModelPart, model: LearnedModel | None, *,
          top: int = 3, threshold: float = 0.12) -> list[list[Suggestion]]:
    """Ranked suggestions per unit, best first, each with its evidence."""
    trained = set(model.keys) if model is not None else set()
    out: list[list[Suggestion]] = []
    for cb_row, model_row in zip(book, learned, strict=True):
        candidates: list[Suggestion] = []
        for code in codes:
            # rows as codebook_part and model_part build them (or read back from the JSON cache)
            score, terms, similarity = cast(tuple[float, list[str], float], cb_row.get(code.key, (0.0, [], 0.0)))
            score = float(score)
            evidence: list[dict[str, object]] = []
            if terms:
                evidence.append({"kind": "terms", "terms": terms})
            if similarity > 0.05:
                evidence.append({"kind": "definition_similarity", "value": round(float(similarity), 3)})
            if model is not None and code.key in trained:
                p, nearest = cast(tuple[float, list[str]], model_row.get(code.key, (0.0, [])))
                w = model.weight(code.key)
                score = (1 - w) * score + w * float(p)
                if p > 0.3:
                    evidence.append({"kind": "model", "probability": round(float(p), 3), "nearest_examples": nearest})
            if score >= threshold and evidence:
                candidates.append(Suggestion(code.key, code.path, score, evidence))
        candidates.sort(key=lambda s: -s.score)
        out.append(candidates[:top])
    return out


def suggest(
    units: Sequence[TextUnit],
    suggester: CodebookSuggester,
    model: LearnedModel | None = None,
    *,
    top: int = 3,
    threshold: float = 0.12,
) -> list[list[Suggestion]]:
    """Ranked suggestions per unit, best first, each with its evidence."""
    docs = suggester.docs(u.text for u in units)
    return blend(suggester.codes, codebook_part(docs, suggester), model_part(docs, model), model,
                 top=top, threshold=threshold)
