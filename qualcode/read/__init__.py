"""The read side: everything a page, export, display, report or agreement computation reads.

- :mod:`qualcode.read.filters`: :class:`~qualcode.read.filters.Filters`, the one description of
  what a reading is restricted to (codebook, code with its sub-codes, coder, document kind,
  stakeholder group, case, documents).
- :mod:`qualcode.read.codes`: code helpers: a code's label in a language, descendants by path,
  tree order, and the code frame (one row per code with its dimension).
- :mod:`qualcode.read.frame`: the coding frame, one row per coding, and the tables around it
  (cases per document, the segment table, the turn each segment starts in).
- :mod:`qualcode.read.measures`: named measures over the frame: code frequencies, codings per
  code broken down by coder/document/group, and coding coverage per document and coder.
- :mod:`qualcode.read.tables`: listing tables for pages (projects, documents, cases, codes).
- :mod:`qualcode.read.entities`: lists and lookups of projects, members, documents, cases,
  codebooks, codes, memos, codings and analysis records (ORM objects, for pages and the CLI).
- :mod:`qualcode.read.dependants`: what goes with a document when it is deleted (everything the
  database cascades from it), for the confirmation and the audit trail.

Nothing here writes: the write side is :mod:`qualcode.services`. Functions take a SQLAlchemy
``Session`` and a project id and return DataFrames, plain values or ORM objects.
"""
