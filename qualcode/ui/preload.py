"""What a server loads once, before it takes its first browser session (``serve.py``'s lifespan).

Without it the first page to need spaCy, scikit-learn or SciPy after a start (Suggestions,
Coding, Review) imports them inside its own run and waits about 3 s longer than it will ever wait
again; and two sessions that do so at the same moment can catch spaCy half-imported (its compiled
modules import each other in a cycle: "cannot import name 'get_string_id' from partially
initialized module 'spacy.strings'"). Loading them in a background thread was tried and reverted
for that race. Here they are loaded in the server's main thread before it listens, so no page run
can overlap with them.

What is loaded is read off the pages themselves: every module that ``app.py`` or a page in
``app_pages/`` imports at its top, then the Indonesian pipeline (with the stored word forms)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def page_modules(root: Path = ROOT) -> list[str]:
    """The modules imported at the top level of ``app.py`` and of each page in ``app_pages/``,
    in the order first met, each once. ``from package import name`` gives ``package`` and, where
    ``name`` is a module of that package, ``package.name``."""
    found: dict[str, None] = {}
    for script in [root / "app.py", *sorted((root / "app_pages").glob("*.py"))]:
        tree = ast.parse(script.read_text(encoding="utf-8"), filename=str(script))
        for node in tree.body:
            if isinstance(node, ast.Import):
                found.update((alias.name, None) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found[node.module] = None
                for alias in node.names:
                    name = f"{node.module}.{alias.name}"
                    if alias.name != "*" and _is_module(name):
                        found[name] = None
    return list(found)


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # its package is not a package
        return False


def load(root: Path = ROOT) -> float:
    """Import every page's modules and build the pipeline; the seconds it took."""
    started = time.perf_counter()
    for name in page_modules(root):
        importlib.import_module(name)
    import qualcode.nlp.suggest  # noqa: F401 - spaCy, scikit-learn and SciPy, which some modules import late
    from qualcode.nlp.pipeline import get_nlp

    get_nlp()
    return time.perf_counter() - started
