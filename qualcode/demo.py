"""The demo project: the shipped codebooks and the synthetic study in ``corpora/``."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.codebooks import load_codebook_file
from qualcode.config import CODEBOOKS_DIR, CORPORA_DIR
from qualcode.models import Project
from qualcode.services import codebooks as codebook_service
from qualcode.services import projects as project_service
from qualcode.services.imports import import_files, read_metadata_sheet

DEMO_PROJECT = "Demo: SIGAP 112 (sintetis)"
DEMO_OWNER = ("peneliti", "Peneliti Utama")


@dataclass
class DemoReport:
    project_id: int
    created: bool
    codebooks: list[str] = field(default_factory=list)
    documents_added: list[str] = field(default_factory=list)
    documents_present: int = 0


def demo_files(corpora: Path = CORPORA_DIR) -> list[Path]:
    """The corpus files: those the metadata sheet lists, else every ``.txt`` below ``corpora``."""
    sheet = corpora / "metadata.csv"
    if sheet.exists():
        with open(sheet, encoding="utf-8", newline="") as fh:
            return [corpora / row["file"] for row in csv.DictReader(fh)]
    return sorted(corpora.rglob("*.txt"))


def load_demo(session: Session, codebooks: Path = CODEBOOKS_DIR, corpora: Path = CORPORA_DIR) -> DemoReport:
    """Create the demo project, or refresh it: codebooks re-applied, missing documents added,
    through the same import path a researcher uses (metadata sheet, turns, cases)."""
    owner = project_service.ensure_user(session, *DEMO_OWNER)
    project = session.scalar(select(Project).where(Project.name == DEMO_PROJECT))
    created = project is None
    if project is None:
        project = project_service.create_project(
            session,
            DEMO_PROJECT,
            owner_id=owner.id,
            description="Synthetic demo study / studi demo sintetis: SIGAP 112, Kabupaten Sukamakmur.",
        )
    report = DemoReport(project_id=project.id, created=created)
    for path in sorted(codebooks.glob("*.yaml")):
        spec = load_codebook_file(path)
        codebook_service.apply_codebook(session, project.id, spec, actor_id=owner.id)
        report.codebooks.append(spec.codebook.id)
    sheet = corpora / "metadata.csv"
    metadata = read_metadata_sheet(sheet.name, sheet.read_bytes()) if sheet.exists() else {}
    files = [(path.name, path.read_bytes()) for path in demo_files(corpora)]
    outcome = import_files(session, project.id, files, actor_id=owner.id, metadata=metadata)
    if outcome.refused:
        error = outcome.refused[0].error
        assert error is not None  # a refused file always carries its error
        raise error  # the shipped corpus must import cleanly
    report.documents_added = [o.file for o in outcome.imported]
    report.documents_present = len(outcome.duplicates)
    if (corpora / "demo_codings.csv").exists():  # a second coder, so agreement has something to show
        from qualcode.analysis.demo_codings import apply_demo_codings

        apply_demo_codings(session, project.id, owner.id, corpora / "demo_codings.csv")
    return report
