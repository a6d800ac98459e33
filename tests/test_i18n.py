"""The message catalogue: both languages complete, placeholders alike, every used key present,
the keys built at run time (``tr(f"role.{role}")``) included."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from qualcode.analysis.agreement import LEVELS as AGREEMENT_LEVELS
from qualcode.analysis.agreement import SUMMARY_COLUMNS
from qualcode.analysis.register import TRIANGULATION_FLAGS
from qualcode.analysis.tables import CONCLUSION_STATUSES, EVIDENCE_STANCES, TACTICS
from qualcode.exchange.positions import PROFILES, READINGS
from qualcode.exchange.qdpx_reader import MEDIA
from qualcode.i18n import LANGUAGES, catalogue, plural_form, plural_forms, read_messages, t
from qualcode.models import DOCUMENT_KINDS, ROLES
from qualcode.read.views.display import DISPLAYS
from qualcode.report.model import MATRIX_KINDS
from qualcode.review.tables import COMMENT_STATUSES, REVIEW_STATUSES

ROOT = Path(__file__).resolve().parent.parent
# The first argument of tr(...), tr_plain(...), t(...) and the project's errors is a catalogue key.
KEY_RE = re.compile(r"\b(?:tr|tr_plain|t|[A-Za-z]*Error|PermissionDenied)\(\s*[\"']([a-z_]+\.[a-z0-9_]+)[\"']")


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_same_keys_in_every_language():
    keys = [set(catalogue(lang)) for lang in LANGUAGES]
    assert keys[0] == keys[1], keys[0] ^ keys[1]


def test_same_placeholders_in_every_language():
    en, id_ = catalogue("en"), catalogue("id")
    mismatched = [k for k in en if placeholders(en[k]) != placeholders(id_[k])]
    assert mismatched == []


def test_plural_forms_take_their_message_s_placeholders():
    """A message with plural forms counts ``{count}`` (its ``other`` form, the one compared across
    languages above); the ``one`` form may write the number out, and adds no placeholder."""
    problems = []
    for lang in LANGUAGES:
        for key, forms in plural_forms(lang).items():
            other = placeholders(forms["other"])
            if "count" not in other:
                problems.append(f"{lang} {key}: no {{count}} in its 'other' form")
            problems += [f"{lang} {key}.{form}: {sorted(placeholders(text) - other)}"
                         for form, text in forms.items() if not placeholders(text) <= other]
    assert problems == []
    assert "evidence.matches" in plural_forms("en")  # the check itself has something to check


def test_plural_forms_are_chosen_by_count():
    one = t("evidence.matches", "en", count=1, first=1, last=1)
    assert one == "1 segment matches; showing 1–1."
    assert t("evidence.matches", "en", count=3, first=1, last=3) == "3 segments match; showing 1–3."
    assert t("evidence.matches", "en", count=0, first=1, last=0).startswith("0 segments match")
    assert t("analysis.condensations_saved", "en", count=1) == "1 condensation saved."
    assert t("display.codings", "en", count=1) == "1 coding"
    assert t("display.codings", "en", count=12) == "12 codings"
    # Indonesian has no plural: one text for every number
    assert t("evidence.matches", "id", count=1, first=1, last=1).startswith("1 segmen cocok")
    assert t("evidence.matches", "id", count=3, first=1, last=3).startswith("3 segmen cocok")
    # numbers of any kind count (a DataFrame's numpy integers); text, a flag or no count is "other"
    import numpy as np

    assert plural_form("en", np.int64(1)) == "one" and plural_form("en", 1.0) == "one"
    assert {plural_form("en", v) for v in (2, 0, 1.5, "1", True, None)} == {"other"}
    assert {plural_form("id", v) for v in (1, 2)} == {"other"}
    assert t("display.codings", "en") == "{count} codings"  # no count given: the other form, unformatted


def test_plural_forms_are_one_and_other(tmp_path):
    (tmp_path / "a.yaml").write_text('x.ok:\n  one: "1 thing"\n  other: "{count} things"\n', encoding="utf-8")
    messages, plurals = read_messages(tmp_path)
    assert messages == {"x.ok": "{count} things"} and plurals == {"x.ok": {"one": "1 thing", "other": "{count} things"}}
    for bad in ('x.bad:\n  one: "1 thing"\n', 'x.bad:\n  few: "a few"\n  other: "{count}"\n'):
        (tmp_path / "a.yaml").write_text(bad, encoding="utf-8")
        with pytest.raises(ValueError, match="plural forms"):
            read_messages(tmp_path)


def test_plural_messages_are_given_a_count():
    """Every call of a message that has plural forms passes ``count``, which chooses the form."""
    plural = {key for lang in LANGUAGES for key in plural_forms(lang)}
    uncounted = []
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if ((name in TRANSLATORS or name.endswith("Error") or name == "during") and node.args[0].value in plural
                    and not any(k.arg == "count" for k in node.keywords)):
                uncounted.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.args[0].value}")
    assert uncounted == []


def test_every_key_used_in_code_exists():
    known = set(catalogue("en"))
    used: set[str] = set()
    for path in sources():
        used |= set(KEY_RE.findall(path.read_text(encoding="utf-8")))
    assert len(used) > 50  # the scan itself works
    missing = sorted(k for k in used if k not in known)
    assert missing == [], f"keys used but not in the catalogue: {missing}"


def test_translation_and_fallback():
    assert t("nav.projects", "id") == "Proyek"
    assert t("nav.projects", "en") == "Projects"
    assert t("error.project_exists", "en", project="X") == "A project called 'X' already exists."
    assert t("no.such.key", "id") == "no.such.key"


def sources() -> list[Path]:
    return [*sorted((ROOT / "qualcode").rglob("*.py")), *sorted((ROOT / "app_pages").glob("*.py")), ROOT / "app.py"]


# ---- Keys built at run time -------------------------------------------------------------------
# The code builds a key from a template and a value: ``tr(f"kind.{k}")``, ``tr("role." + r)``. The
# scan below finds every such template (an f-string, a concatenation, a ``%`` or ``.format`` whose
# fixed start is ``<area>.`` of the catalogue) and each must be registered here with the values its
# placeholder takes, from the constants the code takes them from; each key must then exist in both
# languages. A new template, or one that is gone, fails the test until it is registered here.


@dataclass(frozen=True)
class Values:
    """The values a template's placeholder takes, and where the code takes them from."""

    values: tuple[str, ...]
    source: str
    required: bool = True  # False: the code falls back when the key is missing


