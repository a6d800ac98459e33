"""qualcode.nlp: the Indonesian pipeline (``pipeline``), the stemmer and the code suggester.

This module itself stays light (it imports neither spaCy nor scikit-learn), so that a server can
start the warm-up below without waiting for them."""

from __future__ import annotations

import threading


def _warm_up() -> None:
    import qualcode.nlp.suggest  # noqa: F401 (spaCy, scikit-learn and SciPy: about 1.5 s of imports)
    from qualcode.nlp.pipeline import get_nlp

    get_nlp()  # about 0.3 s, and the stored word forms read


def warm_up_in_background() -> threading.Thread:
    """Import the suggestion engine's libraries and build the pipeline in a daemon thread, so the
    first page that tokenises or suggests (Coding, Suggestions) finds them ready instead of waiting
    about 3 s for them. The app starts it on a server's first page; :func:`get_nlp`'s lock makes a
    page that comes first wait for this one build rather than start a second."""
    thread = threading.Thread(target=_warm_up, name="qualcode-nlp-warm-up", daemon=True)
    thread.start()
    return thread
