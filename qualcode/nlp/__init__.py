"""qualcode.nlp: the Indonesian pipeline (``pipeline``), the stemmer and the code suggester.

This module itself stays light (it imports neither spaCy nor scikit-learn), so that a server can
start the warm-up below without waiting for them.

**Never import spaCy in two threads at once.** spaCy's compiled modules import each other in a
cycle, and a second thread that imports them while the first is still at it finds one of them
half made (``ImportError: cannot import name 'get_string_id' from partially initialized module
'spacy.strings'``, seen in a browser test when a page and the warm-up imported it together). So
until the libraries are loaded, the warm-up and each page's run hold one lock
(:func:`first_imports`): whoever comes first imports them, and the others wait for it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_IMPORTING = threading.Lock()
_LOADED = threading.Event()  # set once the warm-up has run (loaded, or failed: then pages import)


@contextmanager
def first_imports() -> Iterator[None]:
    """Hold the import lock for the block while the NLP libraries are not loaded yet (a page's run
    right after a server start); once they are, the block runs without it."""
    if _LOADED.is_set():
        yield
        return
    with _IMPORTING:
        yield


def _warm_up() -> None:
    try:
        with _IMPORTING:
            import qualcode.nlp.suggest  # noqa: F401 (spaCy, scikit-learn and SciPy: about 1.5 s of imports)
        from qualcode.nlp.pipeline import get_nlp

        get_nlp()  # about 0.3 s, and the stored word forms read
    finally:
        _LOADED.set()


def warm_up_in_background() -> threading.Thread:
    """Import the suggestion engine's libraries and build the pipeline in a daemon thread, so the
    first page that tokenises or suggests (Coding, Suggestions) finds them ready instead of waiting
    about 3 s for them. The app starts it once a server's first page has run; a page that runs
    meanwhile waits for the imports (:func:`first_imports`), and :func:`get_nlp`'s lock makes one
    that needs the pipeline wait for this one build rather than start a second."""
    thread = threading.Thread(target=_warm_up, name="qualcode-nlp-warm-up", daemon=True)
    thread.start()
    return thread