def of(values: Iterable[object], source: str, *, required: bool = True) -> Values:
    return Values(tuple(str(v) for v in values), source, required)


# The values are written where the key is built (a widget's options, a loop over a tuple): read there.
AT_SITE = Values((), "the literals at the site")
READING_PARTS = tuple(dict.fromkeys(part for reading in READINGS for part in reading.split("+")))
DYNAMIC_KEYS: dict[str, Values] = {
    "analysis.cell_{}": AT_SITE,
    "analysis.display_{}": of(DISPLAYS, "read.views.display.DISPLAYS"),
    "analysis.flag_{}": of(TRIANGULATION_FLAGS, "analysis.register.TRIANGULATION_FLAGS"),
    "analysis.level_{}": AT_SITE,
    "analysis.on_{}": of(["project", "document", "code", "segment"], "analysis.register.search_memos: on"),
    "analysis.scope_{}": AT_SITE,
    "analysis.stance_{}": of(EVIDENCE_STANCES, "analysis.tables.EVIDENCE_STANCES"),
    "analysis.status_{}": of(CONCLUSION_STATUSES, "analysis.tables.CONCLUSION_STATUSES"),
    "analysis.tactic_{}": of(TACTICS, "analysis.tables.TACTICS"),
    "codebook.{}": AT_SITE,
    "coding.col_{}": AT_SITE,
    "coding.extend_{}": AT_SITE,
    "coding.ws_{}": AT_SITE,
    "display.colour_by_{}": AT_SITE,
    "import.{}_kept": of(["busy", "disk_full", "storage"], "services.imports: the storage error's kind"),
    "import.{}_nothing": of(["busy", "disk_full", "storage"], "services.imports: the storage error's kind"),
    "kind.{}": of(DOCUMENT_KINDS, "models.DOCUMENT_KINDS"),
    "qdpx.kind_{}": of(["text", "pdf", *MEDIA.values()], "exchange.qdpx_reader: skipped sources' kinds (MEDIA)"),
    "qdpx.profile_{}": of(PROFILES, "exchange.positions.PROFILES"),
    "qdpx.reading_{}": of(READING_PARTS, "exchange.positions.READINGS, split at '+'"),
    "qdpx.report_dropped_{}": of(["outside", "zero_length", "pdf_region"], "exchange.qdpx_reader: DroppedSelection"),
    "qdpx.report_skipped_{}": of(["missing", "external", "not_supported", "empty", "unreadable"],
                                 "exchange.qdpx_reader: SkippedSource"),
    "report.direction_{}": of(["supporting", "inhibiting"], "codebook meta directions; else the code's label",
                              required=False),
    "report.flag_{}": of(TRIANGULATION_FLAGS, "analysis.register.TRIANGULATION_FLAGS"),
    "report.kind_{}": of(["role", "case"], "the report's matrix choices (app_pages/export.py)"),
    "report.stance_{}": of(EVIDENCE_STANCES, "analysis.tables.EVIDENCE_STANCES"),
    "report.status_{}": of(CONCLUSION_STATUSES, "analysis.tables.CONCLUSION_STATUSES"),
    "report.matrix_{}": of(MATRIX_KINDS, "report.model.MATRIX_KINDS"),
    "report.memo_target_{}": of(["project", "document", "code", "segment"], "analysis.register.search_memos: on"),
    "report.memos_on_{}": of(["project", "document", "code", "segment"], "analysis.register.search_memos: on"),
    "report.sheet_{}": of(["main_themes", "salient_points", "next_questions"], "report.layout: a summary sheet's fields"),
    "report.short_{}": of(TRIANGULATION_FLAGS, "analysis.register.TRIANGULATION_FLAGS"),
    "report.src_{}": of(["memos", "summary_sheets", "pattern_codes", "conclusions"], "report.build: the sources table"),
    "review.by_{}": AT_SITE,
    "review.col_{}": of(dict.fromkeys([
        "document", "coder", "codings", "codes", "characters", "percent_coded",  # read.measures.coding_coverage
        *[c for c in SUMMARY_COLUMNS if c != "code_id"], "u_alpha", "u_verdict",  # agreement per code
        "target", "status", "comment", "reviewer", "assignee", "at", "changes",  # review state
        "user", "action", "code", "start", "end", "author",  # changes since, review history
        "entity", "entity_id", "before", "after",  # audit trail (review.queries.audit_trail)
    ]), "the Review page's tables' columns"),
    "review.diff_{}": of(["missing", "boundary"], "review.side_by_side: Difference.kind"),
    "review.level_{}": of(AGREEMENT_LEVELS, "analysis.agreement.LEVELS"),
    "review.status_{}": of([*REVIEW_STATUSES, *COMMENT_STATUSES, "all"],
                           "review.tables.REVIEW_STATUSES; COMMENT_STATUSES and 'all' (the comments' filter)"),
    "review.target_{}": AT_SITE,
    "review.verdict_{}": of(["reliable", "tentative", "unreliable", "none"], "analysis.unitizing.verdict"),
    "role.{}": of(ROLES, "models.ROLES"),
    "suggest.order_{}": AT_SITE,
    "suggest.unit_{}": AT_SITE,
    "problem.{}": of(["string_type", "list_type", "dict_type", "model_type", "int_type", "bool_type"],
                     "codebooks._problem: pydantic's error types"),
    # Column names of any table a page shows: tests/test_one_language.py opens every page and
    # fails on a header shown as its raw name.
    "column.{}": of(["agreement", "precision", "recall"],
                    "ui.columns.headers: every table's columns (and number columns named at their site)",
                    required=False),
}
# Templates of the same shape that are not message keys.
NOT_KEYS = {"review.{}": "audit action names (review/workflow.py)"}
# Calls that take the key from a variable: wrappers and keys passed through, each a literal checked
# elsewhere. A new one must say here where its keys come from.
PASS_THROUGH = {
    ("qualcode/errors.py", "self.key"): "an error's key: a literal at each raise (test_every_key_used_in_code_exists)",
    ("qualcode/db.py", "key"): "StorageError.message: the context's key, a literal at each during(...)",
    ("qualcode/report/build.py", "names[n]"): "report.col_* literals in _matrix",
    ("qualcode/report/model.py", "key"): "Report.tr: a wrapper",
    ("qualcode/report/review.py", "key"): "review_appendix's tr: a wrapper",
    ("qualcode/ui/columns.py", "key"): "header_name: column.<name>, used only when the catalogue has it",
    ("app_pages/review.py", "key"): "audit_name: audit.<action> / audit_entity.<entity>, used only when the catalogue "
                                    "has it (tests/test_audit_labels.py checks every recorded action)",
    ("qualcode/ui/shell.py", "title_key"): "page titles: nav.* (test_navigation_keys_exist)",
    ("qualcode/ui/shell.py", "caption_key"): "a page's caption key, a literal at the call",
    ("qualcode/ui/shell.py", "section"): "navigation sections (test_navigation_keys_exist)",
    ("qualcode/ui/shell.py", "title"): "navigation titles (test_navigation_keys_exist)",
    ("qualcode/ui/state.py", "key"): "state.tr / tr_plain: wrappers",
}
KEY_SHAPE = re.compile(r"[a-z_]+\.[a-z0-9_{}]*")
TRANSLATORS = {"t", "tr", "tr_plain"}


