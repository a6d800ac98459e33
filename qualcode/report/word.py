"""The report as a Word document (python-docx, the default template's styles): the same blocks as
the HTML, charts as pictures, table headers repeated on each page, zebra rows and shaded display
cells; each main section starts a page."""

from __future__ import annotations

import io

from docx import Document as DocxDocument
from docx.document import Document as DocxFile
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Inches, Mm, Pt, RGBColor
from docx.table import _Cell

from qualcode.report.layout import Body, Figure, Heading, Para, Table, layout
from qualcode.report.model import Report
from qualcode.report.page import heat_colour

MUTED = RGBColor(0x5B, 0x61, 0x69)
FLAG = RGBColor(0x8A, 0x4B, 0x00)
HEAD_FILL, ZEBRA_FILL = "E8EDF3", "F5F7FA"
PAGE_WIDTH_INCHES = 6.0  # A4 less the default margins


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _turn(section: Section) -> None:
    """The section's page turned a quarter: portrait to landscape and back."""
    width, height = section.page_width, section.page_height
    section.orientation = WD_ORIENT.PORTRAIT if section.orientation == WD_ORIENT.LANDSCAPE else WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = height, width


def _head(cell: _Cell, text: str, size: Pt) -> None:
    run = cell.paragraphs[0].add_run(text)
    run.bold, run.font.size = True, size


def _table(doc: DocxFile, block: Table) -> None:
    heads = 2 if block.groups else 1
    grid = doc.add_table(rows=heads, cols=len(block.headers))
    grid.style = "Table Grid"
    size = Pt(7.5 if len(block.headers) > 7 else 9)
    for row in grid.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeat on every page
        for cell in row.cells:
            _shade(cell, HEAD_FILL)
    names = list(block.headers)
    if block.groups:  # the row names span both header rows, each group its columns
        first = grid.rows[0].cells
        column = block.index_columns
        for label, span in block.groups:
            first[column].merge(first[column + span - 1])
            _head(first[column], label, size)
            column += span
        for i in range(block.index_columns):
            first[i].merge(grid.rows[1].cells[i])
        names = [""] * block.index_columns + names[block.index_columns:]
        for i in range(block.index_columns):
            _head(first[i], block.headers[i], size)
    for cell, name in zip(grid.rows[heads - 1].cells, names, strict=True):
        if name:
            _head(cell, name, size)
    for r, row in enumerate(block.rows):
        cells = grid.add_row().cells
        for c, (cell, value) in enumerate(zip(cells, row, strict=True)):
            cell.paragraphs[0].add_run(value).font.size = size
            share = block.heat[r][c] if block.heat else 0.0
            if share > 0:
                _shade(cell, heat_colour(share).lstrip("#").upper())
            elif r % 2 == 1:
                _shade(cell, ZEBRA_FILL)
    doc.add_paragraph()


def render_docx(report: Report) -> bytes:
    """The report as a Word document: headings, tables, pictures and quotes."""
    doc = DocxDocument()
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.sections[0].page_width, doc.sections[0].page_height = Mm(210), Mm(297)  # A4, as theses are printed
    doc.core_properties.title = report.tr("report.title", project=report.project)[:255]  # Word's limit
    doc.core_properties.language = report.lang
    sections = 0
    for block in layout(report):
        if isinstance(block, Heading):
            turned = False
            if block.level == 1:
                landscape = doc.sections[-1].orientation == WD_ORIENT.LANDSCAPE
                if block.wide != landscape:  # a new page in the other orientation
                    _turn(doc.add_section(WD_SECTION.NEW_PAGE))
                    turned = True
            heading = doc.add_heading(block.text, level=block.level)
            if block.level == 1:
                heading.paragraph_format.page_break_before = sections > 0 and not turned
                sections += 1
        elif isinstance(block, Para):
            quote = block.style.startswith("quote-")
            para = doc.add_paragraph(style="Quote" if quote else None)
            if block.indent:
                para.paragraph_format.left_indent = Pt(14 * block.indent)
            for text, fmt in block.runs:
                run = para.add_run(text)
                run.bold = fmt == "b" or block.style == "flag"
                run.italic = fmt == "i"
                if fmt == "code":
                    run.font.name = "Consolas"
                if block.style == "muted":
                    run.font.color.rgb = MUTED
                elif block.style == "flag":
                    run.font.color.rgb = FLAG
        elif isinstance(block, Body):
            if block.label:
                doc.add_paragraph().add_run(block.label).bold = True
            doc.add_paragraph(block.text)
        elif isinstance(block, Figure):
            width, _ = block.chart.size
            doc.add_picture(io.BytesIO(block.chart.png), width=Inches(min(PAGE_WIDTH_INCHES, width / 2 / 96)))
        else:
            _table(doc, block)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
