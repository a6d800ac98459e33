"""The demo project: the shipped codebooks and the synthetic study in ``corpora/``."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.codebooks import load_codebook_file
from qualcode.config import CODEBOOKS_DIR, CORPORA_DIR
from qualcode.errors import ConflictError
from qualcode.models import Project
from qualcode.services import codebooks as codebook_service
from qualcode.services import documents as document_service
from qualcode.services import projects as project_service

DEMO_PROJECT = "Demo: SIGAP 112 (sintetis)"
DEMO_OWNER = ("peneliti", "Peneliti Utama")


@dataclass
class DemoReport:
    project_id: int
    created: bool
    codebooks: list[str] = field(default_factory=list)
    documents_added: list[str] = field(default_factory=list)
    documents_present: int = 0


def demo_files(corpora: Path = CORPORA_DIR) -> list[tuple[Path, dict[str, str]]]:
    """The corpus files with their metadata rows (from ``metadata.csv`` when present)."""
    sheet = corpora / "metadata.csv"
    if sheet.exists():
        with open(sheet, encoding="utf-8", newline="") as fh:
            return [(corpora / row["file"], row) for row in csv.DictReader(fh)]
    return [(p, {"kind": "interview"}) for p in sorted(corpora.rglob("*.txt"))]


def load_demo(session: Session, codebooks: Path = CODEBOOKS_DIR, corpora: Path = CORPORA_DIR) -> DemoReport:
    """Create the demo project, or refresh it: codebooks re-applied, missing documents added."""
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
    for path, meta in demo_files(corpora):
        text = path.read_text(encoding="utf-8")
        try:
            document_service.add_document(
                session,
                project.id,
                title=meta.get("title") or path.stem,
                text=text,
                kind=meta.get("kind") or "interview",
                original_filename=path.name,
                actor_id=owner.id,
            )
            report.documents_added.append(path.name)
        except ConflictError:
            report.documents_present += 1
    return report
