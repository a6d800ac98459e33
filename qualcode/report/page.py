"""The report as one standalone HTML page: one inline stylesheet, charts as ``data:`` PNG, no script,
nothing fetched (its Content-Security-Policy forbids it too); every text escaped. Printable: each
main section starts a page, table headers repeat, displays print on landscape pages."""

from __future__ import annotations

import base64
from html import escape

from qualcode.report.layout import Block, Body, Figure, Heading, Para, Run, Table, layout
from qualcode.report.model import Report

STYLE = """
:root{--ink:#1f2328;--muted:#5b6169;--rule:#c9ced6;--zebra:#f5f7fa;--head:#e8edf3;--accent:#4E79A7;--bad:#E15759}
*{box-sizing:border-box}
body{font-family:Georgia,"Times New Roman",serif;font-size:11pt;line-height:1.5;color:var(--ink);max-width:62rem;
margin:2rem auto;padding:0 1.25rem}
h1,h2,h3,h4{font-family:"Helvetica Neue",Arial,sans-serif;line-height:1.25;break-after:avoid;page-break-after:avoid}
h1{font-size:1.9rem;margin:0 0 .5rem;border-bottom:3px solid var(--accent);padding-bottom:.4rem}
h2{font-size:1.45rem;margin:2.4rem 0 .8rem;border-bottom:1px solid var(--rule);padding-bottom:.25rem}
h3{font-size:1.15rem;margin:1.6rem 0 .5rem}h4{font-size:1rem;margin:1.1rem 0 .4rem}
p{margin:.35rem 0 .6rem}.muted{color:var(--muted);font-size:.92em}.flag{color:#8a4b00;font-weight:600}
code{font-family:"DejaVu Sans Mono",Menlo,monospace;font-size:.85em;background:var(--zebra);padding:0 .25em;
border-radius:3px}
.def{margin-top:0;margin-bottom:.25rem}
.body{white-space:pre-wrap;overflow-wrap:anywhere;margin:.3rem 0 .8rem;padding:.5rem .8rem;background:var(--zebra);
border-radius:4px}
.label{font-family:"Helvetica Neue",Arial,sans-serif;font-weight:600;font-size:.9em;margin:.6rem 0 .1rem}
blockquote{margin:.4rem 0 .7rem 1rem;padding:.35rem .9rem;border-left:4px solid var(--accent);background:#f3f6fa;
white-space:pre-wrap;overflow-wrap:anywhere}
blockquote.quote-contradicting{border-left-color:var(--bad);background:#fcf2f2}
.table{overflow-x:auto;margin:.5rem 0 1.2rem}
section.wide table{font-size:.78rem}section.wide th,section.wide td{padding:.2rem .35rem}
table{border-collapse:collapse;font-size:.86rem;font-family:"Helvetica Neue",Arial,sans-serif;width:auto;
max-width:100%}
th,td{border:1px solid var(--rule);padding:.28rem .5rem;vertical-align:top;text-align:left;overflow-wrap:break-word}
th.group{text-align:center}
thead th{background:var(--head);font-weight:600}
tbody tr:nth-child(even) td{background:var(--zebra)}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tbody tr td.heat{background:var(--heat)}
figure{margin:.8rem 0 1.2rem}figure img{max-width:100%;height:auto;display:block}
@page{size:A4;margin:18mm 16mm}
@page wide{size:A4 landscape;margin:14mm}
@media print{
 body{max-width:none;margin:0;padding:0;font-size:10pt}
 section{break-before:page;page-break-before:always}section:first-of-type{break-before:avoid;page-break-before:avoid}
 section>h2:first-child{margin-top:0}section.wide{page:wide}
 thead{display:table-header-group}tr,img,blockquote,figure,.body{break-inside:avoid;page-break-inside:avoid}
 .table{overflow:visible}
 table{font-size:8pt;width:100%}
 a{color:inherit;text-decoration:none}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""


def heat_colour(share: float) -> str:
    """A cell's shade: white to the accent blue, light enough for dark text."""
    alpha = 0.08 + 0.55 * max(0.0, min(1.0, share))
    red, green, blue = (round(255 + (c - 255) * alpha) for c in (0x4E, 0x79, 0xA7))
    return f"#{red:02x}{green:02x}{blue:02x}"


