"""Every limit on the work one file or one import may cause, in one place.

Files come from other people and other tools; a hostile or broken one must be refused in
seconds, with a message that names the file and the limit, before it can hold the write lock,
fill memory or recurse without end. Each limit here has a message key ``limit.<name>`` (in
``qualcode/locale/*/limits.yaml``) and is listed in the README ("What qualcode refuses").
"""

from __future__ import annotations

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Any imported file (transcript, sheet, codebook, .qdpx): larger files are refused unread."""

MAX_SHEET_ROWS = 20_000
"""Rows in one sheet (.csv or .xlsx): transcripts-per-row, metadata, case and codebook sheets."""

MAX_IMPORT_DOCUMENTS = 5_000
"""Documents one import may add (files, and rows of transcript sheets, together)."""

MAX_NAME_CHARS = 300
"""A code's name (either language) and a document's title: what the database column holds.
Typed ones beyond it are refused with a message (the fields stop at it); names read from files
are shortened to it."""

MAX_PROJECT_NAME_CHARS = 200
"""A project's name: what the database column holds; longer ones are refused with a message."""

MAX_CODEBOOK_CODES = 5_000
"""Codes in one codebook (YAML, CSV or .qdc)."""

MAX_CODE_DEPTH = 20
"""Levels of a code path (``a/b/c`` is 3): deeper trees are refused, never recursed into."""

MAX_YAML_NESTING = 100
"""Nested mappings and lists in a YAML codebook (a code tree of MAX_CODE_DEPTH needs about 45)."""

YAML_ALIASES_ALLOWED = False
"""YAML anchors and aliases (``&a`` / ``*a``) are refused: codebooks never need them, and
expanding them is how a 1 KB file asks for gigabytes (the "billion laughs")."""


def describe() -> list[tuple[str, str]]:
    """(what, limit) pairs for documentation and ``--help`` texts."""
    return [
        ("file size", f"{MAX_FILE_BYTES // (1024 * 1024)} MB"),
        ("rows per sheet", f"{MAX_SHEET_ROWS:,}"),
        ("documents per import", f"{MAX_IMPORT_DOCUMENTS:,}"),
        ("codes per codebook", f"{MAX_CODEBOOK_CODES:,}"),
        ("depth of a code path", str(MAX_CODE_DEPTH)),
        ("YAML nesting", str(MAX_YAML_NESTING)),
        ("YAML anchors and aliases", "refused"),
        ("code name or document title", f"{MAX_NAME_CHARS} characters"),
        ("project name", f"{MAX_PROJECT_NAME_CHARS} characters"),
    ]
