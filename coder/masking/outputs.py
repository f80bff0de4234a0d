"""Masking applied to what an output is made from, and the sentence every masked output carries.

The outputs compute on the stored text (offsets, counts, statistics); only what a reader sees is masked,
and where a quote's place in its source is known it is read there, so a name its edge cuts is hidden whole.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from coder.masking.apply import Masker

if TYPE_CHECKING:
    import pandas as pd


def methods_note(entries: int, lang: str) -> str:
    """The methods sentence of a masked output: that names were masked, by what, and how."""
    if lang == "en":
        return (
            f"Names of people, places and organisations are masked by the project's mask list ({entries} entries): "
            "each is replaced consistently, the same way in every output, and interviewees by their initials."
        )
    return f"文中人名、地名、机构名已按项目屏蔽列表（{entries} 项）替换：同一对象在所有导出中替换一致，受访者以姓名首字母代替。"


def triangulation(result: dict[str, Any], masker: Masker, texts: dict[str, str], entries: int) -> dict[str, Any]:
    """A triangulation result (coder.evidence.triangulation.check) as a report may show it: code names,
    strongest quotes read in their sources, fact statements' quotes, claims and citations masked;
    ``rules["masked"]`` set."""
    shown = copy.deepcopy(result)
    for row in shown.get("codes", []):  # an in-vivo code is named by what was said (马书记说了算)
        row["name"] = masker.mask(row["name"]) if isinstance(row.get("name"), str) else row.get("name")
    for row in [*shown.get("codes", []), *shown.get("claims", [])]:
        for quote in row.get("strongest", {}).values():
            text = texts.get(quote["source"])
            quote["text"] = masker.mask_span(text, quote["start"], quote["end"]) if text else masker.mask(quote["text"])
            quote["citation"] = masker.mask(quote["citation"])
    for claim in shown.get("claims", []):
        claim["text"] = masker.mask(claim["text"])
    for fact in shown.get("facts", []):
        for statement in fact.get("statements", []):
            statement["quote"] = masker.mask(statement["quote"])
            for key in ("terms", "subject"):  # jieba's words of the quote, as compared
                if key in statement:
                    statement[key] = _words(statement[key], masker)
    shown.setdefault("rules", {})["masked"] = entries
    return shown


def _words(words: list[str], masker: Masker) -> list[str]:
    """Words masked, and those that are a piece of a name left out (石滩村 of 黄石滩村: no entry matches it)."""
    return [masker.mask(w) for w in words if not _piece_of_a_name(w, masker)]


def frame(table: pd.DataFrame, masker: Masker, note: str, texts: dict[str, str] | None = None) -> pd.DataFrame:
    """An analysis display (or its KWIC lines) with every text cell and label masked: its row labels may
    be organisations, its cells quotes, its terms names. Counts are the stored text's, computed before.
    Quotes and KWIC lines whose place is known are read in ``texts`` (their sources), so a name their edge
    or jieba's cut splits is hidden whole; terms that are only a piece of a name are left out."""
    texts = texts or {}
    shown = table.copy()
    placed = _mask_placed(shown, masker, texts)
    if table.attrs.get("display") == "words" and "term" in shown.columns:
        shown = shown[[not _piece_of_a_name(term, masker) for term in shown["term"]]].copy()

    def hide(value: Any) -> Any:
        return masker.mask(value) if isinstance(value, str) else value

    for column in shown.columns:
        if column in placed:
            continue
        if shown[column].dtype == object or str(shown[column].dtype).startswith("str"):
            shown[column] = shown[column].map(hide)
    shown.index = shown.index.map(hide)
    shown.columns = shown.columns.map(hide)
    attrs = {**table.attrs, "masked_note": note}
    if isinstance(attrs.get("term"), str):  # the searched word heads the KWIC lines: a piece of a name too
        attrs["term"] = _hidden_term(attrs["term"], masker)
    shown.attrs = attrs
    return shown


# Columns of a display whose text is a stretch of a source: (text column, source, start, end).
PLACED = [("quote", "quote_source", "quote_start", "quote_end"), ("text", "source", "start", "end")]


def _mask_placed(shown: pd.DataFrame, masker: Masker, texts: dict[str, str]) -> set[str]:
    """Mask, in place, the cells read in their sources; the columns it masked."""
    columns = set(shown.columns)
    if {"left", "term", "right", "source", "start", "end"} <= columns:
        lines = [_kwic_line(masker, texts.get(row.source), row) for row in shown.itertuples(index=False)]
        for i, column in enumerate(("left", "term", "right")):
            shown[column] = [line[i] for line in lines]
        return {"left", "term", "right"}
    for text, source, start, end in PLACED:
        if {text, source, start, end} <= columns:
            shown[text] = [
                masker.mask_span(texts[s], int(a), int(b)) if s in texts and value else masker.mask(value or "")
                for value, s, a, b in zip(shown[text], shown[source], shown[start], shown[end], strict=True)
            ]
            return {text}
    return set()


def _kwic_line(masker: Masker, text: str | None, row: Any) -> tuple[str, str, str]:
    """A KWIC line's left context, term and right context masked as the one stretch of ``text`` they are:
    a name the term is part of (马 | 书记) is shown whole in the term's place, one the window cuts whole."""
    if text is None:
        return masker.mask(row.left), masker.mask(row.term), masker.mask(row.right)
    start, end = int(row.start), int(row.end)
    lo, hi = start - len(row.left), end + len(row.right)
    inside = masker.touching(text, start, end)
    a, b = min([start, *(m.start for m in inside)]), max([end, *(m.end for m in inside)])
    left = masker.mask_span(text, lo, a) if a > lo else ""
    right = masker.mask_span(text, b, hi) if hi > b else ""
    return left, masker.mask_span(text, a, b), right


def _piece_of_a_name(term: Any, masker: Masker) -> bool:
    """Whether ``term`` is the part of a name its replacement hides (石滩村 of 黄石滩村 → H村), not the part it
    keeps (书记 of 马书记 → M书记), nor an entry of its own (石桥镇 of 石桥镇人民政府: masked as S镇)."""
    return _name_holding(term, masker) is not None


def _name_holding(term: Any, masker: Masker) -> str | None:
    """The replacement of a name ``term`` is a hidden piece of, if it is one."""
    if not isinstance(term, str) or term in masker.entries:
        return None
    for name, entry in masker.entries.items():
        if term in name and term != name and term not in entry.replacement:
            return entry.replacement
    return None


def _hidden_term(term: str, masker: Masker) -> str:
    """A searched word as a heading shows it: masked, or a piece of a name as that name's replacement
    (晓梅 of 周晓梅 → ZXM)."""
    return _name_holding(term, masker) or masker.mask(term)
