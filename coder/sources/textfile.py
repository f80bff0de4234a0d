"""Turn a file's bytes into the normalised text qcoder stores.

The encodings Chinese fieldwork files arrive in are a closed set — UTF-8 (with or without BOM),
UTF-16 and GB18030/GBK — so a strict cascade decides more reliably than a statistical guesser:
a BOM is certain; UTF-8 is strict enough that Chinese GBK bytes almost never pass it; what is left is
GB18030 (a superset of GBK). Binary content is caught before decoding, by magic numbers and NUL bytes.
"""

from __future__ import annotations

import codecs
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coder import limits
from coder.errors import FileProblem

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
DOCX_SUFFIXES = {".docx"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | DOCX_SUFFIXES

_MAGIC = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"PK\x03\x04": "ZIP",
    b"\xd0\xcf\x11\xe0": "Office 97–2003 (.doc/.xls)",
    b"\x7fELF": "ELF",
    b"SQLite format 3": "SQLite",
}


@dataclass
class Document:
    """A file's text as qcoder stores it, and what the file states about itself (its date, title …)."""

    text: str
    facts: dict[str, Any] = field(default_factory=dict)  # keys: date (datetime.date), title, outlet, author, url
    date_from: str | None = None  # where facts["date"] was read, "中文 / English"


def read_document(path: Path, raw: bytes | None = None) -> Document:
    """The file's :func:`read_text` and the facts it states about itself."""
    return Document(read_text(path, raw))


def read_text(path: Path, raw: bytes | None = None) -> str:
    """The normalised text of a .txt/.md/.docx file (NFC, ``\\n`` newlines, no BOM), refused over the
    size limit (:mod:`coder.limits`) before it is decoded."""
    docx = path.suffix.lower() in DOCX_SUFFIXES
    if not docx:
        limits.check_source_file(path, None if raw is None else len(raw))
    raw = path.read_bytes() if raw is None else raw
    text = docx_text(path, raw) if docx else decode(path, raw)
    limits.check_source_text(str(path), text)
    text = normalise(text)
    if not text.strip():
        raise FileProblem(f"{path}：文件为空", f"{path}: the file is empty")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise FileProblem(
            f"{path} 第 {line} 行：含 NUL 字符，不是纯文本", f"{path} line {line}: contains a NUL character"
        )
    return text


def normalise(text: str) -> str:
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def decode(path: Path, raw: bytes) -> str:
    if not raw.strip():
        raise FileProblem(f"{path}：文件为空", f"{path}: the file is empty")
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if raw.startswith(bom):
            return _strict(path, raw, encoding)
    utf16 = _bomless_utf16(raw)
    if utf16:
        return _strict(path, raw, utf16)
    _refuse_binary(path, raw)
    try:
        return _plausible(path, raw.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    try:
        return _common_hanzi(path, _plausible(path, raw.decode("gb18030")))
    except UnicodeDecodeError:
        pass
    raise FileProblem(
        f"{path}：无法解码，既不是 UTF-8/UTF-16，也不是 GB18030/GBK 编码",
        f"{path}: cannot decode: neither UTF-8/UTF-16 nor GB18030/GBK",
    )


def _strict(path: Path, raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FileProblem(
            f"{path}：按 {encoding} 解码失败（第 {exc.start} 字节）",
            f"{path}: cannot decode as {encoding} (byte {exc.start})",
        ) from None


def _bomless_utf16(raw: bytes) -> str | None:
    """UTF-16 without a BOM shows as NUL in every other byte for Latin text, rarely for hanzi: check both."""
    if len(raw) < 4 or len(raw) % 2:
        return None
    sample = raw[:4000]
    even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
    for encoding in ("utf-16-le", "utf-16-be"):
        if (encoding == "utf-16-le" and odd_nuls > even_nuls) or (encoding == "utf-16-be" and even_nuls > odd_nuls):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                return None
            return encoding if _mostly_text(text) else None
    return None


def _refuse_binary(path: Path, raw: bytes) -> None:
    for magic, kind in _MAGIC.items():
        if raw.startswith(magic):
            raise FileProblem(f"{path}：是二进制文件（{kind}），不是文本", f"{path}: binary file ({kind}), not text")
    if b"\x00" in raw[:8000]:
        raise FileProblem(f"{path}：含 NUL 字节，是二进制文件", f"{path}: contains NUL bytes: a binary file")


def _plausible(path: Path, text: str) -> str:
    if not _mostly_text(text):
        raise FileProblem(
            f"{path}：内容大多是控制字符，像是二进制文件或编码错误",
            f"{path}: mostly control characters: binary or wrongly encoded",
        )
    return text


def _common_hanzi(path: Path, text: str) -> str:
    """GB18030 accepts almost any bytes: Big5 read as GB18030 is rare characters, not Chinese. Refuse it."""
    hanzi = [ch for ch in text[:4000] if "\u4e00" <= ch <= "\u9fff"]
    common = sum(1 for ch in hanzi if _in_gb2312(ch))
    if len(hanzi) >= 20 and common < 0.8 * len(hanzi):
        raise FileProblem(
            f"{path}：按 GB18030 解码后多为生僻字，可能是 Big5 或其他编码；请另存为 UTF-8",
            f"{path}: decoded as GB18030 it is mostly rare characters (Big5 or another encoding?); save it as UTF-8",
        )
    return text


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _mostly_text(text: str) -> bool:
    sample = text[:4000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    return controls <= len(sample) * 0.01


def docx_text(path: Path, raw: bytes) -> str:
    """Paragraphs and tables of a Word file in document order; a table row becomes one tab-separated line.

    Text is read from the XML runs so that tracked insertions count and tracked deletions do not, as
    Word shows the document with changes accepted.
    """
    import docx  # python-docx is heavy to import; only .docx imports pay for it

    limits.check_members(raw, str(path), ".docx")  # python-docx would inflate whatever the zip holds
    try:
        body = docx.Document(io.BytesIO(raw)).element.body
    except Exception as exc:
        raise FileProblem(
            f"{path}：不是有效的 .docx 文件（{exc}）", f"{path}: not a valid .docx file ({exc})"
        ) from None
    limits.check_xml_tree(body, f"{path}: word/document.xml")
    lines: list[str] = []
    for block in body.iterchildren(_W + "p", _W + "tbl"):
        lines.extend(_table_lines(block) if block.tag == _W + "tbl" else [_paragraph_text(block)])
    return "\n".join(lines)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _paragraph_text(paragraph) -> str:
    parts = []
    for node in paragraph.iter(_W + "t", _W + "tab", _W + "br", _W + "cr"):
        if any(ancestor.tag == _W + "del" for ancestor in node.iterancestors()):
            continue
        parts.append(node.text or "" if node.tag == _W + "t" else "\t" if node.tag == _W + "tab" else "\n")
    return "".join(parts)


def _table_lines(table) -> list[str]:
    """One line per row; a vertically merged cell counts once (in its first row); nested tables inline."""
    lines = []
    for row in table.iterchildren(_W + "tr"):
        cells = []
        for cell in row.iterchildren(_W + "tc"):
            merge = cell.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge.get(_W + "val") in (None, "continue"):
                cells.append("")
                continue
            parts = []
            for block in cell.iterchildren(_W + "p", _W + "tbl"):
                parts.extend(_table_lines(block) if block.tag == _W + "tbl" else [_paragraph_text(block)])
            cells.append(" ".join(p.strip() for p in parts if p.strip()))
        lines.append("\t".join(cells))
    return lines
