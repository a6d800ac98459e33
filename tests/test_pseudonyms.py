from qualcode.pseudonyms import parse_mapping, preview, pseudonymise


def test_whole_words_any_case_longest_first():
    mapping = parse_mapping("Budi Santoso = Informan A1\nBudi -> A1\n# comment\nAni;Informan B\n")
    assert mapping == {"Budi Santoso": "Informan A1", "Budi": "A1", "Ani": "Informan B"}
    text = "Pak Budi Santoso bilang ke BUDI dan Ani, bukan Anita."
    out, found = pseudonymise(text, mapping)
    assert out == "Pak Informan A1 bilang ke A1 dan Informan B, bukan Anita."
    assert [(r.original, text[r.start:r.end]) for r in found] == [("Budi Santoso", "Budi Santoso"),
                                                                   ("BUDI", "BUDI"), ("Ani", "Ani")]


def test_preview_shows_context():
    rows = preview("Kata Bu Sri: anggaran kurang.", {"Sri": "R"}, context=5)
    assert rows == [("a Bu ", "Sri", "R", ": ang")]


def test_empty_mapping_changes_nothing():
    assert pseudonymise("teks", {}) == ("teks", [])
