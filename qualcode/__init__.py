"""qualcode: a browser workbench for qualitative research on interview transcripts."""

__version__ = "0.1.0"
