"""Text made safe for where it goes: Markdown, Word/XML, spreadsheets — shortened without breaking words, and
quoted with its inner quotation marks nested the way a Chinese paper prints them.

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
_CURLY = {"“": ("double", True), "”": ("double", False), "‘": ("single", True), "’": ("single", False)}
_STRAIGHT = {'"': "straight double", "'": "straight single"}
_NESTED = (("‘", "’"), ("“", "”"))  # a quotation one level inside the outer “” takes ‘’, the next “” again, …
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


def quoted(text: str) -> str:
    """``text`` in “” as a Chinese paper prints a quote, the quotations inside it alternating ‘’ and “” by depth
    whatever marks the transcriber typed (GB/T 15834-2011 标点符号用法: 引号里面还要用引号时，外面一层用双引号，
    里面一层用单引号). Display only: the text keeps its length and every character but the marks that pair up.
    Left as written: a mark a shortened quote left open or closed, an apostrophe (don’t, O'Brien), straight
    quotes that touch no Chinese (code, URLs, English) and 「」『』, which are neither changed nor counted."""
    chars = list(text)
    depth = 0
    for index, opens in sorted((i, n == 0) for pair in _pairs(text) for n, i in enumerate(pair)):
        if opens:
            depth += 1
        chars[index] = _NESTED[(depth - 1) % 2][0 if opens else 1]
        if not opens:
            depth -= 1
    return "“" + "".join(chars) + "”"


def _pairs(text: str) -> list[tuple[int, int]]:
    """The quotation marks that pair up, as (opening, closing) indices and properly nested: a closing mark closes
    the nearest open mark of its kind, and what was opened inside it and never closed stays unpaired."""
    open_marks: list[tuple[str, int]] = []
    pairs = []
    for index, char in enumerate(text):
        if char in _CURLY and not _apostrophe(text, index):
            kind, opens = _CURLY[char]
        elif char in _STRAIGHT and not _apostrophe(text, index):
            kind = _STRAIGHT[char]
            opens = all(open_kind != kind for open_kind, _ in open_marks)  # a straight mark closes the open one
        else:
            continue
        if opens:
            open_marks.append((kind, index))
            continue
        for n in range(len(open_marks) - 1, -1, -1):
            if open_marks[n][0] == kind:
                pairs.append((open_marks[n][1], index))
                del open_marks[n:]
                break
    return [(start, end) for start, end in pairs if text[start] in _CURLY or _touches_chinese(text, start, end)]


def _apostrophe(text: str, index: int) -> bool:
    """’ or ' between two letters of an alphabet is an apostrophe, not a quotation mark."""
    return (
        text[index] in "’'"
        and 0 < index < len(text) - 1
        and all(char.isalnum() and not _wide(char) for char in (text[index - 1], text[index + 1]))
    )


def _touches_chinese(text: str, start: int, end: int) -> bool:
    """Do straight quotes at ``start`` and ``end`` quote Chinese, or stand right next to it (说"OK"就走了)?"""
    around = text[start - 1 : start] + text[end + 1 : end + 2]
    return any(map(_wide, text[start + 1 : end] + around))


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")
