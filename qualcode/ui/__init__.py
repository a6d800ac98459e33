"""The Streamlit layer: the only part of ``qualcode`` that imports Streamlit."""
