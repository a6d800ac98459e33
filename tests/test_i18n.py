"""The message catalogue: both languages complete, placeholders alike, every used key present."""

import re
import string
from pathlib import Path

from qualcode.i18n import LANGUAGES, catalogue, t

ROOT = Path(__file__).resolve().parent.parent
# The first argument of tr(...), t(...) and the project's errors is a catalogue key.
KEY_RE = re.compile(r"\b(?:tr|t|[A-Za-z]*Error|PermissionDenied)\(\s*[\"']([a-z_]+\.[a-z0-9_]+)[\"']")


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_same_keys_in_every_language():
    keys = [set(catalogue(lang)) for lang in LANGUAGES]
    assert keys[0] == keys[1], keys[0] ^ keys[1]


def test_same_placeholders_in_every_language():
    en, id_ = catalogue("en"), catalogue("id")
    mismatched = [k for k in en if placeholders(en[k]) != placeholders(id_[k])]
    assert mismatched == []


def test_every_key_used_in_code_exists():
    known = set(catalogue("en"))
    used: set[str] = set()
    for folder in ("qualcode", "app_pages"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(KEY_RE.findall(path.read_text(encoding="utf-8")))
    used |= set(KEY_RE.findall((ROOT / "app.py").read_text(encoding="utf-8")))
    assert len(used) > 50  # the scan itself works
    missing = sorted(k for k in used if k not in known)
    assert missing == [], f"keys used but not in the catalogue: {missing}"


def test_translation_and_fallback():
    assert t("nav.projects", "id") == "Proyek"
    assert t("nav.projects", "en") == "Projects"
    assert t("error.project_exists", "en", project="X") == "A project called 'X' already exists."
    assert t("no.such.key", "id") == "no.such.key"


def test_dynamic_keys_exist():
    from qualcode.models import DOCUMENT_KINDS, ROLES
    from qualcode.ui.shell import PAGES

    known = set(catalogue("en"))
    dynamic = {f"nav.{name}" for name, _, _ in PAGES} | {f"role.{r}" for r in ROLES}
    dynamic |= {f"kind.{k}" for k in DOCUMENT_KINDS}
    assert dynamic <= known, dynamic - known


def test_each_area_file_exists_in_both_languages():
    from qualcode.i18n import LOCALE_DIR

    files = [{p.name for p in (LOCALE_DIR / lang).glob("*.yaml")} for lang in LANGUAGES]
    assert files[0] == files[1] and "core.yaml" in files[0]
