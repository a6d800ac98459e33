"""Hostile files (issue 12) through their readers: seconds, peak memory and the outcome of each.

Run: ``.venv/bin/python -m bench.hostile_bench``. Every file is generated in memory by
``tests/hostile.py``; every one should be refused (or read) within seconds and a few hundred MB.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

import qualcode.exchange.codebook_csv  # noqa: F401 - imported before measuring, as in a running app
import qualcode.exchange.qdc  # noqa: F401
import qualcode.importers.sheet  # noqa: F401
from qualcode import limits
from qualcode.errors import ImportFileError
from qualcode.exchange.qdpx_reader import read_qdpx
from qualcode.files.codebook import read_codebook
from qualcode.importers import extract
from qualcode.services.imports import read_metadata_sheet
from tests.hostile import (
    csv_deep_path,
    csv_rows,
    qdc_codes,
    qdc_nested,
    qdpx_long_line,
    qdpx_nested_bomb,
    yaml_alias_bomb,
    yaml_nested,
)


def cases() -> list[tuple[str, int, Callable[[], object]]]:
    bomb = yaml_alias_bomb()
    nested = yaml_nested(300)
    million = csv_rows(1_000_000)
    metadata = ("file,case\n" + "".join(f"w{i}.txt,Informan {i}\n" for i in range(1_000_000))).encode()
    many = qdc_codes(100_000)
    deep_csv = csv_deep_path(3_000)
    deep_qdc = qdc_nested(limits.MAX_CODE_DEPTH + 1)
    legacy = ("title,text\n" + "W,halo café – “kutipan”\n" * 1_000_000).encode("cp1252")
    long_line = qdpx_long_line()
    nested_zip = qdpx_nested_bomb()
    return [
        ("YAML alias bomb (bom.yaml)", len(bomb), lambda: read_codebook("bom.yaml", bomb)),
        ("YAML nested 300 deep (dalam.yaml)", len(nested), lambda: read_codebook("dalam.yaml", nested)),
        ("1,000,000-row transcript sheet (sejuta.csv)", len(million), lambda: extract("sejuta.csv", million)),
        ("1,000,000-row metadata sheet (meta.csv)", len(metadata), lambda: read_metadata_sheet("meta.csv", metadata)),
        ("100,000-code .qdc (banyak.qdc)", len(many), lambda: read_codebook("banyak.qdc", many)),
        ("CSV code path 3,000 deep (dalam.csv)", len(deep_csv), lambda: read_codebook("dalam.csv", deep_csv)),
        (".qdc code tree 21 deep (dalam.qdc)", len(deep_qdc), lambda: read_codebook("dalam.qdc", deep_qdc)),
        ("1,000,000-row Windows-1252 sheet (lama.csv)", len(legacy), lambda: extract("lama.csv", legacy)),
        (".qdpx, one 8 MB line packed 400:1 (p2.qdpx)", len(long_line), lambda: read_qdpx(long_line, "p2.qdpx").sources),
        (".qdpx holding a packed zip bomb (lapis.qdpx)", len(nested_zip), lambda: read_qdpx(nested_zip, "lapis.qdpx")),
    ]


def main() -> None:
    print(f"{'file':46} {'bytes':>11} {'seconds':>8} {'peak MB':>8}  outcome")
    for label, size, call in cases():
        tracemalloc.start()
        started = time.perf_counter()
        try:
            result = call()
            outcome = f"read ({len(result)} items)" if isinstance(result, list) else "read"
        except ImportFileError as exc:
            outcome = exc.key
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{label:46} {size:>11,} {elapsed:>8.2f} {peak / 1e6:>8.1f}  {outcome}")


if __name__ == "__main__":
    main()
