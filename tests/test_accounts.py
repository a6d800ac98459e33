"""Accounts and authorisation: argon2 hashes, sign-in, admins; every write service refuses a
supervisor whichever page or command calls it; concurrent coders lose no update."""

import threading

import pytest
from sqlalchemy import func, select

from qualcode.codebooks import parse_codebook
from qualcode.db import make_engine, unit_of_work
from qualcode.errors import PermissionDenied, ValidationError
from qualcode.models import Coding, User
from qualcode.review.comments import add_comment
from qualcode.services import accounts, analysis, cases, codebooks, codes, codings, memos, projects
from qualcode.services import suggestions as suggestion_service
from qualcode.services.imports import import_files, set_interviewer
from tests import factories


def test_first_account_is_an_admin_and_passwords_are_argon2(session):
    with pytest.raises(ValidationError):
        accounts.create_account(session, "ana", "rahasia123", actor_id=None)
    admin = accounts.create_account(session, "admin", "rahasia123", is_admin=True, actor_id=None)
    assert admin.password_hash.startswith("$argon2") and "rahasia123" not in admin.password_hash
    with pytest.raises(PermissionDenied):
        accounts.create_account(session, "budi", "rahasia123", actor_id=None)  # only an admin, now
    budi = accounts.create_account(session, "budi", "rahasia123", actor_id=admin.id)
    with pytest.raises(ValidationError) as err:
        accounts.create_account(session, "cici", "short", actor_id=admin.id)
    assert "8" in str(err.value)
    assert accounts.authenticate(session, "BUDI", "rahasia123").id == budi.id
    for login, password in (("budi", "salah-salah"), ("nobody", "rahasia123")):
        with pytest.raises(accounts.SignInFailed) as err:
            accounts.authenticate(session, login, password)
        assert err.value.message("en") == "Wrong login name or password."
    accounts.set_password(session, budi.id, "baru-rahasia", actor_id=budi.id)
    assert accounts.authenticate(session, "budi", "baru-rahasia").id == budi.id
    with pytest.raises(PermissionDenied):
        accounts.set_password(session, admin.id, "diambil-alih", actor_id=budi.id)


@pytest.fixture
def supervised(session):
    project = factories.project(session)
    owner = factories.owner(session).id
    book = factories.codebook(session, project.id, owner)
    report = import_files(session, project.id, [("w.txt", factories.INTERVIEW.encode())], actor_id=owner)
    doc_id = report.document_ids[0]
    coding = codings.code_span(session, doc_id, 3, 20, book["trust_building"].id, actor_id=owner)
    memo = memos.add_memo(session, project.id, "memo", actor_id=owner)
    case = cases.save_case(session, project.id, actor_id=owner, pseudonym="Informan A")
    conclusion = analysis.add_conclusion(session, project.id, "Kepercayaan tumbuh", actor_id=owner)
    sup = projects.create_user(session, "pembimbing")
    projects.set_member(session, project.id, sup.id, "supervisor", actor_id=owner)
    session.flush()
    return dict(session=session, project=project.id, owner=owner, sup=sup.id, doc=doc_id, coding=coding.id,
                segment=coding.segment_id, code=book["trust_building"].id, other=book["face_to_face_dialogue"].id,
                memo=memo.id, case=case.id, conclusion=conclusion.id)