@dataclass(frozen=True)
class Site:
    template: str
    where: str
    literal_values: tuple[str, ...] | None  # the values written at the site, when they are literals


def _strings(node: ast.AST | None) -> tuple[str, ...] | None:
    if isinstance(node, (ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) and isinstance(e.value, str)
                                                       for e in node.elts):
        return tuple(str(e.value) for e in node.elts)  # type: ignore[attr-defined]
    return None


def _template(node: ast.AST) -> str | None:
    """The key template a node builds (placeholders as ``{}``), if it builds one."""
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        text = "".join(str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values)
    elif (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, ast.Constant)
          and isinstance(node.left.value, str) and not isinstance(node.right, ast.Constant)):
        text = node.left.value + "{}"
    elif (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant)
          and isinstance(node.left.value, str)):
        text = re.sub(r"%[sdr]", "{}", node.left.value)
    elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
          and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)):
        text = re.sub(r"\{[^}]*\}", "{}", node.func.value.value)
    else:
        return None
    return text if "{}" in text and KEY_SHAPE.fullmatch(text) else None


def _literal(node: ast.AST | None, parents: dict[ast.AST, ast.AST]) -> tuple[str, ...] | None:
    """A list or tuple of strings, written there or assigned to the name there in the enclosing
    function (or module)."""
    if not isinstance(node, ast.Name):
        return _strings(node)
    scope = parents.get(node)
    while scope is not None and not isinstance(scope, (ast.FunctionDef, ast.Module)):
        scope = parents.get(scope)
    for statement in ast.walk(scope) if scope is not None else ():
        if isinstance(statement, ast.Assign) and [ast.unparse(t) for t in statement.targets] == [node.id]:
            return _strings(statement.value)
    return None


