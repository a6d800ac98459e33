"""The project's learned suggestion model, trained off the request path and kept in the database.

Nobody waits for training. A page that finds the stored model older than the project's coding
revision (or whose codebook texts, the model's priors, have been edited since) calls
:func:`request_training`, which starts a worker *process* owned by the app
(``python -m qualcode.services.suggestion_models``, at the lowest CPU priority: Linux's idle
class, else nice 19) and returns at once; the page keeps using the last ready model and says when
a newer one is ready.

The worker claims the revision by inserting a ``suggestion_models`` row (the unique
``(project_id, revision)`` means two app processes sharing one PostgreSQL never train the same
revision twice; one training per project runs at a time), trains without cross-validation,
stores the model (``LearnedModel.to_bytes``: arrays and JSON, no pickles) and marks it ready,
then computes the cross-validated quality table and stores it on the same row. When the
codings changed while it trained, it trains again.
Every app process finds the models in the database; each keeps a few loaded ones in memory.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qualcode import codebook_meta
from qualcode.db import bind_url, make_engine, read_session, unit_of_work
from qualcode.models import Code, Coding, Document, Segment, Turn, utcnow
from qualcode.nlp.suggest import CodeInfo, LearnedModel, codebook_fingerprint
from qualcode.nlp.tables import SuggestionModel

ROOT = Path(__file__).resolve().parents[2]  # where ``python -m qualcode...`` finds the package

ABANDONED = dt.timedelta(minutes=3)  # a 'training' row without a heartbeat this long: its worker died
HEARTBEAT = 30.0  # seconds between a training worker's "still here" (it moves created_at on)
KEEP_MODELS = 2  # ready models kept per project (the one in use and the newest)


def coding_revision(session: Session, project_id: int) -> str:
    """Changes whenever a coding of the project is added, removed or changed."""
    count, last_id, last_update = session.execute(
        select(func.count(Coding.id), func.max(Coding.id), func.max(Coding.updated_at))
        .join(Segment, Coding.segment_id == Segment.id).join(Document, Segment.document_id == Document.id)
        .where(Document.project_id == project_id)
    ).one()
    stamp = last_update.strftime("%Y%m%d%H%M%S%f") if last_update else "-"
    return f"{count}:{last_id or 0}:{stamp}"


def model_revision(session: Session, project_id: int) -> str:
    """What a trained model depends on: the coding revision and the codebook texts that become its
    priors (an edited definition, example or indicator calls for a new model, as a new coding does)."""
    priors, _ = code_infos(session, project_id)
    return f"{coding_revision(session, project_id)}:{codebook_fingerprint(priors)[:12]}"


def code_infos(session: Session, project_id: int) -> tuple[list[CodeInfo], dict[str, int]]:
    """The codes suggestions may propose (not those the codebook marks never suggested, e.g. the
    5C directions) with their codebook texts, and every code's id by key."""
    rows = list(session.scalars(select(Code).where(Code.project_id == project_id).order_by(Code.path)))
    skip = codebook_meta.never_suggested(session, project_id)
    infos = [CodeInfo(c.key, c.path, c.name_id, c.name_en, c.definition, c.inclusion, tuple(c.examples),
                      tuple(c.indicators)) for c in rows if c.key not in skip]
    return infos, {c.key: c.id for c in rows}


def training_data(session: Session, project_id: int, limit_negatives: int = 400) -> tuple[list[str], list[set[str]]]:
    """Coded segments with their code keys, plus uncoded informant turns as negatives."""
    rows = session.execute(
        select(Segment.id, Segment.snippet, Code.key)
        .join(Coding, Coding.segment_id == Segment.id).join(Code, Coding.code_id == Code.id)
        .join(Document, Segment.document_id == Document.id)
        .where(Document.project_id == project_id)
    )
    by_segment: dict[int, tuple[str, set[str]]] = {}
    for seg_id, snippet, key in rows:
        by_segment.setdefault(seg_id, (snippet, set()))[1].add(key)
    texts = [t for t, _ in by_segment.values()]
    labels = [k for _, k in by_segment.values()]
    turns: Any = session.execute(
        select(Document.text, Turn.text_start, Turn.end)
        .join(Document, Turn.document_id == Document.id)
        .where(Document.project_id == project_id, Turn.is_interviewer.is_(False))
        .limit(limit_negatives)
    ) if by_segment else []
    coded = set(texts)
    for text, start, end in turns:
        piece = text[start:end]
        if piece not in coded:
            texts.append(piece)
            labels.append(set())
    return texts, labels


@dataclass(frozen=True)
class ModelStatus:
    revision: str  # the project's model revision now (codings and codebook texts)
    ready_id: int | None  # the newest ready model
    ready_revision: str | None
    ready_at: dt.datetime | None
    examples: int
    training: bool  # a worker is training (it trains the current revision next)

    @property
    def current(self) -> bool:
        return self.ready_revision == self.revision

    @property
    def needs_training(self) -> bool:
        return not self.current and not self.training


