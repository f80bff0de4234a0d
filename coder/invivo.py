"""In vivo codes: a new code named after the words a researcher selected, added to ``codebook.yaml``.

The file is the codebook's source of truth and is written by hand, with comments. So the new code is
added to the text as one more entry of the ``codes:`` list, and everything else stays byte for byte;
the result then goes through the usual validated sync (``Project.save_codebook``), which refuses it
whole if anything is wrong. The selected words are also the code's first keyword: the tagger can then
suggest the code wherever the interviewee uses them again.

A codebook written in another layout (the ``codes`` list in flow style, say) takes no text insertion;
only then is it read and written out again whole, which loses its comments.

Codes brought in from another tool's project (:mod:`coder.export.qdpx_import`) are added the same way,
many at once and with a dimension of their own (:func:`with_entries_in`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pypinyin import lazy_pinyin

from coder import codebook
from coder.controls import CONTROL
from coder.errors import QcoderError
from coder.limits import NoAliasLoader, read_yaml_file

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
    for text_field in (name, name_en or ""):
        if found := CONTROL.search(text_field):
            char = f"U+{ord(found.group()):04X}"
            raise QcoderError(
                f"编码名称含不可见的控制字符 {char}，请删除",
                f"the code's name holds the invisible control character {char}",
            )
    if any(node.name == name and node.dimension == dimension for node in book.codes):
        raise QcoderError(f"维度 {dimension} 下已有编码“{name}”", f"dimension {dimension} already has a code “{name}”")
    code_id = free_id(dimension, name, {node.id for node in book.nodes})
    # A keyword holds no white space (jieba splits there), so words the selection spaces apart are one each.
    entry = {"id": code_id, "name": name, **({"name_en": name_en} if name_en else {}), "parent": dimension,
             "color": _free_color(book, dimension), "keywords": list(dict.fromkeys(name.split()))}  # fmt: skip
    return _inserted(text, book, [], [entry]), code_id


def with_entries(text: str, dimensions: list[dict[str, Any]], codes: list[dict[str, Any]]) -> str:
    """``text`` (a valid codebook, or empty when there is no file yet) with whole new dimension and code
    entries appended to its lists, everything else as it was; refused, naming the rule, when the result
    is not a valid codebook."""
    if not text.strip():
        fresh = yaml.safe_dump(
            {"version": 1, "dimensions": dimensions, "codes": codes}, allow_unicode=True, sort_keys=False, width=1000
        )
        codebook.parse(fresh)
        return fresh
    return _inserted(text, codebook.parse(text), dimensions, codes)


def _inserted(text: str, book: codebook.Codebook, dimensions: list[dict], codes: list[dict]) -> str:
    added = {entry["id"] for entry in [*dimensions, *codes]}
    try:
        new_text = _append(_append(text, "dimensions", dimensions), "codes", codes)
        _check_only_added(book, codebook.parse(new_text), added)
    except codebook.CodebookError:
        new_text = _redumped(text, dimensions, codes)
        # Refused here (nothing is written) when a new entry itself breaks a rule, with that rule's words.
        _check_only_added(book, codebook.parse(new_text), added)
    return new_text


def read(path: Path) -> str:
    """The codebook file's text with its line endings as written (a Windows editor's CRLF too)."""
    try:
        read_yaml_file(path)  # the size limit, before anything is read
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QcoderError(f"无法读取编码簿 {path}：{exc}", f"cannot read codebook {path}: {exc}") from None


def with_new_code_in(raw: str, dimension: str, name: str, name_en: str | None = None) -> tuple[str, str]:
    """:func:`with_new_code` for a file's text as read by :func:`read`: CRLF files stay CRLF."""
    crlf = "\r\n" in raw
    new_text, code_id = with_new_code(raw.replace("\r\n", "\n") if crlf else raw, dimension, name, name_en)
    return (new_text.replace("\n", "\r\n") if crlf else new_text), code_id


def with_entries_in(raw: str, dimensions: list[dict[str, Any]], codes: list[dict[str, Any]]) -> str:
    """:func:`with_entries` for a file's text as read by :func:`read`: CRLF files stay CRLF."""
    crlf = "\r\n" in raw
    new_text = with_entries(raw.replace("\r\n", "\n") if crlf else raw, dimensions, codes)
    return new_text.replace("\n", "\r\n") if crlf else new_text


