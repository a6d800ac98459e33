"""The command line: ``python -m qualcode <command>``. Each command is a small function
registered in ``COMMANDS``; later capabilities add their own."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Engine, func, select

from qualcode import __version__
from qualcode.config import get_settings
from qualcode.db import DATABASE_ERRORS, StorageError, make_engine, storage_error, unit_of_work
from qualcode.errors import QualcodeError
from qualcode.migrate import current_revision, head_revision, upgrade
from qualcode.read import entities as read_entities

if TYPE_CHECKING:
    from qualcode.services.imports import ImportReport

Handler = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Handler]] = {}


def command(name: str, help_text: str,
            configure: Callable[[argparse.ArgumentParser], None] | None = None) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        COMMANDS[name] = (help_text, configure or (lambda _p: None), handler)
        return handler

    return register


def acting_user(session, project_id: int, login: str | None):  # type: ignore[no-untyped-def]
    """The user a command acts as: ``--coder LOGIN`` if given, else the project's owner."""
    from qualcode.services import projects as project_service

    actor = project_service.get_user_by_login(session, login) if login else read_entities.project_owner(session, project_id)
    if actor is None:
        raise QualcodeError("error.user_not_found", user_id=login or "owner")
    return actor


def read_input(path) -> bytes:  # type: ignore[no-untyped-def]
    """The bytes of an input file; a missing, unreadable or oversized file is an ImportFileError
    naming it (checked before reading, so a huge file is never loaded)."""
    from pathlib import Path

    from qualcode import limits
    from qualcode.errors import ImportFileError
    from qualcode.importers import megabytes

    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limits.MAX_FILE_BYTES:
            raise ImportFileError("import.too_big", file=path.name, size_mb=megabytes(size),
                                  limit_mb=megabytes(limits.MAX_FILE_BYTES))
        return path.read_bytes()
    except OSError as exc:
        raise ImportFileError("error.file_unreadable", file=path.name, problem=exc.strerror or str(exc)) from exc


def write_output(path, data: bytes) -> None:  # type: ignore[no-untyped-def]
    """Write ``data`` to ``path`` whole: through a temporary file beside it, renamed at the end,
    so a failure (full disk, no permission) leaves no partial file and says so, naming it."""
    import os
    from pathlib import Path

    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise QualcodeError("files.cannot_write", file=str(path), problem=exc.strerror or str(exc)) from exc


@contextmanager
def importing(names: list[str]) -> Iterator[None]:
    """An import's database work: a lock or a full disk met before a file's own write (opening
    the database, finding the project, a one-transaction import) is said naming the files."""
    from qualcode.services.imports import refused_during_import

    try:
        yield
    except (StorageError, *DATABASE_ERRORS) as exc:
        error = exc if isinstance(exc, StorageError) else storage_error(exc)
        if isinstance(error, StorageError) and error.context is None:
            error = refused_during_import(error, ", ".join(names[:3]) + (f" (+{len(names) - 3})" if len(names) > 3 else ""))
        if error is exc:
            raise
        raise error from exc


def open_database() -> Engine:
    """Migrate to head (backing up the SQLite file first) and return an engine."""
    settings = get_settings()
    backup = upgrade(settings.database_url)
    if backup is not None:
        print(f"Backed up the database to {backup} before migrating.", file=sys.stderr)
    return make_engine(settings.database_url)


def _configure_migrate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--downgrade", metavar="REVISION", help="go back to REVISION (e.g. 0005, or -1); backs up first")


@command("migrate", "upgrade the database to the newest schema (backs up SQLite first)", _configure_migrate)
def cmd_migrate(args: argparse.Namespace) -> int:
    if args.downgrade:
        from qualcode.migrate import downgrade

        backup = downgrade(get_settings().database_url, args.downgrade)
        if backup is not None:
            print(f"Backed up the database to {backup} before migrating.", file=sys.stderr)
        engine = make_engine(get_settings().database_url)
        print(f"Database at revision {current_revision(engine)} (head {head_revision()}).")
        return 0
    engine = open_database()
    print(f"Database at revision {current_revision(engine)} (head {head_revision()}).")
    return 0


@command("demo", "create or refresh the demo project from codebooks/ and corpora/")
def cmd_demo(_args: argparse.Namespace) -> int:
    from qualcode.demo import load_demo

    engine = open_database()
    with unit_of_work(engine) as session:
        report = load_demo(session)
    state = "created" if report.created else "refreshed"
    print(
        f"Demo project {state}: {len(report.codebooks)} codebooks ({', '.join(report.codebooks)}), "
        f"{len(report.documents_added)} documents added, {report.documents_present} already present."
    )
    return 0


