"""A safety check for zip-based formats (.docx, .odt, .xlsx), run before any parser sees them.

It refuses files that are not zips at all, zip bombs (too much data once unpacked, or a member
packed suspiciously tightly) and member names that climb out of the archive ('..', absolute
paths). The sizes checked are the ones the archive declares; Python's ``zipfile``, which the
parsers use, never unpacks more than a member declares, so the check holds while they read.
"""

from __future__ import annotations

import io
import re
import zipfile

from qualcode.errors import ImportFileError

MAX_TOTAL_BYTES = 200 * 1024 * 1024
"""Most that all members together may unpack to."""
MAX_RATIO = 100
"""Most that a member may shrink when packed (unpacked size / packed size)..."""
RATIO_MIN_BYTES = 1024 * 1024
"""...checked only for members larger than this: small repetitive XML parts shrink a lot too."""
MAX_MEMBERS = 10_000

_DRIVE = re.compile(r"^[A-Za-z]:")


def check_zip(filename: str, data: bytes, kind: str) -> None:
    """Raise ImportFileError unless ``data`` is a zip that is safe to hand to a parser.

    ``kind`` names the expected format in the "not really a ... file" message, e.g. ".docx".
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportFileError("import.corrupt", file=filename, kind=kind) from exc

    if len(members) > MAX_MEMBERS:
        raise ImportFileError("import.zip_bomb", file=filename)
    total = 0
    for member in members:
        if unsafe_name(member.filename):
            raise ImportFileError("import.zip_unsafe_path", file=filename, member=member.filename)
        total += member.file_size
        if total > MAX_TOTAL_BYTES or packed_too_tightly(member):
            raise ImportFileError("import.zip_bomb", file=filename)


def unsafe_name(name: str) -> bool:
    """True for a member name that is absolute or climbs up with '..' (either slash counts)."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or bool(_DRIVE.match(name)) or ".." in parts


def packed_too_tightly(member: zipfile.ZipInfo) -> bool:
    """True when a large member unpacks to more than MAX_RATIO times its packed size."""
    if member.file_size <= RATIO_MIN_BYTES:
        return False
    return member.compress_size == 0 or member.file_size / member.compress_size > MAX_RATIO
