"""Page view models: for each page, the one thing it reads, built from the read side.

No Streamlit here: each module is plain dataclasses of DataFrames and values, built by functions
``(session, ...) -> View`` that call the read side (``qualcode.read``, ``qualcode.analysis``,
``qualcode.review.queries``, the read functions of ``qualcode.services``). Pages call these and
nothing below them, so a page never sees an ORM object or a query, and the read side can move
under them by changing one import here.
"""
