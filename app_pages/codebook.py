"""Codebook: browse the code tree with definitions and criteria."""

import streamlit as st

from qualcode.models import Code
from qualcode.queries import tree_sorted
from qualcode.services import codebooks as codebook_service
from qualcode.ui import state
from qualcode.ui.state import tr

st.title(tr("nav.codebook"))
pid = state.require_project()
lang = state.lang()

with state.reading() as session:
    books = codebook_service.list_codebooks(session, pid)
    trees = {b.id: tree_sorted(list(b.codes)) for b in books}
    inductive = list(session.query(Code).filter(Code.project_id == pid, Code.codebook_id.is_(None)).order_by(Code.path))

if not books and not inductive:
    st.info(tr("codebook.empty"))

for book in books:
    with st.container(border=True):
        st.subheader(book.name)
        st.caption(f"`{book.key}` · {tr('codebook.version')} {book.version} · {book.source}")
        for code in trees[book.id]:
            indent = "\u2003" * code.depth
            with st.expander(f"{indent}{code.label(lang)}  ·  `{code.key}`"):
                st.markdown(
                    f"<span style='display:inline-block;width:1em;height:1em;background:{code.colour};"
                    f"border-radius:3px;vertical-align:middle'></span> `{code.path}`",
                    unsafe_allow_html=True,
                )
                if code.definition:
                    st.markdown(f"**{tr('codebook.definition')}**: {code.definition}")
                if code.inclusion:
                    st.markdown(f"**{tr('codebook.inclusion')}**: {code.inclusion}")
                if code.exclusion:
                    st.markdown(f"**{tr('codebook.exclusion')}**: {code.exclusion}")
                if code.examples:
                    st.markdown(f"**{tr('codebook.examples')}**")
                    for example in code.examples:
                        st.markdown(f"> {example}")
                if code.indicators:
                    st.caption(f"{tr('codebook.indicators')}: " + ", ".join(code.indicators))
