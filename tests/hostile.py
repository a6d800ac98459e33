"""Hostile files for the tests and bench/hostile_bench.py, generated in memory (never committed)."""

from __future__ import annotations


def yaml_alias_bomb(size: int = 916) -> bytes:
    """A codebook whose aliases expand to 9**9 strings (the "billion laughs" in YAML), padded to ``size`` bytes."""
    lines = ["format: qualcode-codebook/1", "codebook: {id: bom, name: Bom}", 'a: &a ["lol","lol","lol","lol","lol",'
             '"lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    lines.append("codes: [{id: x, name: {id: x, en: x}, examples: *i}]")
    text = "\n".join(lines) + "\n"
    assert len(text) <= size
    return (text + "#" * (size - len(text) - 1) + "\n").encode()


def yaml_nested(depth: int) -> bytes:
    """A codebook whose code tree is ``depth`` codes deep (each level two YAML levels: list and mapping)."""
    opening = "".join(f"{{id: c{i}, name: {{id: c{i}, en: c{i}}}, children: [" for i in range(depth))
    closing = "]}" * depth
    return f"format: qualcode-codebook/1\ncodebook: {{id: dalam, name: Dalam}}\ncodes: [{opening}{closing}]\n".encode()


def csv_rows(count: int) -> bytes:
    return ("title,text\n" + "".join(f"W{i},halo {i}\n" for i in range(count))).encode()


def qdc_codes(count: int) -> bytes:
    codes = "".join(f'<Code guid="{i:08x}-0000-4000-8000-000000000000" name="k{i}" isCodable="true"/>'
                    for i in range(count))
    return (f'<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="x">'
            f"<Codes>{codes}</Codes></CodeBook>").encode()


def qdc_nested(depth: int) -> bytes:
    opening = "".join(f'<Code guid="{i:08x}-0000-4000-8000-000000000000" name="k{i}" isCodable="true">'
                      for i in range(depth))
    return (f'<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="x">'
            f"<Codes>{opening}{'</Code>' * depth}</Codes></CodeBook>").encode()


def csv_deep_path(depth: int) -> bytes:
    return ("path,description\n" + "/".join(f"lapis {i}" for i in range(depth)) + ",dalam sekali\n").encode()


def _zip(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


QDE = (b'<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="x" origin="qualcode test">'
       b'<Sources><TextSource guid="11111111-1111-1111-1111-111111111111" name="s" '
       b'plainTextPath="internal://11111111-1111-1111-1111-111111111111.txt"/></Sources></Project>')


def qdpx_long_line(megabytes: int = 8) -> bytes:
    """A .qdpx as qualcode writes it whose one source is a single line of a few repeated words
    (packs about 400:1): within the entry limit, so it must be read."""
    text = ("I: " + "kata panjang sekali " * (megabytes * 50_000)).encode()
    return _zip({"project.qde": QDE, "sources/11111111-1111-1111-1111-111111111111.txt": text})


def qdpx_nested_bomb(megabytes: int = 50) -> bytes:
    """A .qdpx holding a zip of ``megabytes`` of zeros (a 42.zip-style layer), itself packed over 100:1."""
    inner = _zip({"lapis.txt": b"\0" * (megabytes * 1024 * 1024)})
    return _zip({"project.qde": QDE, "sources/lapis.zip": inner + b"\0" * (4 * 1024 * 1024)})
