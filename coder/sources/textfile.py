"""Turn a file's bytes into the normalised text qcoder stores, and read what the file says about itself.

:func:`read_document` is the one entry: .txt/.md are decoded here, .docx read here, .pdf in
:mod:`coder.sources.pdf`, saved web pages (.html/.htm) in :mod:`coder.sources.webpage`. Every text
comes out the same way (NFC, ``\\n`` newlines, no BOM, within :mod:`coder.limits`); the facts a file
states about itself (:class:`Document`) are cleaned here too: text facts are NFC, on one line, and
dropped when empty, implausibly long or holding control characters.

The encodings Chinese fieldwork files arrive in are a closed set — UTF-8 (with or without BOM),
UTF-16 and GB18030/GBK — so a strict cascade decides more reliably than a statistical guesser:
a BOM is certain; UTF-8 is strict enough that Chinese GBK bytes almost never pass it; what is left is
GB18030 (a superset of GBK). Binary content is caught before decoding, by magic numbers and NUL bytes.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coder import limits
from coder.errors import FileProblem

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
DOCX_SUFFIXES = {".docx"}
PDF_SUFFIXES = {".pdf"}
HTML_SUFFIXES = {".html", ".htm"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | DOCX_SUFFIXES | PDF_SUFFIXES | HTML_SUFFIXES
FACT_KEYS = ("date", "title", "outlet", "author", "url")
MAX_FACT_CHARS = 500  # a title, an outlet or a URL; longer is a file's junk, not what it says about itself

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
    date_from: tuple[str, str] | None = None  # where facts["date"] was read: (中文, English)


def read_document(path: Path, raw: bytes | None = None) -> Document:
    """The normalised text of a .txt/.md/.docx/.pdf/.html file (NFC, ``\\n`` newlines, no BOM) and the
    facts it states about itself, refused over the size limits (:mod:`coder.limits`) before it is parsed."""
    suffix = path.suffix.lower()
    limits.check_source_file(path, None if raw is None else len(raw))
    raw = path.read_bytes() if raw is None else raw
    if suffix in DOCX_SUFFIXES:
        document = docx_document(path, raw)
    elif suffix in PDF_SUFFIXES:
        from coder.sources import pdf  # imports this module: loaded when a PDF comes

        document = pdf.read_pdf(path, raw)
    elif suffix in HTML_SUFFIXES:
        from coder.sources import webpage

        document = webpage.read_webpage(path, raw)
    else:
        document = Document(decode(path, raw))
    limits.check_source_text(str(path), document.text)
    document.text = normalise(document.text)
    if not document.text.strip():
        raise FileProblem(f"{path}：文件为空", f"{path}: the file is empty")
    if "\x00" in document.text:
        line = document.text.count("\n", 0, document.text.index("\x00")) + 1
        raise FileProblem(
            f"{path} 第 {line} 行：含 NUL 字符，不是纯文本", f"{path} line {line}: contains a NUL character"
        )
    document.facts = _clean_facts(document.facts)
    if "date" not in document.facts:
        document.date_from = None
    return document


def read_text(path: Path, raw: bytes | None = None) -> str:
    """The normalised text of a supported file (see :func:`read_document`)."""
    return read_document(path, raw).text


def _clean_facts(facts: dict[str, Any]) -> dict[str, Any]:
    """Facts as they can be stored and shown: known keys, dates as dates, text NFC on one line."""
    clean: dict[str, Any] = {}
    for key in FACT_KEYS:
        value = facts.get(key)
        if key == "date":
            if isinstance(value, dt.date):
                clean[key] = value
            continue
        if not isinstance(value, str):
            continue
        value = " ".join(unicodedata.normalize("NFC", value).split())
        unstorable = any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value)
        if value and len(value) <= MAX_FACT_CHARS and not unstorable:
            clean[key] = value
    return clean


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


def docx_document(path: Path, raw: bytes) -> Document:
    """Paragraphs and tables of a Word file in document order; a table row becomes one tab-separated line.

    Text is read from the XML runs so that tracked insertions count and tracked deletions do not, as
    Word shows the document with changes accepted. Facts come from the core properties (:func:`_docx_facts`).
    """
    import docx  # python-docx is heavy to import; only .docx imports pay for it

    limits.check_members(raw, str(path), ".docx")  # python-docx would inflate whatever the zip holds
    try:
        word = docx.Document(io.BytesIO(raw))
        body = word.element.body
        properties = word.core_properties
    except Exception as exc:
        raise FileProblem(
            f"{path}：不是有效的 .docx 文件（{exc}）", f"{path}: not a valid .docx file ({exc})"
        ) from None
    limits.check_xml_tree(body, f"{path}: word/document.xml")
    limits.check_xml_tree(properties._element, f"{path}: docProps/core.xml")
    lines: list[str] = []
    for block in body.iterchildren(_W + "p", _W + "tbl"):
        lines.extend(_table_lines(block) if block.tag == _W + "tbl" else [_paragraph_text(block)])
    facts = _docx_facts(properties)
    return Document("\n".join(lines), facts, DOCX_DATE_FROM if "date" in facts else None)


DOCX_DATE_FROM = ("Word 文档属性（创建时间）", "Word document properties (created)")
# What python-docx's own template says (a file made by python-docx, not a date or title of the document).
_TEMPLATE_CREATED = dt.datetime(2013, 12, 23, 23, 15, tzinfo=dt.UTC)
_TEMPLATE_TITLE = "python-docx"
# Word stores the creation time in UTC; the day it was written is the day in China, where the files are made.
_CHINA = dt.timezone(dt.timedelta(hours=8), "CST")


def _docx_facts(properties: Any) -> dict[str, Any]:
    """``title`` and ``date`` (the creation day) from Word's core properties, unless python-docx's template
    put them there. The author is left out: it is the account that made the file (Administrator, 微软用户)."""
    facts: dict[str, Any] = {}
    if properties.title and properties.title.strip() != _TEMPLATE_TITLE:
        facts["title"] = properties.title
    created = properties.created
    if created is not None and created != _TEMPLATE_CREATED:  # a naive time never equals it
        facts["date"] = (created.astimezone(_CHINA) if created.tzinfo else created).date()
    return facts


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
