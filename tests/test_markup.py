"""User text never becomes markup: the markup helper's escaping, proven with a CommonMark renderer
that allows raw HTML (stricter than Streamlit's), and the rule that the helper is the only place
that writes HTML into a page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from qualcode.ui import markup

ROOT = Path(__file__).resolve().parents[1]

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<iframe srcdoc="<script>parent.alert(1)</script>"></iframe>',
    '<svg onload="alert(1)"></svg>',
    '<details open ontoggle="alert(1)"><summary>x</summary></details>',
    "[klik saya](javascript:alert(1))",
    "<style>body{display:none}</style>",
    '<form action="https://evil.example/login"><input name="password"></form>',
    "![pelacak](https://evil.example/pixel.png)",
    "![pelacak][ref]\n\n[ref]: https://evil.example/ref.png",
    "<https://evil.example/autolink>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    ":red[merah] :material/home: **tebal** _miring_ `kode`",
    "# judul\n- daftar\n1. angka\n> kutipan\n    kode",
    "baris satu\\\nbaris dua \\<b>",
]

RENDERER = MarkdownIt("commonmark", {"html": True, "linkify": False})
TAG = re.compile(r"<(?!/?(p|br)\s*/?>)[a-zA-Z/!]")


def visible_text(html: str) -> str:
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", "", html)).replace(markup.WORD_JOINER, "")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_literal_renders_as_exactly_the_text_with_no_element(payload):
    html = RENDERER.render(markup.literal(payload))
    assert not TAG.search(html), html  # only paragraphs and line breaks, no element from the text
    lines = [line.strip() for line in visible_text(html).splitlines() if line.strip()]
    assert lines == [line.strip() for line in payload.splitlines() if line.strip()]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_inline_and_quote_keep_text_literal(payload):
    assert not TAG.search(RENDERER.render(markup.inline(payload)))
    quoted = RENDERER.render(markup.quote(payload, limit=40))
    assert not TAG.search(quoted.replace("<blockquote>", "").replace("</blockquote>", ""))


def test_bare_addresses_are_broken_invisibly_so_no_renderer_links_them():
    shown = markup.literal("lihat https://evil.example/x, www.evil.example dan budi@evil.example")
    for linkable in ("https://", "www.", "i@e"):
        assert linkable not in shown
    assert shown.replace(markup.WORD_JOINER, "") == "lihat https://evil.example/x, www.evil.example dan budi@evil.example"


# Streamlit's directives, which a CommonMark renderer does not know: colours and backgrounds,
# icons and emoji shortcodes. Each starts at a colon followed by its name.
DIRECTIVES = re.compile(r":[a-z][a-z-]*(\\)?\[|:material/[a-z_]+:|:[a-z0-9_+-]+:")


@pytest.mark.parametrize("text", [":red[merah]", ":blue-background[biru]", ":material/home:", ":smile:", ":+1:",
                                  "tanya:red[x]", "Kode :violet[ungu] dan :-1: lalu :100:"])
def test_streamlit_directives_are_broken_invisibly(text):
    shown = markup.literal(text)
    assert not DIRECTIVES.search(shown), shown
    assert shown.replace(markup.WORD_JOINER, "").replace("\\", "") == text


def test_a_time_or_a_ratio_keeps_its_colon_as_it_is():
    assert markup.literal("pukul 10:30, rasio 1:5") == "pukul 10:30, rasio 1:5"


def test_swatch_takes_only_a_hex_colour():
    assert "background:#4E79A7" in markup.swatch("#4E79A7")
    for bad in ["red;background:url(https://evil.example/x.png)", "#12345", "#1234567", "expression(alert(1))", None,
                "#abcdef'><script>"]:
        html = markup.swatch(bad)
        assert "background:#999999" in html and "url(" not in html and "script" not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_one_html_line_holds_a_hostile_name_and_key_as_text(payload):
    """What swatch_markdown hands to unsafe_allow_html, rendered with raw HTML allowed: the swatch
    is its only element besides the key's code span, and the name and key read as written."""
    html = RENDERER.render(markup.swatch_line('#123456" onmouseover="alert(1)', name=payload, key=payload, bold=True))
    assert html.count("<span") == 1 and "background:#999999" in html and "onmouseover" not in html
    assert html.count("<code>") == 1 and html.count("<strong>") == 1
    rest = re.sub(r"</?(span|code|strong)\b[^>]*>", "", html)
    assert not TAG.search(rest), html
    name, _, key = visible_text(html).strip().partition(" · ")
    assert name == " ".join(payload.split()) and key == " ".join(payload.split())


def test_message_parameters_are_literal_but_numbers_stay_numbers():
    params = markup.escape_params({"name": "![x](https://evil.example/x.png)", "count": 3, "share": 0.5})
    assert params["count"] == 3 and params["share"] == 0.5
    assert "<img" not in RENDERER.render(str(params["name"]))
    # a DataFrame's numpy numbers stay numbers too, so a message's plural form can be chosen by them
    import numpy as np

    assert markup.escape_params({"count": np.int64(1)})["count"] == 1
    assert not isinstance(markup.escape_params({"count": np.int64(1)})["count"], str)


def _python_sources() -> list[Path]:
    return [*ROOT.glob("app_pages/*.py"), *ROOT.glob("qualcode/**/*.py"), ROOT / "app.py"]


def test_only_the_markup_helper_writes_html_into_a_page():
    offenders = [str(p.relative_to(ROOT)) for p in _python_sources()
                 if "unsafe_allow_html" in p.read_text(encoding="utf-8") and p.name != "markup.py"]
    assert offenders == []


def test_no_deprecated_components_v1_and_no_raw_html_elements():
    for path in _python_sources():
        text = path.read_text(encoding="utf-8")
        assert "components.v1" not in text or path.name == "frame.py", path  # frame.py names it in its docstring
        assert "st.html(" not in text, path


def test_the_component_scripts_never_parse_data_as_html():
    for path in (ROOT / "qualcode" / "ui" / "assets").glob("*.js"):
        text = path.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert sink not in text.replace("never innerHTML", ""), (path.name, sink)


@pytest.mark.parametrize("value", ["trust_building", "a`b", "``![x](https://evil.example/x.png)``", "<b>kunci</b>"])
def test_code_spans_hold_anything_literally(value):
    html = RENDERER.render(markup.code(value))
    assert html.startswith("<p><code>") and html.count("<code>") == 1 and "<img" not in html and "<b>" not in html
    assert visible_text(html).strip() == value
