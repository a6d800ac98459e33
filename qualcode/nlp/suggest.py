"""Code suggestions that explain themselves.

Two sources, blended per unit (turn, sentence, paragraph or document):
- the codebook, with no coded examples needed: each code's indicator terms compiled into a spaCy
  ``PhraseMatcher`` over normalised lemmas (``NORM``), plus TF-IDF similarity between the unit's
  lemmas and the code's profile (names, definition, inclusion criterion, examples, indicators);
- the researcher's own coding: a scikit-learn model per project (TF-IDF over lemmas and
  character n-grams, class-balanced logistic regression, one classifier per code) used for a code
  once it has ``MIN_EXAMPLES`` coded segments, with its cross-validated precision and recall.

Every suggestion carries its evidence: matched terms, similarity, model probability and the
nearest coded examples. Pure Python over text and plain code descriptions; no database.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_score, recall_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
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


def _norms(doc: Doc) -> list[str]:
    """The normal forms of the words (not punctuation or numbers), read from hash arrays."""
    if not len(doc):
        return []
    strings = doc.vocab.strings
    arr = doc.to_array([NORM, IS_ALPHA, IS_PUNCT, LIKE_NUM])
    return [strings[int(norm)] for norm, alpha, punct, num in arr.tolist() if alpha or not (punct or num)]


def _identity(tokens: list[str]) -> list[str]:
    return tokens


class CodebookSuggester:
    """Suggestions from the codebook alone: indicator matches and similarity to the definition."""

    def __init__(self, codes: Sequence[CodeInfo]) -> None:
        self.codes = list(codes)
        self.nlp = get_nlp()
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="NORM")
        for code in self.codes:
            patterns = [self.nlp(term) for term in code.indicators if term.strip()]
            if patterns:
                self.matcher.add(code.key, patterns)
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
            for match_id, start, end in self.matcher(doc):
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


class LearnedModel:
    """One class-balanced logistic regression per code, over lemma and character n-gram TF-IDF."""

    def __init__(self) -> None:
        self.words = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2, max_features=50_000)
        self.classifiers: dict[str, LogisticRegression] = {}
        self.quality: dict[str, CodeQuality] = {}
        self.examples: dict[str, list[int]] = {}
        self.texts: list[str] = []
        self.train_matrix = None

    def _features(self, norms: list[list[str]], texts: list[str], fit: bool = False):  # type: ignore[no-untyped-def]
        joined = [" ".join(n) for n in norms]
        if fit:
            return hstack([self.words.fit_transform(norms), self.chars.fit_transform(joined)]).tocsr()
        return hstack([self.words.transform(norms), self.chars.transform(joined)]).tocsr()

    def fit(self, texts: list[str], labels: list[set[str]], *, min_examples: int = MIN_EXAMPLES,
            cross_validate: bool = True) -> LearnedModel:
        """Train on coded texts (each with its set of code ids); negatives are the other texts
        (include uncoded units with an empty label set)."""
        nlp = get_nlp()
        norms = [_norms(d) for d in nlp.pipe(texts, batch_size=256, disable=["sentencizer"])]
        self.texts = list(texts)
        counts: dict[str, int] = {}
        for label_set in labels:
            for key in label_set:
                counts[key] = counts.get(key, 0) + 1
        if not texts:
            return self
        features = self._features(norms, [" ".join(n) for n in norms], fit=True)
        self.train_matrix = features
        for key, count in sorted(counts.items()):
            y = np.array([key in s for s in labels], dtype=int)
            self.examples[key] = [i for i, v in enumerate(y) if v]
            if count < min_examples or y.sum() == len(y):
                self.quality[key] = CodeQuality(key, count, None, None)
                continue
            clf = LogisticRegression(class_weight="balanced", max_iter=1000, C=4.0)
            clf.fit(features, y)
            self.classifiers[key] = clf
            precision = recall = None
            if cross_validate:
                folds = min(5, int(y.sum()), int(len(y) - y.sum()))
                if folds >= 2:
                    predicted = cross_val_predict(LogisticRegression(class_weight="balanced", max_iter=1000, C=4.0),
                                                  features, y, cv=StratifiedKFold(folds, shuffle=True, random_state=0))
                    precision = float(precision_score(y, predicted, zero_division=0))
                    recall = float(recall_score(y, predicted, zero_division=0))
            self.quality[key] = CodeQuality(key, count, precision, recall)
        return self

    def weight(self, key: str) -> float:
        """How much the blend trusts this code's classifier: it grows with its coded examples
        (5 examples -> 0.14, 20 -> 0.4, 45 or more -> the cap ``MODEL_WEIGHT``)."""
        examples = len(self.examples.get(key, ()))
        return min(MODEL_WEIGHT, examples / (examples + 30))

    def predict(self, docs: Sequence[Doc]) -> tuple[dict[str, np.ndarray], object]:
        if not self.classifiers or not docs:
            return {}, None
        norms = [_norms(d) for d in docs]
        features = self._features(norms, [" ".join(n) for n in norms])
        return {key: clf.predict_proba(features)[:, 1] for key, clf in self.classifiers.items()}, features

    def nearest_examples(self, features, row: int, key: str, k: int = 2) -> list[str]:  # type: ignore[no-untyped-def]
        indices = self.examples.get(key) or []
        if not indices or self.train_matrix is None:
            return []
        sims = (self.train_matrix[indices] @ features[row].T).toarray().ravel()
        best = np.argsort(-sims)[:k]
        return [self.texts[indices[i]][:200] for i in best if sims[i] > 0]


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
    blended, terms, similarity = suggester.scores(docs)
    probabilities, features = model.predict(docs) if model is not None else ({}, None)
    out: list[list[Suggestion]] = []
    for u in range(len(units)):
        candidates: list[Suggestion] = []
        for c, code in enumerate(suggester.codes):
            score = float(blended[u, c])
            evidence: list[dict[str, object]] = []
            if code.key in terms[u]:
                evidence.append({"kind": "terms", "terms": terms[u][code.key]})
            if similarity[u, c] > 0.05:
                evidence.append({"kind": "definition_similarity", "value": round(float(similarity[u, c]), 3)})
            if code.key in probabilities:
                p = float(probabilities[code.key][u])
                w = model.weight(code.key)  # type: ignore[union-attr]
                score = (1 - w) * score + w * p
                if p > 0.3:
                    evidence.append({"kind": "model", "probability": round(p, 3),
                                     "nearest_examples": model.nearest_examples(features, u, code.key)})  # type: ignore[union-attr]
            if score >= threshold and evidence:
                candidates.append(Suggestion(code.key, code.path, score, evidence))
        candidates.sort(key=lambda s: -s.score)
        out.append(candidates[:top])
    return out
