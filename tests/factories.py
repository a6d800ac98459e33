"""Tiny builders for test data, through the real services."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.codebooks import parse_codebook
from qualcode.models import AuditEvent, Code, Document, Project, User
from qualcode.services import codebooks as codebook_service
from qualcode.services import documents as document_service
from qualcode.services import projects as project_service

SMALL_CODEBOOK = """
format: qualcode-codebook/1
codebook:
  id: tiny
  name: Tiny codebook
  version: "1"
  language: id
codes:
  - id: trust_building
    name: {id: Membangun kepercayaan, en: Trust-building}
    colour: "#4E79A7"
    definition: Upaya membangun rasa saling percaya.
    indicators: [percaya, kepercayaan]
  - id: collaborative_process
    name: {id: Proses kolaborasi, en: Collaborative process}
    colour: "#F28E2B"
    children:
      - id: face_to_face_dialogue
        name: {id: Dialog tatap muka, en: Face-to-face dialogue}
        colour: "#E15759"
"""

INTERVIEW = (
    "P: Bagaimana koordinasi antar OPD?\n"
    "I: Kami saling percaya, café di depan kantor jadi tempat rapat 👍. Kepercayaan itu penting.\n"
    "P: Ada hambatan?\n"
    "I: Anggaran APBD terbatas.\n"
)


def owner(session: Session, login: str = "peneliti") -> User:
    return project_service.ensure_user(session, login, login.title())


def project(session: Session, name: str = "Studi A", login: str = "peneliti") -> Project:
    return project_service.create_project(session, name, owner_id=owner(session, login).id)


def codebook(session: Session, project_id: int, actor_id: int, text: str = SMALL_CODEBOOK) -> dict[str, Code]:
    book = codebook_service.apply_codebook(session, project_id, parse_codebook(text, "tiny.yaml"), actor_id=actor_id)
    session.flush()
    return {c.key: c for c in book.codes}


def document(session: Session, project_id: int, actor_id: int, text: str = INTERVIEW, title: str = "W01") -> Document:
    return document_service.add_document(session, project_id, title=title, text=text, actor_id=actor_id)


def events(session: Session, action: str) -> list[AuditEvent]:
    """The audit events of one action, oldest first."""
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))
