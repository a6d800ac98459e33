"""The real-text evaluation set: every locator finds its passage in ../shared/seeds, labels are
codes of their codebook, and Najam passages carry one direction."""

import pytest

from bench import real_passages
from qualcode.codebooks import load_codebook_file


def test_every_real_passage_is_found_and_labelled_with_codes_of_its_codebook():
    if not real_passages.SEEDS.is_dir():
        pytest.skip("../shared/seeds is absent")
    passages = real_passages.load()
    assert len(passages) >= 30 and len({p.source for p in passages}) >= 3  # the seeds alone give 40 from 3
    assert len({p.id for p in passages}) == len(passages)
    codes = {cb: {c.id for _, c, _ in load_codebook_file(real_passages.ROOT / "codebooks" / f"{cb}.yaml").walk()}
             for cb in ("ansell_gash_2008", "najam_5c_1995")}
    for p in passages:
        assert set(p.labels) <= codes[p.codebook], p.id
        assert 20 < len(p.text) < 1500, p.id
        if p.codebook == "najam_5c_1995":
            assert len(set(p.labels) & {"supporting", "inhibiting"}) == 1, p.id


def test_the_real_set_says_where_each_passage_comes_from():
    for source in real_passages.sources():
        assert source["citation"] and source["url"] and source["licence"] and source["file"]


def test_a_missing_seed_folder_is_reported(tmp_path):
    with pytest.raises(FileNotFoundError):
        real_passages.load(tmp_path / "absent")


def test_web_sources_say_where_to_fetch_them_and_are_left_out_when_not_cached(tmp_path):
    web = [s for s in real_passages.sources() if s.get("where") == "web"]
    assert len(web) >= 6
    for source in web:
        urls = source["url"] if isinstance(source["url"], list) else [source["url"]]
        assert urls and all(u.startswith(("http://", "https://")) for u in urls), source["id"]
        assert "not redistributed" in source["licence"], source["id"]  # their text stays out of the repo
    assert set(real_passages.missing_web_sources(tmp_path)) == {s["id"] for s in web}
    if not real_passages.SEEDS.is_dir():
        pytest.skip("../shared/seeds is absent")
    only_seeds = real_passages.load(cache=tmp_path)
    assert only_seeds and not {p.source for p in only_seeds} & {s["id"] for s in web}


def test_a_passage_can_run_from_its_locator_to_a_second_phrase(tmp_path):
    seeds, cache = tmp_path / "seeds", tmp_path / "cache"
    seeds.mkdir()
    cache.mkdir()
    (cache / "a.txt").write_text("Hasil: 1) kondisi awal timpang; 2) desain kelembagaan lemah; 3) lain.\n", encoding="utf-8")
    lines = [real_passages._clean(x) for x in (cache / "a.txt").read_text(encoding="utf-8").splitlines()]
    assert real_passages._extract(lines, "2) desain", "sentence", "kelembagaan lemah") == "2) desain kelembagaan lemah"
    assert real_passages._extract(lines, "2) desain", "sentence", "absent phrase") is None


def test_the_yaml_covers_every_dimension_of_both_frameworks():
    import yaml

    passages = yaml.safe_load(real_passages.DATA.read_text(encoding="utf-8"))["passages"]
    ids = [p["id"] for p in passages]
    assert len(ids) == len(set(ids)) and len(ids) >= 100
    labels = {label for p in passages for label in p["labels"]}
    book = load_codebook_file(real_passages.ROOT / "codebooks" / "ansell_gash_2008.yaml")
    dimension = {}
    for path, code, _ in book.walk():
        parts = path.split("/")
        dimension[code.id] = parts[1] if parts[0] == "collaborative_process" and len(parts) > 1 else parts[0]
    assert {dimension[x] for x in labels if x in dimension} == set(dimension.values()) - {"collaborative_process"}
    assert {"content", "context", "commitment", "capacity", "clients_coalitions", "supporting", "inhibiting"} <= labels


def test_fetched_pages_are_reduced_to_their_text():
    from bench.fetch_real_texts import page_text

    raw = ("<html><head><title>t</title><script>var x = 1;</script></head><body><p>Dialog  tatap &amp; muka</p>"
           "<div>Kepercayaan<br>dibangun</div></body></html>")
    assert page_text(raw) == "Dialog tatap & muka\nKepercayaan\ndibangun"
