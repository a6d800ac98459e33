"""The dependency rules: only app.py, app_pages/ and qualcode/ui/ import Streamlit; pages never
reach the database themselves (no SQLAlchemy, no ORM models): they read view models from
qualcode/read/views/ and act through services."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = ("app.py", "app_pages/", "qualcode/ui/")


# Modules a page must not import: the database layer and the ORM tables.
DATABASE_MODULES = ("sqlalchemy", "qualcode.models", "qualcode.schema", "qualcode.db", "qualcode.analysis.tables",
                    "qualcode.review.tables")
# TODO(issue 11): these pages still run their own queries; their owners move them onto view models.
# The list may only shrink: test_known_exceptions_are_still_needed fails once a page is clean.
KNOWN_DATABASE_IMPORTERS: set[str] = set()  # every page reads through a view model


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth of the file (``from a import b`` gives a and a.b)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _matches(name: str, modules: tuple[str, ...]) -> bool:
    return any(name == m or name.startswith(m + ".") for m in modules)


def streamlit_importers() -> list[str]:
    found = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "tests/", "bench/", "data/")):
            continue
        if any(_matches(n, ("streamlit",)) for n in imported_modules(path)):
            found.append(rel)
    return found


def database_importers() -> list[str]:
    return sorted(
        path.relative_to(ROOT).as_posix()
        for path in [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]
        if any(_matches(n, DATABASE_MODULES) for n in imported_modules(path))
    )


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


def test_pages_do_not_touch_the_database():
    offenders = [p for p in database_importers() if p not in KNOWN_DATABASE_IMPORTERS]
    assert offenders == [], f"pages importing SQLAlchemy or ORM models (read a view model instead): {offenders}"


def test_known_exceptions_are_still_needed():
    cleaned = KNOWN_DATABASE_IMPORTERS - set(database_importers())
    assert cleaned == set(), f"no longer import the database; remove from KNOWN_DATABASE_IMPORTERS: {cleaned}"


def test_the_database_scan_sees_imports(tmp_path):
    # Guards the scan: plain, dotted and from-imports of the database layer are all seen.
    for line in ("import sqlalchemy", "from sqlalchemy.orm import Session", "from qualcode import models",
                 "from qualcode.models import Code", "import qualcode.analysis.tables as t"):
        page = tmp_path / "page.py"
        page.write_text(f"def f():\n    {line}\n", encoding="utf-8")
        assert any(_matches(n, DATABASE_MODULES) for n in imported_modules(page)), line


def download_buttons_that_rerun(path: Path) -> list[int]:
    """Lines of ``path`` where a ``download_button`` is made without ``on_click="ignore"``."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "download_button"):
            on_click = next((k.value for k in node.keywords if k.arg == "on_click"), None)
            if not (isinstance(on_click, ast.Constant) and on_click.value == "ignore"):
                lines.append(node.lineno)
    return lines


def test_a_download_never_reruns_the_page():
    """By default a download button reruns the page when clicked; a rerun while the browser fetches
    the file can withdraw it (a CI run's .qdc download was canceled) and recomputes the page for
    nothing, so every download button says ``on_click="ignore"``."""
    found = {}
    for path in [ROOT / "app.py", *(ROOT / "app_pages").glob("*.py"), *(ROOT / "qualcode" / "ui").glob("*.py")]:
        if lines := download_buttons_that_rerun(path):
            found[path.relative_to(ROOT).as_posix()] = lines
    assert found == {}


def test_the_download_scan_sees_a_rerunning_button(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('c.download_button("a", b"x", "a.txt")\nst.download_button("b", b"y", "b.txt", on_click="ignore")\n'
                    'st.download_button("c", b"z", "c.txt", on_click="rerun")\n', encoding="utf-8")
    assert download_buttons_that_rerun(page) == [1, 3]
