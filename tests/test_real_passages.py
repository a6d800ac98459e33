"""The real-text evaluation set: every locator finds its passage in ../shared/seeds, labels are
codes of their codebook, and Najam passages carry one direction."""

import pytest

from bench import real_passages
from qualcode.codebooks import load_codebook_file


def test_every_real_passage_is_found_and_labelled_with_codes_of_its_codebook():
    if not real_passages.SEEDS.is_dir():
        pytest.skip("../shared/seeds is absent")
    passages = real_passages.load()
    assert len(passages) >= 30 and len({p.source for p in passages}) >= 3
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
