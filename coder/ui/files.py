"""Download buttons for rendered files: one per format, each file rendered only when its button is clicked
(on another thread, so the renderer takes everything it needs as arguments)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

FILES = {  # format → (button label, MIME type)
    "md": ("Markdown", "text/markdown"),
    "docx": ("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": ("CSV", "text/csv"),
    "json": ("JSON", "application/json"),
}


def download_buttons(
    key: str, name: str, formats: tuple[str, ...], file: Callable[[str], Callable[[], bytes]], slots: int = 0
) -> None:
    """A button per format, ``name.<format>``, in a row of at least ``slots`` columns; ``file(fmt)()`` renders
    the file when clicked. Each button's key is ``<key>_<format>``."""
    for column, fmt in zip(st.columns(max(len(formats), slots))[: len(formats)], formats, strict=True):
        label, mime = FILES[fmt]
        column.download_button(
            label, data=file(fmt), file_name=f"{name}.{fmt}", mime=mime, key=f"{key}_{fmt}", on_click="ignore",
            icon=":material/download:",
        )  # fmt: skip
