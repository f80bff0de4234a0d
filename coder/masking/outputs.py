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
    """A triangulation result (coder.evidence.triangulation.check) as a report may show it: strongest quotes
    read in their sources, fact statements' quotes, claims and citations masked; ``rules["masked"]`` set."""
    shown = copy.deepcopy(result)
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
    """Words masked, and those that are only a piece of a name left out (石滩村 of 黄石滩村: no entry matches it)."""
    names = masker.entries
    return [masker.mask(w) for w in words if not any(w in name and w != name for name in names)]


def frame(table: pd.DataFrame, masker: Masker, note: str) -> pd.DataFrame:
    """An analysis display (or its KWIC lines) with every text cell and label masked: its row labels may
    be organisations, its cells quotes, its terms names. Counts are the stored text's, computed before."""

    def hide(value: Any) -> Any:
        return masker.mask(value) if isinstance(value, str) else value

    shown = table.copy()
    for column in shown.columns:
        if shown[column].dtype == object or str(shown[column].dtype).startswith("str"):
            shown[column] = shown[column].map(hide)
    shown.index = shown.index.map(hide)
    shown.columns = shown.columns.map(hide)
    shown.attrs = {**table.attrs, "masked_note": note}
    return shown
