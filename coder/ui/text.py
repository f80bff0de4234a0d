"""Putting user text into Streamlit elements that read Markdown, without it being read as Markdown, and
code names in the interface language."""

from __future__ import annotations

import re
from typing import Any

from coder.ui.i18n import language

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: str) -> str:
    """Escape every character Markdown (or Streamlit's HTML-in-markdown) could act on."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def blockquote(text: str) -> str:
    """Source text as a Markdown quote: every line escaped, so it shows exactly as written."""
    return "\n".join(f"> {plain(line)}" for line in (str(text).splitlines() or [""]))


def code_name(code: dict[str, Any], lang: str | None = None) -> str:
    """A code's (or dimension's) name in the interface language, or in ``lang``: its English name in
    English where it has one, its Chinese name otherwise. The one rule every page names codes by."""
    english = (lang or language()) == "en"
    return code.get("name_en") if english and code.get("name_en") else code["name"]


def code_names(codes: list[dict[str, Any]], lang: str | None = None) -> dict[str, str]:
    """Code ID → its name in the interface language (the Chinese name when there is no English one)."""
    return {c["id"]: code_name(c, lang) for c in codes}


def code_label(code_id: str, names: dict[str, str], lang: str | None = None) -> str:
    """A code by name with its id beside it, punctuated for the language: 能上能下（action.up_down） /
    Promotion and demotion (action.up_down)."""
    name = names.get(code_id, code_id)
    return f"{name}（{code_id}）" if (lang or language()) != "en" else f"{name} ({code_id})"