def _loop_values(target: ast.AST, iterable: ast.AST, name: str,
                 parents: dict[ast.AST, ast.AST]) -> tuple[str, ...] | None:
    """What ``name`` runs over in ``for target in iterable`` (``zip`` of literals included)."""
    if isinstance(target, ast.Name) and target.id == name:
        return _literal(iterable, parents)
    if (isinstance(target, ast.Tuple) and isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name)
            and iterable.func.id == "zip"):
        for element, argument in zip(target.elts, iterable.args, strict=False):
            if isinstance(element, ast.Name) and element.id == name:
                return _literal(argument, parents)
    return None


def _site_values(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> tuple[str, ...] | None:
    """The literal values a template's one placeholder takes at its site: the options of the widget
    whose ``format_func`` it is, or the literal a loop or comprehension runs over."""
    if isinstance(node, ast.JoinedStr):
        names = [v.value.id for v in node.values
                 if isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Name)]
    elif isinstance(node, ast.BinOp) and isinstance(node.right, ast.Name):
        names = [node.right.id]
    else:
        return None
    if len(names) != 1:
        return None
    parent = parents.get(node)
    while parent is not None:
        if isinstance(parent, ast.Lambda) and isinstance(parents.get(parent), ast.keyword):
            keyword, call = parents[parent], parents[parents[parent]]
            if keyword.arg == "format_func" and isinstance(call, ast.Call):  # type: ignore[attr-defined]
                options = call.args[1] if len(call.args) > 1 else next(
                    (k.value for k in call.keywords if k.arg == "options"), None)
                return _literal(options, parents)
        if isinstance(parent, ast.For):
            found = _loop_values(parent.target, parent.iter, names[0], parents)
            if found is not None:
                return found
        if isinstance(parent, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            for generator in parent.generators:
                found = _loop_values(generator.target, generator.iter, names[0], parents)
                if found is not None:
                    return found
        parent = parents.get(parent)
    return None


def dynamic_sites() -> Iterator[Site]:
    areas = {key.split(".")[0] for key in catalogue("en")}
    for path in sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            template = _template(node)
            if template is not None and template.split(".")[0] in areas:
                where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
                yield Site(template, where, _site_values(node, parents))


def pass_through_calls() -> set[tuple[str, str]]:
    found = set()
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                first = node.args[0]
                if name in TRANSLATORS and not isinstance(first, ast.Constant) and _template(first) is None:
                    found.add((str(path.relative_to(ROOT)), ast.unparse(first)))
    return found


def test_the_scan_finds_dynamic_keys():
    """The scan itself works: it sees the known shapes (f-string, concatenation, format_func)."""
    sites = list(dynamic_sites())
    templates = {s.template for s in sites}
    assert {"kind.{}", "role.{}", "codebook.{}", "review.col_{}"} <= templates
    assert any(s.template == "suggest.unit_{}" and s.literal_values == ("turn", "sentence", "paragraph")
               for s in sites)
    assert _template(ast.parse('f"x.{a}_b"', mode="eval").body) == "x.{}_b"
    assert _template(ast.parse('"x.%s" % a', mode="eval").body) == "x.{}"
    assert _template(ast.parse('"x.{}".format(a)', mode="eval").body) == "x.{}"
    assert _template(ast.parse('f"{a} · x.y"', mode="eval").body) is None  # not a key's shape


def test_every_dynamic_key_template_is_registered():
    found: dict[str, list[str]] = {}
    for site in dynamic_sites():
        found.setdefault(site.template, []).append(site.where)
    unknown = {k: v for k, v in found.items() if k not in DYNAMIC_KEYS and k not in NOT_KEYS}
    assert not unknown, f"keys built at run time that tests/test_i18n.py does not know (add them to DYNAMIC_KEYS): {unknown}"
    gone = sorted((set(DYNAMIC_KEYS) | set(NOT_KEYS)) - set(found))
    assert not gone, f"registered templates no longer in the code (remove them): {gone}"


def registered_values() -> dict[str, Values]:
    """:data:`DYNAMIC_KEYS`, with the values of :data:`AT_SITE` templates read at their sites."""
    at_site: dict[str, list[str]] = {}
    for site in dynamic_sites():
        if DYNAMIC_KEYS.get(site.template) is AT_SITE and site.literal_values is not None:
            at_site.setdefault(site.template, []).extend(site.literal_values)
    return {template: of(dict.fromkeys(at_site.get(template, ())), f"literals at {template}'s sites")
            if values is AT_SITE else values for template, values in DYNAMIC_KEYS.items()}


def test_dynamic_keys_exist_in_both_languages():
    books = {lang: set(catalogue(lang)) for lang in LANGUAGES}
    missing = []
    for template, values in registered_values().items():
        if not values.required:
            continue
        if not values.values:
            missing.append(f"{template}: no values known ({values.source})")
        for value in values.values:
            key = template.replace("{}", value)
            missing += [f"{key} ({lang}; values from {values.source})" for lang in LANGUAGES if key not in books[lang]]
    assert missing == []


def test_literal_values_at_each_site_are_registered():
    """Where the code writes a template's values beside it (a widget's options, a loop over a tuple),
    they must be among the registered ones: a new option needs its key."""
    unregistered = []
    for site in dynamic_sites():
        if site.literal_values is None or DYNAMIC_KEYS.get(site.template, AT_SITE) is AT_SITE:
            continue
        extra = set(site.literal_values) - set(DYNAMIC_KEYS[site.template].values)
        if extra:
            unregistered.append(f"{site.where}: {site.template} with {sorted(extra)}")
    assert unregistered == []


def test_keys_passed_through_variables_are_known():
    found = pass_through_calls()
    assert found == set(PASS_THROUGH), (
        f"new: {sorted(found - set(PASS_THROUGH))}; gone: {sorted(set(PASS_THROUGH) - found)}")


def test_navigation_keys_exist():
    from qualcode.ui.shell import NAVIGATION

    keys = {section for section, _ in NAVIGATION if section} | {title for _, entries in NAVIGATION
                                                                 for _, title, _, _ in entries}
    for lang in LANGUAGES:
        assert keys <= set(catalogue(lang)), (lang, keys - set(catalogue(lang)))


def test_each_area_file_exists_in_both_languages():
    from qualcode.i18n import LOCALE_DIR

    files = [{p.name for p in (LOCALE_DIR / lang).glob("*.yaml")} for lang in LANGUAGES]
    assert files[0] == files[1] and "core.yaml" in files[0]
