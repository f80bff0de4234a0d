"""Streamlit pages and components: the only package that imports streamlit, and it never runs SQL."""
