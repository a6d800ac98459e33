"""The Export page's view (what can be filtered and chosen) and the files it prepares on demand.

Each prepared file carries the project's revision it was read at (its newest audit event: every
write records one); the page offers it only while the view's revision is the same.

The files are read-side work: each checks that the reader may read the project, reads, and
returns bytes; only the .qdpx import writes (``qualcode.services.exchange.import_project``)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from qualcode.exports import SegmentFilters, coded_segments, to_csv, to_xlsx
from qualcode.read import tables as queries
from qualcode.read.views import common
from qualcode.read.views.coding import project_revision
from qualcode.report import MatrixChoice, build_report, default_matrices, render_docx, render_html
from qualcode.services import projects as project_service
from qualcode.services.auth import require
from qualcode.services.exchange import export_codebook, export_project

__all__ = ["ExportView", "MatrixChoice", "PreparedProject", "PreparedReport", "PreparedSegments", "SegmentFilters",
           "codebook_file", "export_view", "project_file", "report_files", "segment_files"]


@dataclass(frozen=True)
class ExportView:
    project_name: str
    slug: str  # the project name as a file name
    groups: list[str]
    books: list[common.BookInfo]
    codes: pd.DataFrame  # queries.code_table: id, key, path, name_id, name_en, colour, codebook, codings
    coders: list[common.Member]
    default_matrices: list[MatrixChoice]
    revision: int = 0  # the project's newest audit event: a file prepared at another revision is out of date
    kinds: tuple[str, ...] = common.DOCUMENT_KINDS

    def code_names(self, lang: str) -> dict[int, str]:
        return {int(r.id): f"{r.name_id if lang == 'id' else (r.name_en or r.name_id)} ({r.key})"
                for r in self.codes.itertuples()}


@dataclass(frozen=True)
class PreparedSegments:
    rows: int
    csv: bytes
    xlsx: bytes
    revision: int = 0  # the project's revision the files were read at (``ExportView.revision``)


@dataclass(frozen=True)
class PreparedProject:
    profile: str  # the export profile it was written for (qualcode.exchange.positions.PROFILES)
    filename: str  # ``<project>_<profile>.qdpx``: the four profiles never download under one name
    data: bytes
    revision: int = 0  # the project's revision the file was read at (``ExportView.revision``)


@dataclass(frozen=True)
class PreparedReport:
    html: str
    docx: bytes
    charts: list[tuple[str, str, bytes]]  # every chart of the report: title, file name, PNG
    revision: int = 0  # the project's revision the report was read at (``ExportView.revision``)


def _slug(session: Session, project_id: int) -> str:
    """The project's name as a file name."""
    name = project_service.get_project(session, project_id).name
    return "".join(c if c.isalnum() else "_" for c in name).strip("_") or "project"


def export_view(session: Session, project_id: int) -> ExportView:
    project = project_service.get_project(session, project_id)
    slug = _slug(session, project_id)
    return ExportView(project.name, slug, list(project.groups), common.codebooks(session, project_id),
                      queries.code_table(session, project_id), common.members(session, project_id),
                      default_matrices(session, project_id), project_revision(session, project_id))


def segment_files(session: Session, project_id: int, actor_id: int, filters: SegmentFilters, *,
                  by: str) -> PreparedSegments:
    """The coded segments under ``filters`` as CSV and as XLSX (one sheet per code or dimension)."""
    require(session, project_id, actor_id, "project.read")
    revision = project_revision(session, project_id)
    table = coded_segments(session, project_id, filters)
    return PreparedSegments(len(table), to_csv(table), to_xlsx(table, by=by), revision)


def project_file(session: Session, project_id: int, actor_id: int, profile: str = "standard") -> PreparedProject:
    """The project as a ``.qdpx`` written for ``profile``, named after the project and the profile."""
    revision = project_revision(session, project_id)
    data = export_project(session, project_id, actor_id=actor_id, profile=profile)
    return PreparedProject(profile, f"{_slug(session, project_id)}_{profile}.qdpx", data, revision)


def codebook_file(session: Session, codebook_id: int, actor_id: int) -> bytes:
    return export_codebook(session, codebook_id, actor_id=actor_id)


def report_files(session: Session, project_id: int, actor_id: int, lang: str,
                 matrices: list[MatrixChoice]) -> PreparedReport:
    """The study report as HTML and DOCX, and each of its charts as a PNG of its own."""
    revision = project_revision(session, project_id)
    report = build_report(session, project_id, actor_id=actor_id, lang=lang, matrices=matrices)
    slug = _slug(session, project_id)
    charts = [(chart.title, f"{slug}_{chart.name}.png", chart.png) for chart in report.charts]
    return PreparedReport(render_html(report), render_docx(report), charts, revision)
