"""Bounds on what a file someone sent may cost to read: archive members, YAML, the size of a source.

A few kilobytes can ask for gigabytes: a zip member that inflates a thousandfold, YAML aliases that
repeat a list inside a list nine levels deep. On a team server one such upload would stall everyone,
so every untrusted read goes through here *before* it is parsed:

- **Archives** (``.qdpx`` with its codebook, ``.docx``): each member's declared
  size and compression ratio are checked from the zip directory, then the member is inflated in chunks
  and refused the moment its real size passes the limit (a directory can lie about sizes).
- **YAML** (front matter, codebook, quote files): loaded with anchors and aliases refused (researchers
  never write them), nesting at most :data:`MAX_YAML_DEPTH` deep, and at most a number of nodes —
  PyYAML's pure-Python composer costs about 50 µs and 1 KB a node, so the node count, not the bytes, is
  what bounds its time and memory. Front matter has a small size limit of its own.
- **Sources**: at most :data:`MAX_SOURCE_CHARS` characters (the longest real transcripts are a few
  hundred thousand), checked on the file's size before it is decoded and on the text after. A saved
  web page counts as a text file.
- **PDF**: a file size of its own (images make a PDF large, not its text), a number of pages checked
  before any page is read, and a bound on what one compressed stream may inflate to (pypdf's own
  guards against decompression bombs, set from here); the text still counts against the character limit.

Every limit is an environment variable, and every refusal names the file, the member, the limit and
that variable, in Chinese and English.
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from coder.errors import FileProblem

if TYPE_CHECKING:
    from lxml import etree

MAX_SOURCE_CHARS = 5_000_000
MAX_MEMBER_MB = 100  # one archive member inflated (a .qde with every text inline stays far below)
MAX_ARCHIVE_MB = 1024  # all members of one archive together
MAX_RATIO = 200  # inflated / compressed; Chinese XML and text compress 3–20 ×, bombs 1,000 ×
RATIO_FLOOR = 1 << 20  # members smaller than this may compress as well as they like: they cost nothing
MAX_YAML_MB = 2  # a codebook or a quote file; the demo codebook is 21 KB
MAX_YAML_NODES = 100_000  # the demo codebook is 856 nodes; 100,000 take PyYAML about 5 s
MAX_FRONT_MATTER_KB = 16  # the demo corpus's longest is under 1 KB; 16 KB of the flattest YAML parse in 0.5 s
MAX_YAML_DEPTH = 64  # deeper nesting is never data a person wrote, and would exhaust Python's stack
MAX_PDF_MB = 200  # scanned seals and photos make policy PDFs tens of MB; the text is a small part
MAX_PDF_PAGES = 1_000  # a policy compilation (汇编) runs to a few hundred pages
MAX_PDF_STREAM_MB = 75  # one inflated stream (a page's content, a font, an image): pypdf's own default
_CHUNK = 1 << 16
_UTF8_MAX = 4  # bytes per character: a file larger than 4 × the limit cannot decode to less


class LimitError(FileProblem):
    """A file (or a member of one) larger than a limit allows; nothing of it was read further."""


@dataclass(frozen=True)
class Limit:
    """One configurable bound: its default, the environment variable that raises it, its unit."""

    variable: str
    default: int
    unit_zh: str
    unit_en: str

    @property
    def value(self) -> int:
        raw = os.environ.get(self.variable, "").strip().replace("_", "").replace(",", "")
        if not raw:
            return self.default
        try:
            value = int(raw)
        except ValueError:
            raise FileProblem(
                f"环境变量 {self.variable}={raw!r} 不是整数",
                f"environment variable {self.variable}={raw!r} is not an integer",
            ) from None
        if value <= 0:
            raise FileProblem(
                f"环境变量 {self.variable} 须为正整数", f"environment variable {self.variable} must be positive"
            )
        return value

    def refuse(self, where: str, what_zh: str, what_en: str, found: int | str) -> LimitError:
        return LimitError(
            f"{where}：{what_zh}为 {found}，超过上限 {self.value:,} {self.unit_zh}，未读取；"
            f"如确需导入，可设置环境变量 {self.variable} 提高上限",
            f"{where}: {what_en} is {found}, over the limit of {self.value:,} {self.unit_en}; nothing was read. "
            f"To accept it, raise the limit with the environment variable {self.variable}",
        )


SOURCE_CHARS = Limit("QCODER_MAX_SOURCE_CHARS", MAX_SOURCE_CHARS, "字符", "characters")
MEMBER_MB = Limit("QCODER_MAX_ARCHIVE_MEMBER_MB", MAX_MEMBER_MB, "MB", "MB")
ARCHIVE_MB = Limit("QCODER_MAX_ARCHIVE_MB", MAX_ARCHIVE_MB, "MB", "MB")
RATIO = Limit("QCODER_MAX_COMPRESSION_RATIO", MAX_RATIO, "倍", "×")
YAML_MB = Limit("QCODER_MAX_YAML_MB", MAX_YAML_MB, "MB", "MB")
YAML_NODES = Limit("QCODER_MAX_YAML_NODES", MAX_YAML_NODES, "个节点", "nodes")
FRONT_MATTER_KB = Limit("QCODER_MAX_FRONT_MATTER_KB", MAX_FRONT_MATTER_KB, "KB", "KB")
PDF_MB = Limit("QCODER_MAX_PDF_MB", MAX_PDF_MB, "MB", "MB")
PDF_PAGES = Limit("QCODER_MAX_PDF_PAGES", MAX_PDF_PAGES, "页", "pages")
PDF_STREAM_MB = Limit("QCODER_MAX_PDF_STREAM_MB", MAX_PDF_STREAM_MB, "MB", "MB")
_MB = 1 << 20
ARCHIVE_SUFFIXES = {".docx", ".qdpx"}


# -- sources ---------------------------------------------------------------------------------------


def check_source_file(path: Path, size: int | None = None) -> None:
    """Refuse, before reading it, a file that is no regular file or too large to be a source: a text
    file that cannot decode to at most the character limit, an archive over the archive limit, a PDF over
    the PDF limit."""
    if size is None:
        if not path.is_file():
            raise FileProblem(f"{path}：不是普通文件（而是文件夹、管道或设备）", f"{path}: not a regular file")
        size = path.stat().st_size
    if path.suffix.lower() in ARCHIVE_SUFFIXES:
        if size > ARCHIVE_MB.value * _MB:
            raise ARCHIVE_MB.refuse(str(path), "文件大小", "the file size", f"{size / _MB:,.1f} MB")
    elif path.suffix.lower() == ".pdf":
        if size > PDF_MB.value * _MB:
            raise PDF_MB.refuse(str(path), "文件大小", "the file size", f"{size / _MB:,.1f} MB")
    elif size > SOURCE_CHARS.value * _UTF8_MAX:
        limit = SOURCE_CHARS.value
        raise LimitError(
            f"{path}：文件有 {size:,} 字节，即使每字符 4 字节也超过 {limit:,} 字符的上限，未读取；"
            f"如确需导入，可设置环境变量 {SOURCE_CHARS.variable} 提高上限",
            f"{path}: the file has {size:,} bytes, over the limit of {limit:,} characters even at 4 bytes a "
            f"character; nothing was read. To accept it, raise the limit with the environment variable "
            f"{SOURCE_CHARS.variable}",
        )


def check_source_text(where: str, text: str) -> None:
    """Refuse a decoded source longer than the character limit."""
    if len(text) > SOURCE_CHARS.value:
        raise SOURCE_CHARS.refuse(where, "正文长度", "the text length", f"{len(text):,}")


def check_pdf_pages(where: str, pages: int) -> None:
    """Refuse a PDF with more pages than the limit, before any page is read."""
    if pages > PDF_PAGES.value:
        raise PDF_PAGES.refuse(where, "页数", "the page count", f"{pages:,}")


def pdf_stream_bytes() -> int:
    """The most one compressed PDF stream may inflate to (handed to pypdf's own guards)."""
    return PDF_STREAM_MB.value * _MB


def pdf_limit_reached(where: str, detail: str) -> LimitError:
    """pypdf stopped at one of its guards: a stream inflating past :func:`pdf_stream_bytes`, or a cycle or
    an oversized array that no real PDF has (``detail`` is pypdf's own account)."""
    limit, variable = PDF_STREAM_MB.value, PDF_STREAM_MB.variable
    return LimitError(
        f"{where}：PDF 超出读取上限（{detail}），未读取；如是数据流解压后超过 {limit:,} MB，"
        f"可设置环境变量 {variable} 提高上限",
        f"{where}: the PDF goes past a reading limit ({detail}); nothing was read. If a stream inflates past "
        f"{limit:,} MB, raise the limit with the environment variable {variable}",
    )


def check_upload(name: Path, data: bytes) -> None:
    """What :func:`coder.sources.textfile.read_text` will check, done on an upload before it is kept on disk."""
    check_source_file(name, len(data))
    if name.suffix.lower() == ".docx":
        check_members(data, str(name), ".docx")


# -- archives --------------------------------------------------------------------------------------


def open_archive(source: Path | bytes, where: str, kind: str) -> zipfile.ZipFile:
    """A zip (a ``kind`` file: .docx, .qdpx) whose members together promise no more than the limit;
    each member still needs :func:`read_member`, so that one bad member refuses only itself."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileProblem(
            f"{where}：不是有效的 {kind} 文件（zip 无法读取：{exc}）",
            f"{where}: not a valid {kind} file (unreadable zip: {exc})",
        ) from None
    total = sum(info.file_size for info in archive.infolist())  # each member is checked when it is read
    if total > ARCHIVE_MB.value * _MB:
        archive.close()
        raise ARCHIVE_MB.refuse(where, "解压后总大小", "the inflated total", f"{total / _MB:,.1f} MB")
    return archive


def read_member(archive: zipfile.ZipFile, name: str, where: str) -> bytes:
    """One member inflated in chunks, refused as soon as it outgrows its limit or its ratio."""
    out = io.BytesIO()
    _inflate(archive, name, where, out.write)
    return out.getvalue()


def _inflate(archive: zipfile.ZipFile, name: str, where: str, sink: Callable[[bytes], object]) -> None:
    """Hand ``name``'s inflated bytes to ``sink`` chunk by chunk while they stay within the limits.

    The directory's sizes are the sender's word; only counting what inflates is proof."""
    info = archive.getinfo(name)
    _check_declared(where, info)
    limit = MEMBER_MB.value * _MB
    ratio_cap = max(RATIO_FLOOR, RATIO.value * max(info.compress_size, 1))
    size = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise MEMBER_MB.refuse(
                        f"{where}: {name}", "解压后大小", "its inflated size", f"> {limit // _MB} MB"
                    )
                if size > ratio_cap:
                    raise RATIO.refuse(f"{where}: {name}", "压缩比", "its compression ratio", f"> {RATIO.value}")
                sink(chunk)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise FileProblem(f"{where}：{name} 无法解压（{exc}）", f"{where}: {name} cannot be inflated ({exc})") from None


def check_members(data: bytes, where: str, kind: str) -> None:
    """Inflate every member of an in-memory zip within the limits, for readers (python-docx) that would
    otherwise inflate whatever the zip holds."""
    with open_archive(data, where, kind) as archive:
        for name in archive.namelist():
            _inflate(archive, name, where, lambda _chunk: None)  # counted, not kept


def read_xml_file(path: Path) -> bytes:
    """A standalone XML file (a ``.qdc``), refused over the member limit before it is read."""
    size = path.stat().st_size
    if size > MEMBER_MB.value * _MB:
        raise MEMBER_MB.refuse(str(path), "文件大小", "the file size", f"{size / _MB:,.1f} MB")
    return path.read_bytes()


def _check_declared(where: str, info: zipfile.ZipInfo) -> None:
    if info.file_size > MEMBER_MB.value * _MB:
        raise MEMBER_MB.refuse(
            f"{where}: {info.filename}",
            "声明的解压后大小",
            "its declared inflated size",
            f"{info.file_size / _MB:,.1f} MB",
        )
    if info.file_size > RATIO_FLOOR and info.file_size > RATIO.value * max(info.compress_size, 1):
        found = f"{info.file_size // max(info.compress_size, 1):,}"
        raise RATIO.refuse(f"{where}: {info.filename}", "声明的压缩比", "its declared compression ratio", found)


# -- YAML ------------------------------------------------------------------------------------------


class NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without anchors (``&a``), aliases (``*a``) or merges (``<<: *a``), nested at most
    :data:`MAX_YAML_DEPTH` deep and of at most ``QCODER_MAX_YAML_NODES`` nodes.

    Aliases are what make a 482-byte document expand to gigabytes; no front matter, codebook or quote
    file needs them, so they are refused at the first one, with its line. Each refusal is a YAML error,
    so every caller reports it with the file and line as it reports a syntax error."""

    def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
        super().__init__(stream)
        self._nodes_left = YAML_NODES.value
        self._depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            self._refuse(event, "anchors and aliases (&, *) are not allowed / 不允许使用锚点和别名（&、*）")
        self._nodes_left -= 1
        if self._nodes_left < 0:
            self._refuse(
                event,
                f"more than {YAML_NODES.value:,} values; raise the limit with {YAML_NODES.variable} / "
                f"超过 {YAML_NODES.value:,} 个值；可设置环境变量 {YAML_NODES.variable} 提高上限",
            )
        if self._depth >= MAX_YAML_DEPTH:
            self._refuse(event, f"nested more than {MAX_YAML_DEPTH} levels deep / 嵌套超过 {MAX_YAML_DEPTH} 层")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    @staticmethod
    def _refuse(event: yaml.Event, problem: str) -> None:
        raise yaml.composer.ComposerError(None, None, problem, event.start_mark)


def check_yaml_size(where: str, size: int) -> None:
    """Refuse a YAML document over the size limit (in bytes or characters) before it is parsed."""
    if size > YAML_MB.value * _MB:
        raise YAML_MB.refuse(where, "YAML 大小", "the YAML size", f"{size / _MB:,.1f} MB")


def check_front_matter(where: str, text: str) -> None:
    """Refuse front matter over its size limit before it is parsed (the rest of the file is text)."""
    if len(text.encode("utf-8")) > FRONT_MATTER_KB.value * 1024:
        raise FRONT_MATTER_KB.refuse(where, "元数据块大小", "the front matter", f"{len(text.encode()) / 1024:,.1f} KB")


def check_xml_tree(root: etree._Element, where: str) -> None:
    """Refuse parsed XML that holds an unexpanded entity reference or declares a DTD.

    Parsers here never expand entities in text (billion laughs, XXE), so ``&co;`` would stay a node
    and silently cut the text around it; libxml2 still expands them in attributes. Neither REFI-QDA
    nor Word writes a DTD, so a file that has one is refused whole rather than read in part."""
    from lxml import etree  # only the commands that read XML pay for it

    entity = next(root.iter(etree.Entity), None)
    if entity is not None:
        raise FileProblem(
            f"{where} 第 {entity.sourceline} 行：含实体引用 {entity.text}，不予展开；整个文件未导入",
            f"{where} line {entity.sourceline}: holds the entity reference {entity.text}, which is not expanded; "
            "the file was not imported",
        )
    if root.getroottree().docinfo.internalDTD is not None:
        raise FileProblem(
            f"{where}：声明了 DTD（<!DOCTYPE …>，可定义实体），不予读取；整个文件未导入",
            f"{where}: declares a DTD (<!DOCTYPE …>, which can define entities) and is not read; "
            "the file was not imported",
        )


def read_yaml_file(path: Path) -> str:
    """A YAML file's UTF-8 text, refused over the size limit before it is read."""
    check_yaml_size(str(path), path.stat().st_size)
    return path.read_text(encoding="utf-8")
