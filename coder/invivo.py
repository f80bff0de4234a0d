"""In vivo codes: a new code named after the words a researcher selected, added to ``codebook.yaml``.

The file is the codebook's source of truth and is written by hand, with comments. So the new code is
added to the text as one more entry of the ``codes:`` list, and everything else stays byte for byte;
the result then goes through the usual validated sync (``Project.save_codebook``), which refuses it
whole if anything is wrong. The selected words are also the code's first keyword: the tagger can then
suggest the code wherever the interviewee uses them again.
"""

from __future__ import annotations

import re

import yaml
from pypinyin import lazy_pinyin

from coder import codebook
from coder.errors import QcoderError

MAX_NAME = 40  # characters: a code's name is a label, not a quote
MAX_SLUG = 32
# Distinct, readable on white, none of them the default codebook's colours.
PALETTE = ("#8CD17D", "#B6992D", "#499894", "#E15759", "#79706E", "#D37295", "#A0CBE8", "#FFBE7D",
           "#86BCB6", "#F1CE63", "#D4A6C8", "#9D7660")  # fmt: skip
_TOP_LEVEL = re.compile(r"^[A-Za-z_][\w-]*\s*:", re.MULTILINE)


def with_new_code(text: str, dimension: str, name: str, name_en: str | None = None) -> tuple[str, str]:
    """``text`` (a valid codebook) with a new code ``name`` under ``dimension``; the new text and code id."""
    book = codebook.parse(text)
    name = " ".join(name.split())
    dimensions = {node.id for node in book.nodes if node.is_dimension}
    if dimension not in dimensions:
        raise QcoderError(
            f"没有维度 {dimension!r}：可选 {'、'.join(sorted(dimensions))}",
            f"there is no dimension {dimension!r}: choose one of {', '.join(sorted(dimensions))}",
        )
    if not 1 <= len(name) <= MAX_NAME:
        raise QcoderError(
            f"编码名称须为 1–{MAX_NAME} 个字符（现为 {len(name)}）：请缩短所选文字或改写名称",
            f"a code's name must be 1–{MAX_NAME} characters (this one has {len(name)}): shorten it",
        )
    if any(node.name == name and node.dimension == dimension for node in book.codes):
        raise QcoderError(f"维度 {dimension} 下已有编码“{name}”", f"dimension {dimension} already has a code “{name}”")
    code_id = _free_id(dimension, name, {node.id for node in book.nodes})
    entry = {"id": code_id, "name": name, **({"name_en": name_en} if name_en else {}), "parent": dimension,
             "color": _free_color(book), "keywords": [name]}  # fmt: skip
    block = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=1000)
    new_text = _append_to_codes(text, "\n" + _indented(block))
    codebook.parse(new_text)  # the text insertion must leave a valid codebook, or nothing is written
    return new_text, code_id


def slug(name: str) -> str:
    """An ASCII id part for a Chinese (or any) name: its pinyin, lowercase, joined by ``_``."""
    words = [re.sub(r"[^a-z0-9]", "", w.lower()) for w in lazy_pinyin(name)]
    joined = "_".join(w for w in words if w)[:MAX_SLUG].strip("_")
    if not joined or not joined[0].isalpha():
        joined = f"code_{joined}".strip("_")
    return joined


def _free_id(dimension: str, name: str, taken: set[str]) -> str:
    base = f"{dimension}.{slug(name)}"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}_{number}", number + 1
    return candidate


def _free_color(book: codebook.Codebook) -> str:
    used = {node.color.upper() for node in book.nodes}
    return next((c for c in PALETTE if c.upper() not in used), PALETTE[len(book.codes) % len(PALETTE)])


def _indented(block: str) -> str:
    """The one-item list as the default codebook writes its codes: two spaces in, fields aligned."""
    return "".join(f"  {line}\n" for line in block.splitlines())


def _append_to_codes(text: str, block: str) -> str:
    """``block`` at the end of the ``codes:`` list, before the next top-level key if there is one."""
    start = re.search(r"^codes\s*:", text, re.MULTILINE)
    if start is None:
        return text.rstrip("\n") + "\ncodes:\n" + block
    following = _TOP_LEVEL.search(text, start.end())
    end = following.start() if following else len(text)
    if following:  # comments just above the next key belong to it
        while (comment := re.search(r"(?:^|\n)([ \t]*#[^\n]*\n|[ \t]*\n)$", text[:end])) and comment.start(
            1
        ) > start.end():
            end = comment.start(1)
    body = text[:end].rstrip("\n")
    if body.endswith("[]"):  # `codes: []` becomes a block list
        body = body[:-2].rstrip()
    return body + "\n" + block + text[end:]