WRITES = {
    "code_span": lambda w, s: codings.code_span(s, w["doc"], 0, 5, w["code"], actor_id=w["sup"]),
    "remove_coding": lambda w, s: codings.remove_coding(s, w["coding"], actor_id=w["sup"]),
    "resize_coding": lambda w, s: codings.resize_coding(s, w["coding"], 2, 20, actor_id=w["sup"]),
    "add_memo": lambda w, s: memos.add_memo(s, w["project"], "x", actor_id=w["sup"]),
    "update_memo": lambda w, s: memos.update_memo(s, w["memo"], "y", actor_id=w["sup"]),
    "delete_memo": lambda w, s: memos.delete_memo(s, w["memo"], actor_id=w["sup"]),
    "create_code": lambda w, s: codes.create_code(s, w["project"], "baru", actor_id=w["sup"]),
    "update_code": lambda w, s: codes.update_code(s, w["code"], actor_id=w["sup"], name_en="X"),
    "move_code": lambda w, s: codes.move_code(s, w["code"], w["other"], actor_id=w["sup"]),
    "merge_codes": lambda w, s: codes.merge_codes(s, w["code"], w["other"], actor_id=w["sup"]),
    "delete_code": lambda w, s: codes.delete_code(s, w["code"], actor_id=w["sup"], delete_codings=True),
    "apply_codebook": lambda w, s: codebooks.apply_codebook(
        s, w["project"], parse_codebook(factories.SMALL_CODEBOOK.replace("id: tiny", "id: t2"), "t.yaml"),
        actor_id=w["sup"]),
    "import_files": lambda w, s: import_files(s, w["project"], [("b.txt", b"P: a\nI: b\n")], actor_id=w["sup"]),
    "save_case": lambda w, s: cases.save_case(s, w["project"], actor_id=w["sup"], pseudonym="B"),
    "link_case": lambda w, s: cases.link_case(s, w["case"], w["doc"], actor_id=w["sup"]),
    "set_interviewer": lambda w, s: set_interviewer(s, w["doc"], "I", actor_id=w["sup"]),
    "decide_suggestion": lambda w, s: suggestion_service.decide(s, w["project"], w["doc"], 0, 5, w["code"], "rejected",
                                                                actor_id=w["sup"]),
    "add_conclusion": lambda w, s: analysis.add_conclusion(s, w["project"], "x", actor_id=w["sup"]),
    "revise_conclusion": lambda w, s: analysis.revise_conclusion(s, w["conclusion"], actor_id=w["sup"], status="supported"),
    "link_evidence": lambda w, s: analysis.link_evidence(s, w["conclusion"], w["segment"], "supporting", actor_id=w["sup"]),
    "save_pattern_code": lambda w, s: analysis.save_pattern_code(s, w["project"], "Pola", [w["code"]], actor_id=w["sup"]),
    "set_member": lambda w, s: projects.set_member(s, w["project"], w["sup"], "owner", actor_id=w["sup"]),
    "rename_project": lambda w, s: projects.rename_project(s, w["project"], "Lain", actor_id=w["sup"]),
}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_every_write_service_refuses_a_supervisor(supervised, name):
    session = supervised["session"]
    with pytest.raises(PermissionDenied) as err:
        WRITES[name](supervised, session)
    assert "supervisor" in err.value.message("en") or "pembimbing" in err.value.message("en")


def test_a_supervisor_may_comment(supervised):
    comment = add_comment(supervised["session"], "Cek lagi batasnya?", actor_id=supervised["sup"],
                          coding_id=supervised["coding"])
    assert comment.id


@pytest.mark.parametrize("workers,each", [(4, 15)])
def test_concurrent_coders_lose_no_update(db_url, workers, each):
    engine = make_engine(db_url)
    with unit_of_work(engine) as session:
        project = factories.project(session)
        owner = factories.owner(session).id
        code_id = factories.codebook(session, project.id, owner)["trust_building"].id
        doc_id = factories.document(session, project.id, owner, text="kata " * 2000).id
        coders = []
        for i in range(workers):
            user = projects.create_user(session, f"koder{i}")
            projects.set_member(session, project.id, user.id, "researcher", actor_id=owner)
            coders.append(user.id)
    errors: list[BaseException] = []

    def work(coder: int, offset: int) -> None:
        try:
            for j in range(each):
                start = (offset * each + j) % 400 * 10  # overlapping spans between coders
                with unit_of_work(engine) as session:
                    codings.code_span(session, doc_id, start, start + 9, code_id, actor_id=coder)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(c, i % 2)) for i, c in enumerate(coders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with unit_of_work(engine) as session:
        total = session.scalar(select(func.count()).select_from(Coding))
        per_coder = dict(session.execute(select(Coding.coder_id, func.count()).group_by(Coding.coder_id)).all())
        assert session.scalar(select(func.count()).select_from(User)) == workers + 1
    engine.dispose()
    assert total == workers * each
    assert per_coder == {c: each for c in coders}
