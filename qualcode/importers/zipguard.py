"""A safety check for zip-based formats (.docx, .odt, .xlsx, .qdpx), run before any parser sees them.

It refuses files that are not zips at all, zip bombs and member names that climb out of the
archive ('..', absolute paths). The sizes checked are the ones the archive declares; Python's
``zipfile``, which the parsers use, never unpacks more than a member declares, so the check holds
while they read. What makes a zip a bomb:

- **Too much data once unpacked**: more than ``MAX_TOTAL_BYTES`` declared by all members together,
  or more than ``MAX_MEMBERS`` members.
- **A large member packed absurdly tightly** (over ``MAX_RATIO`` : 1 and over ``RATIO_MIN_BYTES``),
  unless its reader bounds it itself: a caller that refuses any member over ``member_limit`` (the
  .qdpx reader: 100 MB per entry) accepts a member within that limit however tightly it is packed,
  since unpacking it costs at most its declared size. A transcript of one long repeated line packs
  400:1, and qualcode's own export of it must be read back.
- **A nested archive packed absurdly tightly** (another zip, gzip, bzip2, xz, 7z or RAR inside;
  42.zip-style bombs pack each layer over 1000:1): refused whatever the member limit, since its
  own declared sizes are not the ones checked here.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from qualcode.errors import ImportFileError

MAX_TOTAL_BYTES = 200 * 1024 * 1024
"""Most that all members together may unpack to."""
MAX_RATIO = 100
"""Most that a member may shrink when packed (unpacked size / packed size)..."""
RATIO_MIN_BYTES = 1024 * 1024
"""...checked only for members larger than this: small repetitive XML parts shrink a lot too."""
MAX_MEMBERS = 10_000
ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00",
                 b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07")
"""How an archive inside the archive starts (zip, gzip, bzip2, xz, 7z, RAR)."""

_DRIVE = re.compile(r"^[A-Za-z]:")


def check_zip(filename: str, data: bytes, kind: str, *, member_limit: int | None = None) -> None:
    """Raise ImportFileError unless ``data`` is a zip that is safe to hand to a parser.

    ``kind`` names the expected format in the "not really a ... file" message, e.g. ".docx".
    ``member_limit``: the most one member may unpack to, when the caller refuses larger members
    itself; a member within it is not refused for its packing ratio (unless it is an archive).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportFileError("import.corrupt", file=filename, kind=kind) from exc

    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise ImportFileError("import.zip_bomb", file=filename)
        total = 0
        for member in members:
            if unsafe_name(member.filename):
                raise ImportFileError("import.zip_unsafe_path", file=filename, member=member.filename)
            total += member.file_size
            if total > MAX_TOTAL_BYTES:
                raise ImportFileError("import.zip_bomb", file=filename)
            if packed_too_tightly(member) and not bounded_by_reader(archive, member, member_limit):
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


def bounded_by_reader(archive: zipfile.ZipFile, member: zipfile.ZipInfo, member_limit: int | None) -> bool:
    """True when a tightly packed member is harmless: within the caller's ``member_limit`` and not
    itself an archive (its first bytes are read to tell; one that cannot be read is not harmless)."""
    if member_limit is None or member.file_size > member_limit:
        return False
    try:
        with archive.open(member) as stream:
            head = stream.read(8)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, zlib.error):
        return False
    return not head.startswith(ARCHIVE_MAGIC)