def slug(name: str) -> str:
    """An ASCII id part for a Chinese (or any) name: its pinyin, lowercase, joined by ``_``, cut at a
    word so that it stays readable."""
    words = [w for chunk in lazy_pinyin(name) for w in re.findall(r"[a-z0-9]+", chunk.lower())]
    joined = ""
    for word in words:
        longer = f"{joined}_{word}" if joined else word
        if len(longer) > MAX_SLUG:
            joined = joined or word[:MAX_SLUG]
            break
        joined = longer
    if not joined or not joined[0].isalpha():
        joined = f"code_{joined}".strip("_")
    return joined


def free_id(dimension: str, name: str, taken: set[str] | frozenset[str]) -> str:
    """``dimension.slug``, numbered ``_2``, ``_3`` … while ``taken`` has it."""
    return numbered(f"{dimension}.{slug(name)}", taken)


def numbered(base: str, taken: set[str] | frozenset[str]) -> str:
    """``base``, else ``base_2``, ``base_3`` …: the first that ``taken`` does not hold."""
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}_{number}", number + 1
    return candidate


def _free_color(book: codebook.Codebook, dimension: str) -> str:
    """A palette colour no code or dimension has yet; once all are taken, the dimension's own."""
    used = {node.color.upper() for node in book.nodes}
    return next((c for c in PALETTE if c.upper() not in used), book.by_id()[dimension].color)


def _check_only_added(book: codebook.Codebook, new_book: codebook.Codebook, added: set[str]) -> None:
    """The new codebook is the old one plus the ``added`` ids, every other node as it was: an insertion
    that landed inside another entry would change that entry, and the sync would write the change unasked."""

    def content(nodes: list[codebook.CodeSpec]) -> list[dict[str, Any]]:
        return [{k: v for k, v in vars(n).items() if k not in ("line", "parent_line")} for n in nodes]

    kept = [n for n in new_book.nodes if n.id not in added]
    changed = new_book.name != book.name or content(kept) != content(book.nodes)
    if changed or len(new_book.nodes) - len(kept) != len(added):
        raise codebook.CodebookError(
            "codebook.yaml", [(0, "插入新编码改变了其他内容", "the insertion changed other entries")]
        )


def _block(entries: list[dict[str, Any]], indent: str) -> str:
    """The items as the file writes its list entries: ``indent`` in, fields aligned after ``- ``."""
    lines = []
    for entry in entries:
        fields = {k: v for k, v in entry.items() if k != "keywords"}
        lines += yaml.safe_dump([fields], allow_unicode=True, sort_keys=False, width=1000).splitlines()
        if "keywords" in entry:  # terms on one line, in brackets, as the default codebook writes them
            terms = yaml.safe_dump(entry["keywords"], allow_unicode=True, default_flow_style=True, width=1000)
            lines.append(f"  keywords: {terms.strip()}")
    return "\n" + "".join(f"{indent}{line}\n" for line in lines)


def _redumped(text: str, dimensions: list[dict[str, Any]], codes: list[dict[str, Any]]) -> str:
    data = yaml.load(text, Loader=NoAliasLoader)
    data["dimensions"] = [*(data.get("dimensions") or []), *dimensions]
    data["codes"] = [*(data.get("codes") or []), *codes]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def _append(text: str, key: str, entries: list[dict[str, Any]]) -> str:
    """``entries`` at the end of the ``key:`` list, before the next top-level key if there is one, indented
    as the list's first item is."""
    if not entries:
        return text
    start = re.search(rf"^{key}\s*:", text, re.MULTILINE)
    if start is None:
        return text.rstrip("\n") + f"\n{key}:\n" + _block(entries, "  ")
    following = _TOP_LEVEL.search(text, start.end())
    end = following.start() if following else len(text)
    item = re.compile(r"^([ \t]*)-[ \t]", re.MULTILINE).search(text, start.end(), end)
    block = _block(entries, item.group(1) if item else "  ")
    if following:  # comments just above the next key belong to it
        while (comment := re.search(r"(?:^|\n)([ \t]*#[^\n]*\n|[ \t]*\n)$", text[:end])) and comment.start(
            1
        ) > start.end():
            end = comment.start(1)
    body = text[:end].rstrip("\n")
    if body.endswith("[]"):  # `codes: []` becomes a block list
        body = body[:-2].rstrip()
    return body + "\n" + block + text[end:]
