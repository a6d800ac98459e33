"""Suggestions: from the codebook alone, from the researcher's coding, the CLI contract, and the
decisions stored in the project."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from qualcode.codebooks import load_codebook_file
from qualcode.errors import PermissionDenied
from qualcode.models import Code, Coding
from qualcode.nlp.suggest import CodebookSuggester, CodeInfo, LearnedModel, split_units, suggest
from qualcode.nlp.tables import SuggestionDecision
from qualcode.read import suggestions as read_suggestions
from qualcode.services import codings, projects, suggestion_models
from qualcode.services import suggestions as service
from qualcode.services.imports import import_files
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
AG = ROOT / "codebooks" / "ansell_gash_2008.yaml"
TEXT = ("P: Bagaimana hubungan dengan dinas?\n"
        "I: Kami saling percaya, kepercayaan itu dibangun pelan-pelan lewat rapat tatap muka tiap bulan.\n"
        "P: Hambatannya?\n"
        "I: Anggaran APBD terbatas banget, SDM juga kurang.\n")


def infos(path):
    spec = load_codebook_file(path)
    return [CodeInfo(c.id, p, c.name.id, c.name.en, c.definition, c.inclusion, tuple(c.examples), tuple(c.indicators))
            for p, c, _ in spec.walk()]


def test_codebook_only_suggestions_explain_themselves():
    units = split_units(TEXT, "turn")
    results = suggest(units, CodebookSuggester(infos(AG)), top=3)
    assert results[0] == []  # the interviewer's question carries no indicator
    best = results[1][0]
    assert best.code_id == "trust_building" and best.code_path == "collaborative_process/trust_building"
    terms = next(e for e in best.evidence if e["kind"] == "terms")["terms"]
    assert {"saling percaya", "kepercayaan"} <= {t.lower() for t in terms}
    assert [s.score for s in results[1]] == sorted((s.score for s in results[1]), reverse=True)
    assert "face_to_face_dialogue" in [s.code_id for s in results[1]]


def test_learned_model_learns_and_reports_its_quality():
    positives = [f"Kami sering gotong royong membersihkan selokan bersama warga RT {i}." for i in range(8)]
    negatives = [f"Anggaran tahun {2010 + i} dipotong sehingga program berhenti." for i in range(8)]
    model = LearnedModel().fit(positives + negatives, [{"gotong"}] * 8 + [set()] * 8)
    quality = model.quality["gotong"]
    assert quality.examples == 8 and quality.precision is not None and quality.recall is not None
    codes = [CodeInfo("gotong", "gotong", "Gotong royong")]
    units = split_units("Warga gotong royong bersihkan selokan.\n\nAnggaran dipotong lagi.", "paragraph")
    results = suggest(units, CodebookSuggester(codes), model, threshold=0.1)
    assert results[0] and results[0][0].code_id == "gotong"
    model_evidence = next(e for e in results[0][0].evidence if e["kind"] == "model")
    assert model_evidence["nearest_examples"]
    assert not results[1] or results[1][0].score < results[0][0].score


def test_joined_compounds_and_longer_indicators():
    """"kerjasama" and "bekerjasama" are "kerja sama" as KBBI spells it, for the indicators and
    the definition similarity alike; an indicator inside a longer one of another code gives way
    ("nota kesepahaman" is an MoU, not shared understanding)."""
    codes = [CodeInfo("history", "history", "Sejarah kerja sama", definition="Riwayat kerja sama antar pihak.",
                      indicators=("sejarah kerja sama",)),
             CodeInfo("rules", "rules", "Aturan dasar", indicators=("nota kesepahaman",)),
             CodeInfo("understanding", "understanding", "Pemahaman bersama", indicators=("kesepahaman",))]
    suggester = CodebookSuggester(codes)
    docs = suggester.docs(["Sejarah kerjasama kedua dinas cukup panjang.", "Mereka sudah lama bekerjasama.",
                           "Belum ada nota kesepahaman yang diteken.", "Kesepahaman para pihak mulai tumbuh."])
    scores, terms, similarity = suggester.scores(docs)
    assert terms[0] == {"history": ["Sejarah kerjasama"]}
    assert similarity[1, 0] > 0  # "bekerjasama" shares "kerja sama" with the history code's profile
    assert terms[2] == {"rules": ["nota kesepahaman"]}
    assert terms[3] == {"understanding": ["Kesepahaman"]}


def test_an_indicator_whose_stem_means_something_else_matches_as_written():
    """The stemmer reduces "menengahi" (to mediate) and "menengah", "di tengah" (middle) alike to
    "tengah", "Perwali" and "wali kota" to "wali", "pengisian" and "isi" to "isi", "diakui" and
    "aku" (I) to "aku": such a one-word indicator matches as it is written (also with -nya); in a
    longer indicator the other words settle the sense, and an indicator of an unambiguous stem
    still matches its affixed forms."""
    codes = [CodeInfo("lead", "lead", "Kepemimpinan", indicators=("menengahi", "mengoordinasikan")),
             CodeInfo("design", "design", "Desain institusional", indicators=("Perwali",)),
             CodeInfo("content", "content", "Isi kebijakan", indicators=("isi", "isi kebijakan")),
             CodeInfo("commit", "commit", "Komitmen", indicators=("setengah hati",)),
             CodeInfo("trust", "trust", "Kepercayaan", indicators=("kepercayaan",)),
             CodeInfo("legit", "legit", "Legitimasi", indicators=("diakui", "berhasil"))]
    suggester = CodebookSuggester(codes)
    texts = ["Di tengah pandemi, sekolah menengah tetap buka.",
             "Camat menengahi kedua pihak, lalu Perwalinya terbit.",
             "Wali Kota hadir pada forum koordinasi itu, Sekda yang mengoordinasikan.",
             "Pengisian formulir dan mengisi data dilakukan warga.",
             "Isinya jelas; isi kebijakan itu dipahami.",
             "Dinas itu bekerja setengah hati saja, tapi warga mempercayai kami.",
             "Hasil penelitian menunjukkan aku sudah dikenal warga.",
             "Forum itu diakui warga dan berhasil."]
    _, terms, _ = suggester.scores(suggester.docs(texts))
    assert terms[0] == {}
    assert terms[1] == {"lead": ["menengahi"], "design": ["Perwalinya"]}
    assert terms[2] == {"lead": ["mengoordinasikan"]}
    assert terms[3] == {}
    assert sorted(terms[4]["content"]) == ["Isinya", "isi kebijakan"] and set(terms[4]) == {"content"}
    assert terms[5] == {"commit": ["setengah hati"], "trust": ["mempercayai"]}
    assert terms[6] == {}
    assert terms[7] == {"legit": ["diakui", "berhasil"]}


def test_learned_model_starts_from_the_codebook_texts():
    """Five coded segments all about meetings: without the codebook the classifier knows only
    them; with the codebook's texts as prior documents it also knows the code's own words. The
    prior documents never count as coded examples, never show as nearest examples, and the
    quality table is cross-validated on the coded segments alone."""
    coded = [f"Rapat di balai desa minggu ke-{i} membahas jadwal ronda malam." for i in range(5)]
    other = [f"Harga pupuk naik lagi tahun {2015 + i}, petani mengeluh ke dinas." for i in range(10)]
    codes = [CodeInfo("trust", "trust", "Membangun kepercayaan", definition="Saling percaya antar pihak.",
                      examples=("Sekarang kami saling percaya dengan dinas.",), indicators=("kepercayaan", "percaya")),
             CodeInfo("cost", "cost", "Biaya", definition="Harga dan biaya yang ditanggung petani.",
                      indicators=("harga", "biaya"))]
    texts, labels = coded + other, [{"trust"}] * 5 + [set()] * 10
    plain = LearnedModel().fit(texts, labels, min_examples=5)
    primed = LearnedModel().fit(texts, labels, min_examples=5, priors=codes)
    unseen = CodebookSuggester(codes).docs(["Kepercayaan warga kepada pemerintah desa mulai tumbuh, mereka percaya."])
    assert primed.predict(unseen)[0]["trust"][0] > plain.predict(unseen)[0]["trust"][0] + 0.1
    assert primed.examples["trust"] == [0, 1, 2, 3, 4] and primed.weight("trust") == plain.weight("trust")
    assert "cost" not in primed.keys  # the codebook alone trains no classifier: coded examples do
    assert primed.quality["trust"].examples == 5 and primed.quality["trust"].recall is not None
    _, features = primed.predict(unseen)
    assert set(primed.nearest_examples(features, 0, "trust", k=5)) <= {t[:200] for t in coded}
    restored = LearnedModel.from_bytes(*primed.to_bytes())
    assert restored.train_matrix.shape[0] == len(texts)  # the prior documents are not stored


def run_cli(*args, stdin=None, env_extra=None):
    env = dict(os.environ, **(env_extra or {}))
    env.pop("QUALCODE_DATABASE_URL", None) if not env_extra or "QUALCODE_DATABASE_URL" not in env_extra else None
    return subprocess.run([sys.executable, "-m", "qualcode", "suggest", *args], cwd=ROOT, input=stdin, env=env,
                          capture_output=True, text=True, timeout=300)


def test_cli_contract_from_stdin_and_file(tmp_path):
    result = run_cli("--codebook", str(AG), "--input", "-", "--top", "2", "--format", "json", stdin=TEXT)
    assert result.returncode == 0, result.stderr
    units = json.loads(result.stdout)
    assert [set(u) for u in units] == [{"start", "end", "text", "suggestions"}] * 4
    for u in units:
        assert TEXT[u["start"]:u["end"]] == u["text"]
        assert len(u["suggestions"]) <= 2
        scores = [s["score"] for s in u["suggestions"]]
        assert scores == sorted(scores, reverse=True)
        for s in u["suggestions"]:
            assert set(s) == {"code_id", "code_path", "score", "evidence"} and s["evidence"]
    assert units[1]["suggestions"][0]["code_id"] == "trust_building"
    source = tmp_path / "w.txt"
    source.write_text(TEXT, encoding="utf-16")
    whole = run_cli("--codebook", str(AG), "--input", str(source), "--unit", "document", "--format", "json")
    (unit,) = json.loads(whole.stdout)
    assert unit["start"] == 0 and unit["text"] == TEXT.strip() and unit["suggestions"]
    bad = run_cli("--codebook", "no_such_codebook", "--input", "-", stdin=TEXT)
    assert bad.returncode == 2 and "--project" in bad.stderr


def test_cli_with_a_project_codebook_id(tmp_path):
    env = {"QUALCODE_DATA_DIR": str(tmp_path)}
    demo = subprocess.run([sys.executable, "-m", "qualcode", "demo"], cwd=ROOT, env=dict(os.environ, **env),
                          capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stderr
    result = run_cli("--codebook", "najam_5c_1995", "--project", "Demo: SIGAP 112 (sintetis)", "--input", "-",
                     "--unit", "sentence", stdin="I: Anggaran APBD terbatas, SDM kurang.", env_extra=env)
    assert result.returncode == 0, result.stderr
    codes = {s["code_id"] for u in json.loads(result.stdout) for s in u["suggestions"]}
    assert "capacity" in codes and not codes & {"supporting", "inhibiting", "trust_building"}


@pytest.fixture
def world(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    factories.codebook(session, project.id, actor)
    report = import_files(session, project.id, [("w.txt", TEXT.encode())], actor_id=actor)
    return session, project, actor, report.document_ids[0]


def test_accept_makes_a_coding_and_reject_is_remembered(world):
    session, project, actor, doc_id = world
    queue = read_suggestions.document_queue(session, project.id, doc_id)
    trust = next(i for i in queue if i.suggestion.code_id == "trust_building")
    decision = service.decide(session, project.id, doc_id, trust.start, trust.end, trust.code_db_id, "accepted",
                              actor_id=actor, score=trust.suggestion.score, evidence=trust.suggestion.evidence)
    coding = session.get(Coding, decision.coding_id)
    assert coding.coder_id == actor and coding.segment.snippet == trust.text
    other = next(i for i in read_suggestions.document_queue(session, project.id, doc_id)
                 if i.suggestion.code_id != "trust_building")
    service.decide(session, project.id, doc_id, other.start, other.end, other.code_db_id, "rejected", actor_id=actor)
    session.commit()
    left = [(i.start, i.suggestion.code_id) for i in read_suggestions.document_queue(session, project.id, doc_id)]
    assert (trust.start, "trust_building") not in left and (other.start, other.suggestion.code_id) not in left
    rates = read_suggestions.acceptance_rates(session, project.id).set_index("code")
    assert rates.loc["trust_building", "rate"] == 1.0 and rates.loc[other.suggestion.code_id, "rate"] == 0.0
    # the names in the language asked for (the English interface showed the Indonesian ones)
    trust_code = session.get(Code, trust.code_db_id)
    assert rates.loc["trust_building", "name"] == trust_code.name_id
    english = read_suggestions.acceptance_rates(session, project.id, "en").set_index("code")
    assert english.loc["trust_building", "name"] == trust_code.name_en != trust_code.name_id
    assert len(list(session.scalars(select(SuggestionDecision)))) == 2


def test_uncertainty_order_and_supervisors(world):
    session, project, actor, doc_id = world
    queue = read_suggestions.document_queue(session, project.id, doc_id, order="uncertainty")
    distances = [abs(i.suggestion.score - 0.5) for i in queue]
    assert distances == sorted(distances)
    sup = projects.create_user(session, "pembimbing")
    projects.set_member(session, project.id, sup.id, "supervisor", actor_id=actor)
    with pytest.raises(PermissionDenied):
        service.decide(session, project.id, doc_id, queue[0].start, queue[0].end, queue[0].code_db_id, "rejected",
                       actor_id=sup.id)


def test_model_retrains_when_codings_change(world):
    session, project, actor, doc_id = world
    before = suggestion_models.learned_model(session, project.id)
    trust = read_suggestions.document_queue(session, project.id, doc_id)[0]
    codings.code_span(session, doc_id, trust.start, trust.end, trust.code_db_id, actor_id=actor)
    session.commit()
    assert suggestion_models.learned_model(session, project.id) is not before
    quality = read_suggestions.model_quality(session, project.id).set_index("code")
    assert quality.loc[trust.suggestion.code_id, "examples"] == 1
    assert not quality.loc[trust.suggestion.code_id, "in_use"]  # fewer than 5 examples: codebook only