def model_status(session: Session, project_id: int) -> ModelStatus:
    revision = model_revision(session, project_id)
    ready = session.execute(
        select(SuggestionModel.id, SuggestionModel.revision, SuggestionModel.trained_at, SuggestionModel.examples)
        .where(SuggestionModel.project_id == project_id, SuggestionModel.status == "ready")
        .order_by(SuggestionModel.id.desc()).limit(1)
    ).first()
    training = session.scalar(  # a worker at any revision trains the newest one next
        select(func.max(SuggestionModel.created_at)).where(SuggestionModel.project_id == project_id,
                                                           SuggestionModel.status == "training"))
    fresh = training is not None and _aware(training) > utcnow() - ABANDONED
    if ready is None:
        return ModelStatus(revision, None, None, None, 0, fresh)
    return ModelStatus(revision, ready[0], ready[1], ready[2], ready[3], fresh)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


_LOADED: OrderedDict[tuple[str, int], LearnedModel] = OrderedDict()
_LOADED_LOCK = threading.Lock()


def load_model(session: Session, model_id: int) -> LearnedModel | None:
    """A stored ready model, read once per process (a few are kept in memory)."""
    slot = (bind_url(session), model_id)  # one process may serve several databases
    with _LOADED_LOCK:
        if slot in _LOADED:
            _LOADED.move_to_end(slot)
            return _LOADED[slot]
    row = session.execute(select(SuggestionModel.payload, SuggestionModel.meta)
                          .where(SuggestionModel.id == model_id, SuggestionModel.status == "ready")).first()
    if row is None or row[0] is None:
        return None
    model = LearnedModel.from_bytes(row[0], row[1])
    with _LOADED_LOCK:
        _LOADED[slot] = model
        while len(_LOADED) > 4:
            _LOADED.popitem(last=False)
    return model


def model_quality_rows(session: Session, model_id: int | None) -> list[list[object]] | None:
    """The stored quality table of a model: [code, examples, in use, precision, recall] rows, or
    None while the worker is still cross-validating it."""
    if model_id is None:
        return []
    return session.scalar(select(SuggestionModel.quality).where(SuggestionModel.id == model_id))


def _quality_rows(model: LearnedModel) -> list[list[object]]:
    return [[q.code_id, q.examples, q.code_id in model.keys, q.precision, q.recall] for q in model.quality.values()]


def _claim(session: Session, project_id: int, revision: str) -> tuple[bool, SuggestionModel | None]:
    """(whether ``revision`` is taken, its row if it has one). Taken: it already has a model
    (ready, or being trained by a live worker), or a live worker trains another revision of the
    project (it trains the newest one next). An untaken row is a claim whose worker died."""
    existing = session.scalar(select(SuggestionModel).where(SuggestionModel.project_id == project_id,
                                                            SuggestionModel.revision == revision))
    if existing is not None and (existing.status != "training" or _aware(existing.created_at) > utcnow() - ABANDONED):
        return True, existing
    busy = session.scalar(select(func.count(SuggestionModel.id)).where(
        SuggestionModel.project_id == project_id, SuggestionModel.status == "training",
        SuggestionModel.revision != revision, SuggestionModel.created_at > utcnow() - ABANDONED))
    return bool(busy), existing


def train_revision(engine: Engine, project_id: int, *, cross_validate: bool = True) -> int | None:
    """Train and store the model for the project's current model revision. Returns the new
    model's id, or None when that revision already has a model or another worker is at it.

    The training data are read in a read transaction, and the claim is a short write of its own:
    on SQLite a write holds the database's one write lock, and a researcher's accept must not wait
    while ten thousand codings are read. The claim names the revision the data were read at; if
    the codings moved on meanwhile, the next round trains the newer one."""
    with read_session(engine) as session:
        revision = model_revision(session, project_id)
        if _claim(session, project_id, revision)[0]:
            return None
        texts, labels = training_data(session, project_id)
        priors, _ = code_infos(session, project_id)
    try:
        with unit_of_work(engine) as session:
            taken, existing = _claim(session, project_id, revision)
            if taken:
                return None  # another process claimed it (or finished it) while the data were read
            row = existing or SuggestionModel(project_id=project_id, revision=revision)
            row.status, row.created_at, row.examples = "training", utcnow(), sum(1 for lab in labels if lab)
            if existing is None:
                session.add(row)
            # else: its worker died; take the revision over
            session.flush()
            model_id = row.id
    except IntegrityError:
        return None  # another process claimed the revision first
    done = threading.Event()
    threading.Thread(target=_heartbeat, args=(engine, model_id, done), daemon=True).start()
    try:
        model = (LearnedModel().fit(texts, labels, cross_validate=False, priors=priors) if any(labels)
                 else LearnedModel())
        payload, meta = model.to_bytes()
    except Exception as exc:  # a failed training must not leave the revision claimed forever
        with unit_of_work(engine) as session:
            failed = session.get(SuggestionModel, model_id)
            if failed is not None:
                failed.status, failed.error = "failed", repr(exc)[:2000]
        raise
    finally:
        done.set()
    with unit_of_work(engine) as session:
        ready = session.get(SuggestionModel, model_id)
        if ready is None:
            return None
        ready.payload, ready.meta, ready.status, ready.trained_at = payload, meta, "ready", utcnow()
    if cross_validate:
        model.cross_validate()
    with unit_of_work(engine) as session:
        ready = session.get(SuggestionModel, model_id)
        if ready is not None:
            ready.quality = _quality_rows(model)
        _prune(session, project_id)
    return model_id


