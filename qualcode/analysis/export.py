"""Displays as files, kept for the pages that import it: the writers are ``qualcode.files.writer``
and the charts ``qualcode.files.charts`` (import those in new code)."""

from __future__ import annotations

from qualcode.files.charts import bar_chart_svg, network_svg
from qualcode.files.writer import csv_bytes, xlsx_bytes

__all__ = ["bar_chart_svg", "csv_bytes", "network_svg", "xlsx_bytes"]
