"""The file edge: every byte that enters or leaves qualcode as a file passes through here.

- ``decode``: bytes to text (BOMs, UTF-16 with or without a mark, UTF-8, mixed files, legacy
  encodings named by charset-normalizer); control characters and ANSI escapes stripped.
- ``csvfile``: one CSV reader (decoder, delimiter sniffer, row limit) for every sheet.
- ``writer``: one CSV / XLSX writer that every download and export goes through; it neutralises
  cells a spreadsheet would run as a formula.
- ``charts``: the charts that are downloaded (SVG) or shown (Altair specifications).
- ``codebook``: one codebook reader and writer for YAML, CSV and REFI-QDA ``.qdc``, within the
  limits of ``qualcode.limits``.

Nothing here touches the database; importing into a project is ``qualcode.services``.
"""
