"""A fast Indonesian stemmer: affix candidates checked against PySastrawi's root dictionary.

Sastrawi's confix-stripping stemmer walks some forty prefix disambiguation rules for each word
(about 0.4 ms a word); most of that work ends in a dictionary lookup. Here the same idea is
done directly: the word's possible suffix removals (particle, possessive, derivational: in that
order) and prefix removals (with the nasal recodings: mem- -> p, men- -> t, meny- -> s,
meng- -> k, and pe- likewise) are generated as strings, and the first candidate found in the root
dictionary (a hash set of about 30,000 roots) is the stem, in tens of microseconds.

``stem`` returns ``None`` when no candidate is a root (names, foreign words, typos); the caller
decides whether to ask Sastrawi (``sastrawi_stem``) or keep the word.

Negated nouns are reduced to their root: "ketidakpercayaan" -> "percaya" (the negation is a
separate word in most texts, "tidak percaya", and the dimension is the same).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Protocol

PARTICLES = ("lah", "kah", "tah", "pun")
POSSESSIVES = ("nya", "ku", "mu")
DERIVATIONAL = ("kan", "an", "i")
VOWELS = frozenset("aiueo")
MAX_PREFIXES = 3
MIN_ROOT = 3


@cache
def roots() -> frozenset[str]:
    """PySastrawi's root words (kata dasar), read from the installed package."""
    text = resources.files("Sastrawi.Stemmer").joinpath("data/kata-dasar.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.split("\n") if w.strip())


def _suffix_bases(word: str) -> list[str]:
    """The forms left by removing, in turn, a particle, a possessive and a derivational suffix
    (the longest that fits in each group), most stripped first; after "-kan", the form with only
    "-an" removed (ke-butuh-an, not ke-but-kan)."""
    chain = [word]
    for group in (PARTICLES, POSSESSIVES, DERIVATIONAL):
        last = chain[-1]
        for suffix in group:
            if last.endswith(suffix) and len(last) - len(suffix) >= MIN_ROOT:
                chain.append(last[: -len(suffix)])
                break
    out = chain[::-1]
    if len(chain) > 1 and chain[-2].endswith("kan") and chain[-1] == chain[-2][:-3]:
        out.insert(1, chain[-2][:-2])
    return out


# Confixes that do not occur together (be-...-i, di-...-an, ke-...-i, ke-...-kan, me-...-an, se-...-i,
# se-...-kan, te-...-an): a prefix is not removed from a form whose suffix was one of these.
DISALLOWED = {"be": ("i",), "di": ("an",), "ke": ("i", "kan"), "me": ("an",), "se": ("i", "kan"), "te": ("an",)}


def _prefix_first(word: str) -> bool:
    """Words whose prefix is removed before their suffix: be-...-lah/-an, di-/me-/te-...-i
    (memakai -> pakai, not maka)."""
    return (word.startswith("be") and word.endswith(("lah", "an"))) or (
        word.startswith(("di", "me", "te")) and word.endswith("i"))


def _without_prefix(word: str) -> Iterator[str]:
    """What may remain after removing one prefix, with the nasal recodings; more likely first."""
    w = word
    if w.startswith("ketidak"):
        yield w[7:]
    if w.startswith(("di", "ke", "se", "ku")):
        yield w[2:]
    if w.startswith("ter"):
        yield w[3:]
        if len(w) > 3 and w[3] == "r":
            yield w[2:]
    elif w.startswith("te") and len(w) > 2 and w[2] == "r":
        yield w[2:]
    if w.startswith("ber"):
        yield w[3:]
    if w.startswith("be"):
        if w.startswith("bel"):
            yield w[3:]  # belajar -> ajar
        yield w[2:]  # bekerja -> kerja, berasa -> rasa
    if w.startswith("per"):
        yield w[3:]
    for nasal in ("me", "pe"):
        if not w.startswith(nasal):
            continue
        rest = w[2:]
        if rest.startswith("nge"):
            yield rest[3:]  # mengebom -> bom, pengetahuan -> tahu
        if rest.startswith("ng"):
            yield rest[2:]  # mengambil -> ambil
            yield "k" + rest[2:]  # mengirim -> kirim
        elif rest.startswith("ny"):
            yield "s" + rest[2:]  # menyapu -> sapu
            yield rest  # menyatakan -> nyata
        elif rest.startswith("m"):
            yield rest  # memakan -> makan, meminta -> minta
            if len(rest) > 1 and rest[1] in VOWELS:
                yield "p" + rest[1:]  # memukul -> pukul
            yield rest[1:]  # membuat -> buat, memfasilitasi -> fasilitasi
        elif rest.startswith("n"):
            yield rest  # menanti -> nanti, menikah -> nikah
            if len(rest) > 1 and rest[1] in VOWELS:
                yield "t" + rest[1:]  # menulis -> tulis, penanganan -> tangan
            yield rest[1:]  # mendapat -> dapat, mencari -> cari
        else:
            yield rest  # melihat -> lihat, merasa -> rasa, pelayan -> layan
            if nasal == "pe" and rest.startswith("l"):
                yield rest[1:]  # pelajar -> ajar


def _prefix_search(word: str, table: frozenset[str], depth: int = MAX_PREFIXES) -> str | None:
    """Breadth first over up to ``depth`` prefix removals: the first root found."""
    level = [word]
    for _ in range(depth):
        following: list[str] = []
        for form in level:
            for rest in _without_prefix(form):
                if len(rest) < MIN_ROOT:
                    continue
                if rest in table:
                    return rest
                following.append(rest)
        level = following
    return None


def stem(word: str) -> str | None:
    """The root of a lower-case word, or ``None`` when no affix analysis ends in a known root."""
    table = roots()
    if word in table:
        return word
    if _prefix_first(word):
        found = _prefix_search(word, table, 1)
        if found:
            return found
    bases = _suffix_bases(word)
    for base in reversed(bases):
        if base in table:
            return base
    for base in bases:
        removed = word[len(base):]
        derivational = next((s for s in DERIVATIONAL if removed.startswith(s)), "")
        if derivational and any(word.startswith(p) and derivational in DISALLOWED[p] for p in DISALLOWED):
            continue
        found = _prefix_search(base, table)
        if found:
            return found
    return None


class _Stemmer(Protocol):
    def stem(self, text: str) -> str: ...


@cache
def _sastrawi() -> _Stemmer:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


def sastrawi_stem(word: str) -> str:
    """PySastrawi's own stemmer (its hash dictionary; about 0.4 ms a word)."""
    return _sastrawi().stem(word) or word
