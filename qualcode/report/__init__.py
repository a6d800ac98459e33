"""The study report, a thesis appendix: project and method summary, codebooks with definitions,
code frequencies (table and chart), analytic memos, contact summary sheets, pattern codes with
their codes, the chosen displays (case- and role-ordered matrices, the cross-framework matrix),
conclusions with their evidence quotes, a methods table (verification tactics and triangulation
per conclusion) and the supervision appendix.

:func:`build_report` reads the database into a plain :class:`Report` (``build.py``, charts
rendered to PNG without a browser); ``layout.py`` lays it out once as blocks; :func:`render_html`
(``page.py``: one standalone, styled, printable page, every text escaped, images as ``data:``
PNG) and :func:`render_docx` (``word.py``) walk the same blocks.
"""

from qualcode.report.build import build_report, default_matrices
from qualcode.report.model import MatrixChoice, Report, ReportChart
from qualcode.report.page import render_html
from qualcode.report.review import review_appendix
from qualcode.report.word import render_docx

__all__ = ["MatrixChoice", "Report", "ReportChart", "build_report", "default_matrices", "render_docx", "render_html",
           "review_appendix"]
