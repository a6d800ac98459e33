"""Documents: what the project holds."""

import streamlit as st

from qualcode import queries
from qualcode.ui import state
from qualcode.ui.state import tr

st.title(tr("nav.documents"))
pid = state.require_project()

with state.reading() as session:
    table = queries.document_table(session, pid)

if table.empty:
    st.info(tr("documents.empty"))
else:
    table["kind"] = table["kind"].map(lambda k: tr(f"kind.{k}"))
    st.dataframe(
        table.drop(columns=["id"]),
        hide_index=True,
        width="stretch",
        column_config={
            "title": tr("documents.title"),
            "kind": tr("documents.kind"),
            "length": st.column_config.NumberColumn(tr("documents.length")),
            "original_filename": tr("documents.file"),
            "codings": st.column_config.NumberColumn(tr("documents.codings")),
            "imported_at": st.column_config.DatetimeColumn(tr("documents.imported_at"), format="YYYY-MM-DD HH:mm"),
        },
    )