def _heartbeat(engine: Engine, model_id: int, done: threading.Event) -> None:
    """While a model trains, say so every ``HEARTBEAT`` seconds, so a claim whose worker died
    (a server restart) is taken over after ``ABANDONED`` rather than blocking the project."""
    while not done.wait(HEARTBEAT):
        try:
            with unit_of_work(engine) as session:
                session.execute(update(SuggestionModel).where(SuggestionModel.id == model_id,
                                                              SuggestionModel.status == "training")
                                .values(created_at=utcnow()))
        except Exception:  # noqa: BLE001  (a missed beat is harmless; the next one may pass)
            continue


def _prune(session: Session, project_id: int) -> None:
    keep = list(session.scalars(select(SuggestionModel.id).where(SuggestionModel.project_id == project_id,
                                                                 SuggestionModel.status == "ready")
                                .order_by(SuggestionModel.id.desc()).limit(KEEP_MODELS)))
    if keep:
        session.execute(delete(SuggestionModel).where(SuggestionModel.project_id == project_id,
                                                      SuggestionModel.status != "training",
                                                      SuggestionModel.id < min(keep)))


def learned_model(session: Session, project_id: int) -> LearnedModel:
    """The model for the codings as they are now: the stored one when it is current, else trained
    here, in the caller's transaction, with its quality, and stored (the CLI and tests; the app
    uses :func:`request_training` and never trains inside a request)."""
    status = model_status(session, project_id)
    if status.current and status.ready_id is not None:
        loaded = load_model(session, status.ready_id)
        if loaded is not None:
            return loaded
    texts, labels = training_data(session, project_id)
    priors, _ = code_infos(session, project_id)
    model = LearnedModel().fit(texts, labels, priors=priors) if any(labels) else LearnedModel()
    payload, meta = model.to_bytes()
    row = SuggestionModel(project_id=project_id, revision=status.revision, status="ready",
                          examples=sum(1 for lab in labels if lab), payload=payload, meta=meta,
                          quality=_quality_rows(model), trained_at=utcnow())
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return model  # a worker holds this revision; its model will be stored by it
    with _LOADED_LOCK:
        _LOADED[(bind_url(session), row.id)] = model
    return model


def train_until_current(engine: Engine, project_id: int, *, parent: int | None = None) -> int:
    """Train until the stored model matches the codings (they may change while it trains); a
    worker stops early when the app process that started it (``parent``) has gone."""
    trained = 0
    while (parent is None or os.getppid() == parent) and train_revision(engine, project_id) is not None:
        trained += 1
    return trained


_WORKERS: dict[tuple[str, int], subprocess.Popen[bytes]] = {}
_WORKERS_LOCK = threading.Lock()


def request_training(engine: Engine, project_id: int) -> bool:
    """Start a worker process that trains the project's model unless one from this app process
    is still at work; returns at once (True when a worker was started)."""
    url = engine.url.render_as_string(hide_password=False)
    with _WORKERS_LOCK:
        running = _WORKERS.get((url, project_id))
        if running is not None and running.poll() is None:
            return False
        env = {**os.environ, "QUALCODE_WORKER_DATABASE_URL": url, "QUALCODE_WORKER_PARENT": str(os.getpid())}
        _WORKERS[(url, project_id)] = subprocess.Popen(
            [sys.executable, "-m", "qualcode.services.suggestion_models", str(project_id)],
            env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    return True


def wait_for_workers(timeout: float = 600) -> None:
    """Wait for the worker processes this app process started (tests and benchmarks)."""
    with _WORKERS_LOCK:
        workers = list(_WORKERS.values())
    for worker in workers:
        worker.wait(timeout)


def _exit_with(parent: int) -> None:
    """A worker whose app process has gone stops at once, even in the middle of a training
    (its claim is taken over later: nothing half-stored is ever marked ready)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _lowest_priority() -> None:
    """The app's requests (and, on a small server, everything else) come first: on Linux the
    worker runs in the idle scheduling class (CPU time only when no other process wants it),
    elsewhere at nice 19."""
    idle = getattr(os, "SCHED_IDLE", None)
    if idle is not None:
        try:
            os.sched_setscheduler(0, idle, os.sched_param(0))
            return
        except OSError:
            pass
    if hasattr(os, "nice"):
        os.nice(19)


def main(argv: list[str]) -> int:
    _lowest_priority()
    engine = make_engine(os.environ["QUALCODE_WORKER_DATABASE_URL"])
    try:
        parent = int(os.environ.get("QUALCODE_WORKER_PARENT") or 0) or None
        if parent is not None:
            threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
        train_until_current(engine, int(argv[0]), parent=parent)
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
