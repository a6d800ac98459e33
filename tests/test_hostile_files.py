"""Hostile files (issue 12): each is refused, or imported, within seconds and a few hundred MB, the
message naming the file and the limit, and every table unchanged after a refusal.

The files are generated here, never committed. Time and memory are measured around the call only
(tracemalloc counts Python's allocations, which is where a YAML or CSV blow-up would be).
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcode import limits
from qualcode.errors import ImportFileError
from qualcode.files.codebook import read_codebook
from qualcode.models import Base, Document
from qualcode.services.imports import import_files, read_metadata_sheet
from tests import factories
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

SECONDS = 15.0  # generous for a shared 2-core machine; each case takes about a second here
MEGABYTES = 300


def measured(call: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result or the exception raised, seconds, peak MB of Python allocations)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result: Any = call()
    except Exception as exc:  # noqa: BLE001 - the caller checks what was raised
        result = exc
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak / (1024 * 1024)


def assert_refused(result: Any, seconds: float, megabytes: float, key: str, filename: str, limit_words: str) -> None:
    assert isinstance(result, ImportFileError), f"not refused: {result!r}"
    assert result.key == key, result.message("en")
    assert filename in result.message("en") and filename in result.message("id")
    assert limit_words in result.message("en")
    assert seconds < SECONDS, f"{seconds:.1f} s"
    assert megabytes < MEGABYTES, f"{megabytes:.0f} MB"


def table_counts(session: Session) -> dict[str, int]:
    return {t.name: session.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables}


# ---------------------------------------------------------------- codebooks


def test_yaml_alias_bomb_is_refused():
    data = yaml_alias_bomb()
    assert len(data) == 916
    assert_refused(*measured(lambda: read_codebook("bom.yaml", data)), "limit.yaml_alias", "bom.yaml", "alias")


def test_yaml_nested_300_deep_is_refused_not_a_recursion_error():
    assert_refused(*measured(lambda: read_codebook("dalam.yaml", yaml_nested(300))), "limit.yaml_nesting",
                   "dalam.yaml", "YAML nesting")


def test_yaml_code_tree_deeper_than_the_path_limit_is_refused():
    depth = limits.MAX_CODE_DEPTH + 1
    assert 2 * depth + 2 < limits.MAX_YAML_NESTING  # the path limit, not the nesting one, is met first
    assert_refused(*measured(lambda: read_codebook("dalam.yaml", yaml_nested(depth))), "limit.code_depth",
                   "dalam.yaml", "depth of code paths")
    spec = read_codebook("pas.yaml", yaml_nested(limits.MAX_CODE_DEPTH))  # at the limit: imported
    assert len(list(spec.walk())) == limits.MAX_CODE_DEPTH


def test_yaml_with_too_many_codes_is_refused():
    codes = ",".join(f"{{id: k{i}, name: {{id: k{i}, en: k{i}}}}}" for i in range(limits.MAX_CODEBOOK_CODES + 1))
    data = f"format: qualcode-codebook/1\ncodebook: {{id: banyak, name: Banyak}}\ncodes: [{codes}]\n".encode()
    assert_refused(*measured(lambda: read_codebook("banyak.yaml", data)), "limit.codebook_codes", "banyak.yaml",
                   "codes per codebook")


def test_qdc_with_100000_codes_is_refused():
    data = qdc_codes(100_000)
    assert_refused(*measured(lambda: read_codebook("banyak.qdc", data)), "limit.codebook_codes", "banyak.qdc",
                   "codes per codebook")


def test_qdc_nested_deeper_than_the_path_limit_is_refused():
    assert_refused(*measured(lambda: read_codebook("dalam.qdc", qdc_nested(limits.MAX_CODE_DEPTH + 1))),
                   "limit.code_depth", "dalam.qdc", "depth of code paths")


def test_csv_code_paths_3000_deep_are_refused_not_a_recursion_error():
    assert_refused(*measured(lambda: read_codebook("dalam.csv", csv_deep_path(3000))), "limit.code_depth",
                   "dalam.csv", "depth of code paths")


def test_csv_codebook_with_a_million_rows_is_refused():
    data = ("path\n" + "".join(f"k{i}\n" for i in range(1_000_000))).encode()
    assert len(data) < limits.MAX_FILE_BYTES
    assert_refused(*measured(lambda: read_codebook("sejuta.csv", data)), "limit.sheet_rows", "sejuta.csv",
                   "rows per sheet")


# ---------------------------------------------------------------- project files (.qdpx)


def test_qdpx_holding_a_packed_zip_bomb_is_refused():
    from qualcode.exchange.qdpx_reader import read_qdpx

    data = qdpx_nested_bomb()
    assert len(data) < 100 * 1024
    assert_refused(*measured(lambda: read_qdpx(data, "lapis.qdpx")), "import.zip_bomb", "lapis.qdpx", "zip bomb")


def test_qdpx_of_one_long_repeated_line_is_read_within_seconds():
    """What qualcode writes it reads back: an 8 MB line packed 400:1 is within the entry limit."""
    from qualcode.exchange.qdpx_reader import read_qdpx

    data = qdpx_long_line()
    project, seconds, megabytes = measured(lambda: read_qdpx(data, "p2.qdpx"))
    assert not isinstance(project, Exception), project
    assert len(project.sources[0].text) > 8_000_000
    assert seconds < SECONDS and megabytes < MEGABYTES


# ---------------------------------------------------------------- sheets and imports


def test_million_row_csv_import_is_refused_and_nothing_is_stored(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    factories.document(session, project.id, actor)
    session.commit()
    before = table_counts(session)
    data = csv_rows(1_000_000)
    assert len(data) < limits.MAX_FILE_BYTES
    report, seconds, megabytes = measured(
        lambda: import_files(session, project.id, [("sejuta.csv", data)], actor_id=actor, commit_each_file=True))
    assert [o.status for o in report.outcomes] == ["refused"]
    assert_refused(report.outcomes[0].error, seconds, megabytes, "limit.sheet_rows", "sejuta.csv", "rows per sheet")
    session.commit()
    assert table_counts(session) == before


def test_million_row_metadata_sheet_is_refused():
    data = ("file,case\n" + "".join(f"w{i}.txt,Informan {i}\n" for i in range(1_000_000))).encode()
    assert_refused(*measured(lambda: read_metadata_sheet("meta.csv", data)), "limit.sheet_rows", "meta.csv",
                   "rows per sheet")


def test_sheet_at_the_row_limit_imports(monkeypatch):
    from qualcode.importers import extract

    monkeypatch.setattr(limits, "MAX_SHEET_ROWS", 50)
    assert len(extract("pas.csv", csv_rows(50))) == 50
    with pytest.raises(ImportFileError) as caught:
        extract("lebih.csv", csv_rows(51))
    assert caught.value.key == "limit.sheet_rows" and "50" in caught.value.message("en")


def test_documents_per_import_limit_refuses_the_files_past_it(session, monkeypatch):
    monkeypatch.setattr(limits, "MAX_IMPORT_DOCUMENTS", 3)
    project = factories.project(session)
    actor = factories.owner(session).id
    files = [("dua.csv", csv_rows(2)), ("tiga.txt", b"P: a\nI: b\n"), ("empat.txt", b"P: c\nI: d\n"),
             ("lima.csv", csv_rows(2))]
    report = import_files(session, project.id, files, actor_id=actor)
    session.commit()
    assert [o.status for o in report.outcomes] == ["imported", "imported", "refused", "refused"]
    for outcome in report.refused:
        assert outcome.error.key == "limit.import_documents"
        assert outcome.file in outcome.message("en") and "documents per import" in outcome.message("en")
    assert session.scalar(select(func.count()).select_from(Document)) == 3


def test_a_long_import_commits_per_file_so_others_can_write(engine):
    """While file 2 is being read, file 1's documents are committed and another writer is not blocked."""
    from qualcode.db import session_factory, unit_of_work
    from qualcode.services import projects as project_service

    with unit_of_work(engine) as setup:
        project_id = factories.project(setup).id
        actor = factories.owner(setup).id
    seen: list[tuple[int, float]] = []

    def progress(index: int, _total: int, name: str) -> None:
        if index == 1:
            started = time.perf_counter()
            with unit_of_work(engine) as other:  # another coder's action, in the middle of the import
                project_service.create_project(other, "Proyek lain", owner_id=actor)
                count = other.scalar(select(func.count()).select_from(Document).where(Document.project_id == project_id))
            seen.append((count or 0, time.perf_counter() - started))

    session = session_factory(engine)()
    try:
        report = import_files(session, project_id, [("satu.txt", b"P: a\nI: b\n"), ("dua.txt", b"P: c\nI: d\n"),
                                                     ("rusak.docx", b"bukan docx")],
                              actor_id=actor, progress=progress, commit_each_file=True)
        session.rollback()  # whatever the caller does afterwards, the committed files stay
    finally:
        session.close()
    assert [o.status for o in report.outcomes] == ["imported", "imported", "refused"]
    assert seen and seen[0][0] == 1 and seen[0][1] < 5
    with unit_of_work(engine) as check:
        assert check.scalar(select(func.count()).select_from(Document)) == 2