def _runs(runs: tuple[Run, ...]) -> str:
    tags = {"b": "strong", "i": "em", "code": "code"}
    out = []
    for text, fmt in runs:
        html = escape(text).replace("\n", "<br>")
        out.append(f"<{tags[fmt]}>{html}</{tags[fmt]}>" if fmt in tags else html)
    return "".join(out)


def _number(value: str) -> bool:
    return value.replace(".", "", 1).replace("-", "", 1).isdigit()


def _table(block: Table) -> str:
    if block.groups:  # two header rows: the row names span both, each group its columns
        top = "".join(f'<th scope="col" rowspan="2">{escape(h)}</th>' for h in block.headers[:block.index_columns])
        top += "".join(f'<th scope="colgroup" colspan="{n}" class="group">{escape(label)}</th>'
                       for label, n in block.groups)
        below = "".join(f'<th scope="col">{escape(h)}</th>' for h in block.headers[block.index_columns:])
        head = f"{top}</tr><tr>{below}"
    else:
        head = "".join(f'<th scope="col">{escape(h)}</th>' for h in block.headers)
    # A column of numbers only is right-aligned (a column of text with a number in it is not).
    numeric = [all(_number(row[c]) for row in block.rows if row[c]) for c in range(len(block.headers))]
    rows = []
    for r, row in enumerate(block.rows):
        cells = []
        for c, value in enumerate(row):
            share = block.heat[r][c] if block.heat else 0.0
            css = " ".join(x for x in ("num" if numeric[c] and value else "", "heat" if share > 0 else "") if x)
            attrs = (f' class="{css}"' if css else "") + (f' style="--heat:{heat_colour(share)}"' if share > 0 else "")
            cells.append(f"<td{attrs}>{escape(value)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (f'<div class="table"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        tag = f"h{block.level + 1}"
        return f"<{tag}>{escape(block.text)}</{tag}>"
    if isinstance(block, Para):
        if block.style.startswith("quote-"):
            return f'<blockquote class="{block.style}">{_runs(block.runs)}</blockquote>'
        indent = f' style="margin-left:{1.6 * block.indent:.1f}rem"' if block.indent else ""
        css = f' class="{block.style}"' if block.style else ""
        return f"<p{css}{indent}>{_runs(block.runs)}</p>"
    if isinstance(block, Body):
        label = f'<p class="label">{escape(block.label)}</p>' if block.label else ""
        return f'{label}<div class="body">{escape(block.text)}</div>'
    if isinstance(block, Figure):
        width, height = block.chart.size
        data = base64.b64encode(block.chart.png).decode("ascii")
        return (f'<figure><img src="data:image/png;base64,{data}" width="{width // 2}" height="{height // 2}" '
                f'alt="{escape(block.chart.title)}"></figure>')
    return _table(block)


def render_html(report: Report) -> str:
    """A standalone HTML page: no scripts, no external assets; every text from the database escaped."""
    title = escape(report.tr("report.title", project=report.project))
    head = [f'<!DOCTYPE html><html lang="{escape(report.lang)}"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            # Nothing in the report may fetch anything or run: a policy the browser enforces too.
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            'style-src \'unsafe-inline\'; img-src data:">',
            f"<title>{title}</title><style>{STYLE}</style></head><body>"]
    body: list[str] = []
    open_section = False
    for block in layout(report):
        if isinstance(block, Heading) and block.level == 1:  # each main section in its own <section>
            body.append(("</section>" if open_section else "") + ('<section class="wide">' if block.wide else "<section>"))
            open_section = True
        body.append(_block(block))
    if open_section:
        body.append("</section>")
    return "\n".join([*head, *body, "</body></html>"])
