"""Text made safe for where it goes: Markdown, Word/XML, spreadsheets — and shortened without breaking words.

Source text is the researcher's evidence and may hold anything a transcript can (``<script>``, ``|``,
``=SUM(…)``, control characters pasted from a PDF). Every export passes it through one of these.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from coder.errors import QcoderError

CLAUSE_MARKS = "。！？；，、"
SENTENCE_MARKS = "。！？!?；;…"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # not allowed in XML, nor Word


def labels_for(fmt: str, formats: tuple[str, ...], lang: str, labels: dict[str, dict[str, str]]) -> dict[str, str]:
    """The headings of ``lang`` for a file in ``fmt``; an unknown format or language is refused by name."""
    if fmt not in formats:
        raise QcoderError(
            f"不支持的导出格式“{fmt}”；可用格式：{'、'.join(formats)}",
            f"unknown export format '{fmt}'; use one of: {', '.join(formats)}",
        )
    if lang not in labels:
        raise QcoderError(f"不支持的语言“{lang}”：应为 zh 或 en", f"unknown language '{lang}': use zh or en")
    return labels[lang]


def clean(data: Any) -> Any:
    """``data`` (strings, lists, dicts) without the characters XML and Word refuse: control characters and
    lone surrogates."""
    if isinstance(data, str):
        return _ILLEGAL.sub("", data)
    if isinstance(data, dict):
        return {key: clean(value) for key, value in data.items()}
    return [clean(item) for item in data] if isinstance(data, list) else data


def md(text: Any) -> str:
    """Text safe in Markdown, tables included: one line, no raw HTML (renderers pass it through), no markup."""
    text = " ".join(str(text).splitlines())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*~\[\]|])", r"\\\1", text)


def md_table(header: list[str], rows: list[list[Any]], bold_first: list[bool] | None = None) -> list[str]:
    """A Markdown table as lines, every cell escaped; ``bold_first`` marks rows whose first cell is bold."""
    lines = ["| " + " | ".join(map(md, header)) + " |", "|" + " --- |" * len(header)]
    for n, row in enumerate(rows):
        cells = [md(c) for c in row]
        if bold_first and bold_first[n]:
            cells[0] = f"**{cells[0]}**"
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def spreadsheet_cell(value: Any) -> Any:
    """A value a spreadsheet will show as text, never run: cells starting with = + - @ tab or CR get a
    leading apostrophe (OWASP's advice for CSV injection); numbers and empty cells pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def shorten(text: str, limit: int, marks: str = CLAUSE_MARKS) -> str:
    """``text`` cut to at most ``limit`` characters after its last mark from ``marks`` and ended with “……”,
    so it never reads as the speaker's whole sentence nor ends mid-phrase. Without such a mark it ends
    between characters that do not belong together (never inside a Latin word or number, a surrogate pair
    or a combined character)."""
    text = re.sub(r"\s*[\r\n]+\s*", " ", str(text)).strip()
    if len(text) <= limit:
        return text
    cut = max(text.rfind(mark, 0, limit) + 1 for mark in marks)
    if cut <= 1:
        cut = limit
        while cut > 1 and _inside(text[cut - 1], text[cut]):
            cut -= 1
        cut = cut if cut > 1 else limit
    return text[:cut].rstrip(" " + CLAUSE_MARKS + marks) + "……"


def _inside(before: str, after: str) -> bool:
    """Would a cut between these two characters split a Latin word or number, or one visible character?"""
    word = before.isascii() and before.isalnum() and after.isascii() and after.isalnum()
    pair = "\ud800" <= before <= "\udbff" or before == "\u200d" or after in "\u200d\ufe0e\ufe0f"
    return word or pair or unicodedata.combining(after) > 0
