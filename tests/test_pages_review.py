"""AppTest for the Review page on the demo project: frequencies, progress, agreement between the
demo's two coders, the jump to the Coding page, and the audit trail with its filters."""

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from qualcode.analysis.demo_codings import apply_demo_codings, locate, read_demo_codings
from qualcode.config import CORPORA_DIR
from qualcode.db import read_session, unit_of_work
from qualcode.demo import load_demo
from qualcode.errors import ImportFileError
from qualcode.models import Code, Coding, Document, User

ROOT = Path(__file__).resolve().parent.parent
REVIEW = "app_pages/review.py"


def open_review(tab: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(REVIEW).run()
    assert not at.exception, at.exception
    if tab:
        open_tab(at, tab)
    return at


def open_tab(at: AppTest, label: str) -> AppTest:
    """Open a tab of the Review page: only the open tab's body runs (``review_tab``)."""
    at.session_state["review_tab"] = label
    at.run()
    assert not at.exception, at.exception
    return at


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_demo_carries_two_coders_and_reloading_adds_nothing(demo):
    rows = read_demo_codings(CORPORA_DIR / "demo_codings.csv")
    with read_session(demo) as session:
        per_coder = dict(session.execute(
            select(User.login, func.count(Coding.id)).join(Coding, Coding.coder_id == User.id).group_by(User.login)).all())
        names = {u.login: u.display_name for u in session.scalars(select(User))}
        titles = {d.original_filename for d in session.scalars(
            select(Document).join(Document.segments))}
    assert per_coder == {"peneliti": sum(r.coder == "peneliti" for r in rows),
                         "koder2": sum(r.coder == "koder2" for r in rows)}
    assert 15 <= per_coder["koder2"] <= 30 and 15 <= per_coder["peneliti"] <= 31
    assert names["koder2"] == "Koder Kedua" and names["peneliti"] == "Peneliti Utama"
    assert len(titles) >= 4 and "W06_relawan.txt" not in titles
    with unit_of_work(demo) as session:
        load_demo(session)
    with read_session(demo) as session:
        assert session.scalar(select(func.count(Coding.id))) == len(rows)


def test_demo_codings_sheet_problems_name_the_file_and_line(demo, tmp_path):
    assert locate("abc def ghi", "def") == (4, 7)
    assert locate("abc def ghi", "abc", "ghi") == (0, 11)
    assert locate("abc", "zzz") is None
    sheet = tmp_path / "codings.csv"
    sheet.write_text("file,start_text,end_text,code,coder\ninterviews/W02_blud.txt,Tidak ada di teks,,mutual_trust,koder2\n",
                     encoding="utf-8")
    with unit_of_work(demo) as session:
        owner = session.scalar(select(User).where(User.login == "peneliti"))
        project_id = session.scalar(select(Document.project_id))
        with pytest.raises(ImportFileError) as bad:
            apply_demo_codings(session, project_id, owner.id, sheet)
        session.rollback()
    assert "codings.csv, line 2" in str(bad.value) and "text not found" in str(bad.value)
    sheet.write_text("file,code\nx,y\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="missing start_text"):
        read_demo_codings(sheet)


def test_frequencies_and_progress(demo):
    at = open_review()
    assert [t.label for t in at.tabs] == ["Frekuensi kode", "Kemajuan pengodean", "Kesepakatan antarkoder",
                                           "Tugas tinjauan", "Berdampingan", "Komentar", "Jejak audit"]
    frequencies = at.dataframe[0].value
    assert {"Koder Kedua", "Peneliti Utama", "Total"} <= set(frequencies.columns)
    assert frequencies["Total"].sum() == 60
    at.radio(key="review_by").set_value("group").run()
    assert not at.exception
    assert "pemerintah" in at.dataframe[0].value.columns
    assert len(at.dataframe) == 1, "only the open tab runs"
    progress = open_tab(at, "Kemajuan pengodean").dataframe[0].value
    assert set(progress["Koder"]) >= {"Koder Kedua", "Peneliti Utama", ""}
    assert progress["Pengodean"].sum() == 60


def test_the_open_tab_stays_open_when_the_language_changes(demo):
    """The tabs remember the open tab by its label; when the sidebar switches the language the labels
    change, and the tab open stays open (its body runs), not the first."""
    at = open_review("Jejak audit")
    assert [m for m in at.multiselect if m.key == "audit_users"], "the audit trail's body runs"
    at.selectbox(key="lang").set_value("en").run()
    assert not at.exception, at.exception
    assert at.session_state["review_tab"] == "Audit trail"
    assert [m for m in at.multiselect if m.key == "audit_users"], "the audit trail's body still runs"
    assert not [r for r in at.radio if r.key == "review_by"], "not the frequencies"


def test_agreement_between_the_demo_coders(demo):
    at = open_review("Kesepakatan antarkoder")
    assert len(at.multiselect(key="agree_coders").value) == 2
    assert len(at.multiselect(key="agree_docs").value) == 4, "the documents both coders coded"
    percent = metric(at, "Persentase kesepakatan")
    assert percent.endswith("%") and 50 < float(percent.split()[0]) < 100
    kappa, alpha = float(metric(at, "Kappa Cohen")), float(metric(at, "Alpha Krippendorff"))
    assert 0.3 < kappa < 1 and 0.3 < alpha < 1
    u_alpha = next(m for m in at.metric if m.label == "Alpha unitisasi (uα)")
    assert -1 < float(u_alpha.value) <= 1 and u_alpha.delta in {"andal", "sementara", "tidak andal"}
    assert any("α ≥ 0.800 andal" in c.value for c in at.caption)  # points, as every figure on the page
    per_code = next(d.value for d in at.dataframe if "Alpha unitisasi" in d.value.columns)
    assert per_code["Alpha unitisasi"].notna().all()
    # the figures as the tiles write them: three decimals, the percentage with one
    assert per_code.iloc[-1]["Kappa Cohen"] == metric(at, "Kappa Cohen")
    assert per_code.iloc[-1]["Alpha unitisasi"] == u_alpha.value
    table = next(d for d in at.dataframe if "Alpha unitisasi" in d.value.columns)
    formats = {name: config.get("type_config", {}).get("format") for name, config in json.loads(table.proto.columns).items()}
    assert formats["Persentase kesepakatan"] == "%.1f %%"
    assert f"{per_code.iloc[-1]['Persentase kesepakatan']:.1f} %" == percent
    # at segment level kappa and alpha are undefined: a dash, as in the tiles, never "None"
    at.selectbox(key="agree_level").set_value("segment").run()
    per_code = next(d.value for d in at.dataframe if "Alpha unitisasi" in d.value.columns)
    assert set(per_code["Kappa Cohen"]) == {"–"} and metric(at, "Kappa Cohen") == "–"
    assert not per_code.isna().any().any()
    assert any(s.value.startswith("Ketidaksepakatan (") for s in at.subheader)
    at.selectbox(key="agree_level").set_value("segment").run()
    assert metric(at, "Alpha Krippendorff") == "–"
    at.number_input(key="agree_tolerance").set_value(0).run()
    strict = float(metric(at, "Persentase kesepakatan").split()[0])
    at.number_input(key="agree_tolerance").set_value(20).run()
    assert float(metric(at, "Persentase kesepakatan").split()[0]) > strict, "a wider tolerance matches more"
    at.multiselect(key="agree_coders").set_value(at.multiselect(key="agree_coders").value[:1]).run()
    assert any("dua koder" in i.value for i in at.info)


def test_open_a_disagreement_in_the_coding_page(demo):
    at = open_review("Kesepakatan antarkoder")
    at.button(key="agree_open_0").click().run()
    assert not at.exception
    with read_session(demo) as session:
        doc = session.get(Document, at.session_state["coding_doc_id"])
    assert doc.original_filename in {"W02_blud.txt", "W03_bpbd.txt", "W04_ambulans.txt", "W05_telko.txt"}
    assert any(t.value == "Pengodean" for t in at.title)


def test_audit_trail_filters(demo):
    at = open_review("Jejak audit")
    events = at.dataframe[-1].value
    assert "pengodean ditambahkan" in set(events["Tindakan"])  # the action as the interface names it
    with read_session(demo) as session:
        koder2 = session.scalar(select(User.id).where(User.login == "koder2"))
    at.multiselect(key="audit_users").set_value([koder2]).run()
    at.multiselect(key="audit_actions").set_value(["coding.add"]).run()
    events = at.dataframe[-1].value
    assert len(events) == 29 and set(events["Pengguna"]) == {"Koder Kedua"}
    yesterday = dt.date.today() - dt.timedelta(days=2)
    at.date_input(key="audit_period").set_value((yesterday - dt.timedelta(days=5), yesterday)).run()
    assert at.dataframe[-1].value.empty


def test_supervisor_comments_on_a_coding_and_the_thread_is_resolved(demo):
    from qualcode.services import projects

    with unit_of_work(demo) as session:
        owner = projects.get_user_by_login(session, "peneliti")
        sup = projects.create_user(session, "pembimbing", "Bu Pembimbing")
        projects.set_member(session, session.scalar(select(Document.project_id)), sup.id, "supervisor",
                            actor_id=owner.id)
        sup_id, owner_id = sup.id, owner.id
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(REVIEW)
    at.session_state["user_id"] = at.session_state["sidebar_user"] = sup_id
    at.session_state["review_tab"] = "Komentar"
    at.run()
    assert any(i.value == "Belum ada komentar di sini." for i in at.info)
    with read_session(demo) as session:
        keys = set(session.scalars(select(Code.key)))
    picked = at.selectbox(key="comment_coding").options
    assert picked and not any(option.split(" · ")[0] in keys for option in picked), picked[:3]  # names, not keys
    at.text_area(key="comment_body_0").input("Mengapa ini dikode sebagai saling percaya?").run()
    at.button(key="comment_add").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("**Bu Pembimbing**: Mengapa ini dikode" in m.value for m in at.markdown)
    thread = next(b.key for b in at.button if b.key and b.key.startswith("comment_status_"))
    at.session_state["user_id"] = at.session_state["sidebar_user"] = owner_id  # the researcher replies
    at.text_input(key=f"comment_reply_{thread.rsplit('_', 1)[1]}_1").input("Karena ada kata percaya.").run()
    at.button(key=f"comment_send_{thread.rsplit('_', 1)[1]}").click().run()
    assert any("**Peneliti Utama**: Karena ada kata percaya." in m.value for m in at.markdown)
    at.button(key=thread).click().run()
    assert any(i.value == "Belum ada komentar di sini." for i in at.info), "the open filter hides a resolved thread"
    at.radio(key="comment_status").set_value("resolved").run()
    assert any("Karena ada kata percaya." in m.value for m in at.markdown)
    # an empty comment is refused with a message, nothing stored
    at.text_area(key="comment_body_3").input("   ").run()
    at.button(key="comment_add").click().run()
    assert any("tidak boleh kosong" in e.value for e in at.error)
    # a comment's Markdown is shown literally: no image fetched from elsewhere, no emphasis
    at.text_area(key="comment_body_3").input("**tebal** ![x](http://contoh.invalid/x.png)").run()
    at.button(key="comment_add").click().run()
    at.radio(key="comment_status").set_value("open").run()
    assert any(r"\*\*tebal\*\* \!\[x\]" in m.value and "contoh.invalid/x.png" in m.value for m in at.markdown)


def test_review_tasks_request_fix_approve(demo):
    """A supervisor asks for changes on a document, the researcher who coded it sees the request,
    marks it fixed, and the supervisor approves; the status table follows each step."""
    from qualcode.services import projects

    with unit_of_work(demo) as session:
        owner = projects.get_user_by_login(session, "peneliti")
        koder2 = projects.get_user_by_login(session, "koder2")
        sup = projects.create_user(session, "pembimbing", "Bu Pembimbing")
        project_id = session.scalar(select(Document.project_id))
        projects.set_member(session, project_id, sup.id, "supervisor", actor_id=owner.id)
        doc_id = session.scalar(select(Document.id).where(Document.original_filename == "W02_blud.txt"))
        sup_id, koder2_id = sup.id, koder2.id
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(REVIEW)
    at.session_state["user_id"] = at.session_state["sidebar_user"] = sup_id
    at.session_state["review_tab"] = "Tugas tinjauan"
    at.run()
    assert any(c.value == "Belum ada yang ditinjau." for c in at.caption)
    at.selectbox(key="mark_document").set_value(doc_id).run()
    at.selectbox(key="mark_status").set_value("changes_requested").run()
    at.button(key="mark_save").click().run()
    assert any("memerlukan komentar" in e.value for e in at.error), "a change request needs a comment"
    at.text_area(key="mark_comment_0").input("Perluas segmen tentang kepercayaan.").run()
    at.button(key="mark_save").click().run()
    assert not at.exception and not at.error
    assert any(s.value == "Menunggu Anda (0)" for s in at.subheader)

    at.session_state["user_id"] = at.session_state["sidebar_user"] = koder2_id
    at.run()
    assert any(s.value == "Menunggu Anda (1)" for s in at.subheader)
    assert any("Perluas segmen tentang kepercayaan." in m.value for m in at.markdown)
    assert not any(b.key == "mark_save" for b in at.button), "a researcher does not sign off"
    fixed = next(b for b in at.button if b.key and b.key.startswith("fixed_") and "open" not in b.key)
    at.text_input(key=f"fixed_text_{fixed.key.split('_')[1]}_1").input("Sudah.").run()
    fixed.click().run()
    assert any(s.value == "Menunggu Anda (0)" for s in at.subheader)

    at.session_state["user_id"] = at.session_state["sidebar_user"] = sup_id
    at.run()
    at.selectbox(key="mark_document").set_value(doc_id).run()
    at.selectbox(key="mark_status").set_value("approved").run()
    at.button(key="mark_save").click().run()
    state = next(d.value for d in at.dataframe if "Yang ditinjau" in d.value.columns)
    assert list(state["Status"]) == ["disetujui"]
    history = next(d.value for d in at.dataframe if "Oleh" in d.value.columns and "Yang ditinjau" not in d.value.columns)
    assert list(history["Status"]) == ["perlu perubahan", "sudah diperbaiki, siap ditinjau", "disetujui"]


def test_side_by_side_opens_a_difference(demo):
    at = open_review("Berdampingan")
    assert len(at.multiselect(key="side_coders").value) == 2
    diff = next(b for b in at.button if b.key and b.key.startswith("side_diff_"))
    assert any("perbedaan di bagian ini" in c.value for c in at.caption)
    diff.click().run()
    assert not at.exception
    assert any(t.value == "Pengodean" for t in at.title)
    assert at.session_state["coding_view"] == "all"