def _configure_demo_if_empty(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--if-empty", action="store_true", help="only when the database has no project")


def _say(text: str) -> None:
    """One step of the set-up, shown at once (make run's output is often piped)."""
    print(f"==> {text}", flush=True)


@command("setup", "migrate, and load the demo project when the database has no project", _configure_demo_if_empty)
def cmd_setup(args: argparse.Namespace) -> int:
    import time

    from sqlalchemy.engine import make_url

    from qualcode.demo import demo_files, load_demo
    from qualcode.models import Project

    settings = get_settings()
    _say(f"Database: {make_url(settings.database_url).render_as_string(hide_password=True)}")
    _say(f"Migrating the database to the newest schema ({head_revision()})…")
    started = time.monotonic()
    engine = open_database()
    _say(f"Database at revision {current_revision(engine)} ({time.monotonic() - started:.1f} s).")
    with unit_of_work(engine) as session:
        count = session.scalar(select(func.count()).select_from(Project)) or 0
        if count and args.if_empty:
            _say(f"Database ready: {count} project(s); the demo study is not loaded again.")
            return 0
        _say(f"Loading the demo study: the shipped codebooks and {len(demo_files())} documents…")
        started = time.monotonic()
        report = load_demo(session)
    _say(f"Database ready; demo project loaded ({len(report.documents_added)} documents added, "
         f"{len(report.codebooks)} codebooks, {time.monotonic() - started:.1f} s).")
    return 0


@command("info", "show the database, its schema revision and what it holds")
def cmd_info(_args: argparse.Namespace) -> int:
    from qualcode.models import Code, Coding, Document, Project, User

    settings = get_settings()
    engine = open_database()
    print(f"qualcode {__version__}")
    print(f"database: {engine.url.render_as_string(hide_password=True)}")
    print(f"schema revision: {current_revision(engine)} (head {head_revision()})")
    with unit_of_work(engine) as session:
        for label, model in (("projects", Project), ("users", User), ("documents", Document),
                             ("codes", Code), ("codings", Coding)):
            print(f"{label}: {session.scalar(select(func.count()).select_from(model))}")
        for project in session.scalars(select(Project).order_by(Project.name)):
            print(f"  - {project.name}")
    print(f"data folder: {settings.data_dir}")
    return 0


def _configure_import(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help=".txt .docx .odt .rtf .pdf .csv .xlsx")
    parser.add_argument("--project", help="project name (created if missing; required for transcripts); "
                        "'import qdpx FILE [--project NAME]' imports a REFI-QDA project as a new project")
    parser.add_argument("--kind", choices=("interview", "observation", "document"), default="interview")
    parser.add_argument("--metadata", metavar="SHEET.csv", help="metadata sheet: file,title,kind,case,...")
    parser.add_argument("--pseudonyms", metavar="MAP.txt", help="lines 'Real Name = Pseudonym' to replace first")
    parser.add_argument("--coder", metavar="LOGIN", help="who imports (default: the project's owner)")
    parser.add_argument("--language", default="id", help="language of the texts (default id)")


@command("import", "import transcripts and documents into a project", _configure_import)
def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from qualcode.pseudonyms import parse_mapping
    from qualcode.services.imports import read_metadata_sheet

    if args.files[0] == "qdpx":
        return import_qdpx(args)
    if not args.project:
        print("error: --project NAME is required to import transcripts", file=sys.stderr)
        return 2
    files: list[tuple[str, bytes]] = []
    unreadable: list[str] = []
    for name in args.files:
        try:
            files.append((Path(name).name, read_input(name)))  # an oversized file is refused unread
        except QualcodeError as exc:
            unreadable.append(exc.message("en"))
    metadata = {}
    if args.metadata:
        sheet = Path(args.metadata)
        metadata = read_metadata_sheet(sheet.name, read_input(sheet))
    mapping = None
    if args.pseudonyms:
        from qualcode.files.decode import decode_text

        mapping = parse_mapping(decode_text(Path(args.pseudonyms).name, read_input(args.pseudonyms)))
    with importing([name for name, _ in files]):
        report = _import_into_project(open_database(), args, files, metadata, mapping)
    for outcome in report.outcomes:
        if outcome.status == "imported":
            print(f"imported: {outcome.file} ({len(outcome.document_ids)} document(s))")
        elif outcome.status == "duplicate":
            print(f"duplicate, not imported again: {outcome.message('en')}")
    for line in unreadable:
        print(f"refused: {line}", file=sys.stderr)
    for outcome in report.refused:
        print(f"refused: {outcome.message('en')}", file=sys.stderr)
    refused = len(report.refused) + len(unreadable)
    print(f"{len(report.imported)} imported, {len(report.duplicates)} duplicates, {refused} refused "
          f"into project {args.project!r}.")
    return 1 if refused else 0


def _import_into_project(engine: Engine, args: argparse.Namespace, files: list[tuple[str, bytes]],
                         metadata: dict[str, dict[str, str]], mapping: dict[str, str] | None) -> ImportReport:
    """``import``'s work on the database: the project (created if missing), then the files, each
    committed as soon as it is stored."""
    from qualcode.services import projects as project_service
    from qualcode.services.imports import import_files

    with unit_of_work(engine) as session:
        try:
            project = project_service.find_project(session, args.project)
            owner = read_entities.project_owner(session, project.id)
        except QualcodeError:
            owner = project_service.ensure_user(session, args.coder or "peneliti")
            project = project_service.create_project(session, args.project, owner_id=owner.id)
        actor = project_service.get_user_by_login(session, args.coder) if args.coder else owner
        if actor is None:
            raise QualcodeError("error.user_not_found", user_id=args.coder)
        total = len(files)

        def progress(done: int, _total: int, name: str) -> None:
            if name:
                print(f"[{done + 1}/{total}] {name}", file=sys.stderr)

        return import_files(session, project.id, files, actor_id=actor.id, kind=args.kind, language=args.language,
                            metadata=metadata, pseudonyms=mapping, progress=progress, commit_each_file=True)


def import_qdpx(args: argparse.Namespace) -> int:
    """``import qdpx FILE [--project NAME]``: a REFI-QDA project into a new project, in one transaction."""
    from qualcode.services import projects as project_service
    from qualcode.services.exchange import import_project, read_file, report_lines

    if len(args.files) != 2:
        print("error: usage: python -m qualcode import qdpx FILE.qdpx [--project NAME]", file=sys.stderr)
        return 2
    name, data = read_file(args.files[1])
    with importing([name]), unit_of_work(open_database()) as session:
        actor = project_service.ensure_user(session, args.coder or "peneliti")
        result = import_project(session, data, name, actor_id=actor.id, name=args.project)
    for level, line in report_lines(result, "en"):
        print(f"warning: {line}" if level == "warning" else line)
    return 0


def _configure_export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", choices=("qdpx", "segments"), help="qdpx: the project (REFI-QDA); segments: coded segments")
    parser.add_argument("--project", required=True, help="project name")
    parser.add_argument("--out", required=True, metavar="FILE", help=".qdpx, or .csv / .xlsx for segments")
    parser.add_argument("--coder", metavar="LOGIN", help="who exports (default: the project's owner)")
    parser.add_argument("--profile", choices=("standard", "nvivo", "atlasti", "maxqda"), default="standard",
                        help="qdpx: write line breaks and positions as that tool does (docs/refi-qda.md)")


@command("export", "export a project as .qdpx, or its coded segments as .csv / .xlsx", _configure_export)
def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from qualcode.exports import coded_segments, to_csv, to_xlsx
    from qualcode.services import projects as project_service
    from qualcode.services.auth import require
    from qualcode.services.exchange import export_project

    out = Path(args.out)
    with unit_of_work(open_database()) as session:
        project = project_service.find_project(session, args.project)
        actor = acting_user(session, project.id, args.coder)
        if args.what == "qdpx":
            data = export_project(session, project.id, actor_id=actor.id, profile=args.profile)
        else:
            require(session, project.id, actor.id, "project.read")
            table = coded_segments(session, project.id)
            data = to_xlsx(table) if out.suffix.lower() == ".xlsx" else to_csv(table)
    write_output(out, data)
    print(f"wrote {out} ({len(data)} bytes)")
    return 0


def _configure_codebook(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("import", "export"), help="import a codebook file into a project, "
                        "or export one of the project's codebooks")
    parser.add_argument("file", metavar="FILE", help="import: a .yaml/.yml, .csv or .qdc file; export: the file to write")
    parser.add_argument("--project", required=True, help="project name (import: created if missing)")
    parser.add_argument("--codebook", metavar="ID", help="import (.csv, .qdc): the codebook id (default: from the "
                        "file name); export: which codebook (needed when the project has several)")
    parser.add_argument("--name", help="import (.csv, .qdc): the codebook's name (default: the file name)")
    parser.add_argument("--format", choices=("yaml", "csv", "qdc"), help="export: the format (default: by FILE's extension)")
    parser.add_argument("--coder", metavar="LOGIN", help="who imports or exports (default: the project's owner)")


@command("codebook", "import a codebook (YAML, CSV, REFI-QDA .qdc) into a project, or export one", _configure_codebook)
def cmd_codebook(args: argparse.Namespace) -> int:
    return codebook_import(args) if args.action == "import" else codebook_export(args)


def codebook_import(args: argparse.Namespace) -> int:
    """``codebook import FILE --project NAME``: read and check the whole file first, then apply it
    in one transaction (a refused file changes nothing)."""
    from pathlib import Path

    from qualcode.files.codebook import read_codebook
    from qualcode.i18n import t
    from qualcode.services import codebooks as codebook_service
    from qualcode.services import projects as project_service

    path = Path(args.file)
    spec = read_codebook(path.name, read_input(path), codebook_id=args.codebook, name=args.name)
    with importing([path.name]), unit_of_work(open_database()) as session:
        try:
            project = project_service.find_project(session, args.project)
        except QualcodeError:
            owner = project_service.ensure_user(session, args.coder or "peneliti")
            project = project_service.create_project(session, args.project, owner_id=owner.id)
        actor = acting_user(session, project.id, args.coder)
        codebook_service.apply_codebook(session, project.id, spec, actor_id=actor.id)
    print(t("files.codebook_imported", "en", file=path.name, codebook=spec.codebook.id, project=args.project,
            codes=sum(1 for _ in spec.walk())))
    return 0


def codebook_export(args: argparse.Namespace) -> int:
    """``codebook export FILE --project NAME [--codebook ID] [--format yaml|csv|qdc]``."""
    from pathlib import Path

    from qualcode.files.codebook import EXTENSIONS, format_of, write_codebook
    from qualcode.services import projects as project_service
    from qualcode.services.auth import require

    out = Path(args.file)
    fmt = args.format or format_of(out.name)
    with unit_of_work(open_database()) as session:
        project = project_service.find_project(session, args.project)
        actor = acting_user(session, project.id, args.coder)
        require(session, project.id, actor.id, "project.read")
        books = read_entities.list_codebooks(session, project.id)
        if args.codebook:
            chosen = [b for b in books if b.key == args.codebook]
            if not chosen:
                raise QualcodeError("error.codebook_not_found", codebook=args.codebook)
        elif len(books) != 1:
            raise QualcodeError("files.codebook_none" if not books else "files.codebook_choose",
                                project=args.project, codebooks=", ".join(b.key for b in books))
        else:
            chosen = books
        spec = read_entities.codebook_spec(session, chosen[0].id, with_guids=True)
    data = write_codebook(spec, fmt)
    if not out.suffix:
        out = out.with_suffix(EXTENSIONS[fmt])
    write_output(out, data)
    print(f"wrote {out} ({fmt}, {sum(1 for _ in spec.walk())} codes, {len(data)} bytes)")
    return 0


def _configure_suggest(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--codebook", required=True, metavar="PATH_OR_ID",
                        help="a codebook file (.yaml, .qdc, .csv) or the id of a codebook in --project")
    parser.add_argument("--input", required=True, metavar="FILE", help="the text to code; '-' reads standard input")
    parser.add_argument("--project", help="project whose coding trains the learned model (and holds the codebook id)")
    parser.add_argument("--unit", choices=("turn", "sentence", "paragraph", "document"), default="turn")
    parser.add_argument("--top", type=int, default=3, metavar="K", help="suggestions per unit (default 3)")
    parser.add_argument("--format", choices=("json",), default="json")


@command("suggest", "suggest codes for a text, with their evidence, as JSON", _configure_suggest)
def cmd_suggest(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from qualcode.errors import ImportFileError
    from qualcode.importers import extract
    from qualcode.nlp.suggest import CodeInfo, suggest
    from qualcode.read import suggestions as read_suggestions
    from qualcode.services import projects as project_service
    from qualcode.services import suggestion_models
    from qualcode.text import normalise_text
    from qualcode.units import parse_units

    if args.input == "-":
        text = normalise_text(sys.stdin.read())
    else:
        path = Path(args.input)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ImportFileError("error.file_unreadable", file=path.name, problem=exc.strerror)
        text = extract(path.name if path.suffix else path.name + ".txt", data)[0].text
    codebook_path = Path(args.codebook)
    model = None
    infos: list[CodeInfo]
    if codebook_path.is_file():
        from qualcode.files.codebook import read_codebook

        spec = read_codebook(codebook_path.name, read_input(codebook_path))
        infos = [CodeInfo(c.id, p, c.name.id, c.name.en, c.definition, c.inclusion, tuple(c.examples), tuple(c.indicators))
                 for p, c, _ in spec.walk() if c.id not in spec.meta.never_suggested]
    if args.project or not codebook_path.is_file():
        if not args.project:
            raise QualcodeError("suggest.needs_project", codebook=args.codebook)
        engine = open_database()
        with unit_of_work(engine) as session:
            project = project_service.find_project(session, args.project)
            if not codebook_path.is_file():
                from qualcode.models import Codebook

                book = session.scalar(select(Codebook).where(Codebook.project_id == project.id,
                                                             Codebook.key == args.codebook))
                if book is None:
                    raise QualcodeError("suggest.no_codebook", codebook=args.codebook, project=args.project)
                all_infos, _ = read_suggestions.code_infos(session, project.id)
                keys = {c.key for c in book.codes}
                infos = [i for i in all_infos if i.key in keys]
            model = suggestion_models.learned_model(session, project.id)
    units = parse_units(text, args.unit)
    results = suggest(units, read_suggestions.codebook_suggester(infos), model, top=args.top)
    json.dump(read_suggestions.units_json(units, results), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


def _configure_report(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", required=True, help="project name")
    parser.add_argument("--out", required=True, metavar="FILE", help=".docx (Word) or .html")
    parser.add_argument("--language", choices=("id", "en"), default="id", help="language of the report (default id)")
    parser.add_argument("--coder", metavar="LOGIN", help="who reads (default: the project's owner)")


@command("report", "write the study report (codebooks, frequencies, matrices, conclusions) as .docx or .html",
         _configure_report)
def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from qualcode.report import build_report, render_docx, render_html
    from qualcode.services import projects as project_service

    out = Path(args.out)
    if out.suffix.lower() not in (".docx", ".html", ".htm"):
        raise QualcodeError("report.error_format", file=out.name)
    with unit_of_work(open_database()) as session:
        project = project_service.find_project(session, args.project)
        actor = acting_user(session, project.id, args.coder)
        report = build_report(session, project.id, actor_id=actor.id, lang=args.language)
    data = render_docx(report) if out.suffix.lower() == ".docx" else render_html(report).encode("utf-8")
    write_output(out, data)
    print(f"wrote {out} ({len(data)} bytes)")
    return 0


def _configure_user(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("add", "password"), help="add an account, or set its password")
    parser.add_argument("login")
    parser.add_argument("--name", default="", help="display name")
    parser.add_argument("--admin", action="store_true", help="an administrator (the first account must be one)")
    parser.add_argument("--project", help="give the account a role in this project")
    parser.add_argument("--role", choices=("owner", "researcher", "supervisor"), default="researcher")
    parser.add_argument("--as", dest="actor", metavar="ADMIN_LOGIN", help="the administrator doing this")
    parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")


@command("user", "manage accounts for a shared server (QUALCODE_ACCOUNTS=1)", _configure_user)
def cmd_user(args: argparse.Namespace) -> int:
    import getpass

    from qualcode.services import accounts
    from qualcode.services import projects as project_service

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password: ")
    engine = open_database()
    with unit_of_work(engine) as session:
        actor = project_service.get_user_by_login(session, args.actor) if args.actor else None
        if args.action == "add":
            user = accounts.create_account(session, args.login, password, display_name=args.name, is_admin=args.admin,
                                           actor_id=actor.id if actor else None)
        else:
            found = project_service.get_user_by_login(session, args.login)
            if found is None:
                raise QualcodeError("error.user_not_found", user_id=args.login)
            user = found
            accounts.set_password(session, user.id, password, actor_id=actor.id if actor else user.id)
        if args.project:
            project = project_service.find_project(session, args.project)
            owner = read_entities.project_owner(session, project.id)
            project_service.set_member(session, project.id, user.id, args.role,
                                       actor_id=(actor or owner or user).id)  # no owner: the first member
    print(f"account {args.login}: {'created' if args.action == 'add' else 'password set'}"
          + (f", {args.role} in {args.project!r}" if args.project else ""))
    return 0


def _load_command_modules() -> None:
    """Commands that live beside their capability register themselves when imported."""
    import qualcode.security.commands  # noqa: F401  (backup, restore)


def build_parser() -> argparse.ArgumentParser:
    _load_command_modules()
    parser = argparse.ArgumentParser(prog="python -m qualcode", description="qualcode command line")
    parser.add_argument("--version", action="version", version=f"qualcode {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, configure, handler) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        configure(p)
        p.set_defaults(handler=handler)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except QualcodeError as exc:
        print(f"error: {exc.message('en')}", file=sys.stderr)
        return 2
    except DATABASE_ERRORS as exc:  # outside a unit of work (migrating, counting): still no traceback
        print(f"error: {storage_error(exc).message('en')}", file=sys.stderr)
        return 2
