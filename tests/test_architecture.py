"""The dependency rule: only app.py, app_pages/ and qualcode/ui/ import Streamlit."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = ("app.py", "app_pages/", "qualcode/ui/")


def streamlit_importers() -> list[str]:
    found = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "tests/", "bench/", "data/")):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "streamlit" or n.startswith("streamlit.") for n in names):
                found.append(rel)
                break
    return found


def test_only_the_ui_layer_imports_streamlit():
    offenders = [p for p in streamlit_importers() if not p.startswith(ALLOWED)]
    assert offenders == [], f"Streamlit imported outside the UI layer: {offenders}"


def test_the_ui_layer_is_found():
    # Guards the scan itself: it must see the files that do import Streamlit.
    found = streamlit_importers()
    assert "app.py" in found and any(p.startswith("app_pages/") for p in found)


def test_domain_imports_without_streamlit():
    import subprocess
    import sys

    code = (
        "import sys, importlib, pkgutil, qualcode\n"
        "for m in pkgutil.walk_packages(qualcode.__path__, 'qualcode.'):\n"
        "    if not m.name.startswith(('qualcode.ui', 'qualcode.__main__')):\n"
        "        importlib.import_module(m.name)\n"
        "assert 'streamlit' not in sys.modules, 'streamlit was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
