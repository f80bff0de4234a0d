"""The text of a PDF with a text layer, rebuilt into paragraphs, and what its metadata says about it.

pypdf (BSD-3-Clause, pure Python) reads the file inside its own guards against decompression bombs,
set from :mod:`coder.limits` (what one stream may inflate to), after the page count is checked and
before a page is read; the text counts against the character limit as it grows. Pages come out in
order, each in pypdf's plain mode, which keeps hanzi together where a PDF places them one by one.
Four repairs follow, each for something PDFs do that the text does not:

- **A page drawn one character per text object** comes out one character a line; such a page (most
  of its lines a single character) is read again in pypdf's layout mode, which orders by position
  but pads with spaces where characters stand apart, so on such a page white space between hanzi
  and CJK punctuation is removed.
- **Letter-spaced lines** (a title or signature spread over the line) come out as ``通 知``: in a
  line where hanzi are more often separated by white space than not, that space is removed between
  hanzi and CJK punctuation, a single space between other characters too, and a wider gap becomes
  one space (``推 动 2 0 2 3 年  a n d`` → ``推动2023年 and``). A single space in running text
  (``第三条 考核``) stays.
- **Quotation marks drawn ahead of their line**: LibreOffice sets “ ” in a fallback font and draws
  them before the rest of the line, so they come out at its start with a gap where they stand
  (``“ ”推行 三亮三评一运用 方式``). A line that begins with n quotation marks and holds exactly n
  single spaces between hanzi gets each mark back into its gap, in order (``推行“三亮三评一运用”方式``).
- **Presentation code points**: some fonts map hanzi to Kangxi radicals (⽣ U+2F63 for 生) and Latin
  to ligatures (ﬁ); they become the characters a reader sees, or a search would miss them.

**Paragraphs** are rebuilt from the hard-wrapped lines by one rule: a line is joined to the next when

1. it does not end a sentence: its last character, after closing quotes and brackets, is not one
   of 。！？；：… .!?;: (so “…。” ends one, a slogan in quotes does not);
2. the next line does not open a heading or an item: 一、 （一） (1) 第三条 第二章 1. 1、 ① 附件 •;
3. it is full: at least 80 % as wide as the document's full lines (the 90th percentile of line widths,
   a hanzi or CJK punctuation mark counted twice as wide as a Latin letter). A short line ends its
   paragraph: a title, a heading, a paragraph's last line, a signature.

Hanzi are joined directly, Latin words with one space. A blank line ends a paragraph; a page break
is read like a line break (the rule decides), because sentences run on from page to page in
policy documents and a sentence cut in two would be two segments. Paragraphs are separated by one
newline, like the lines of the other sources. A page number alone on the first or last line of a
page (``3``, ``- 3 -``, ``— 3 —``, ``第 3 页``, ``3/12``) is dropped when it is within 10 of the
page's own position, so a figure at the foot of a table stays.

Facts: ``title`` from /Title (``Microsoft Word - 通知.docx`` becomes ``通知``; generic ones like
``untitled`` are dropped) and ``date`` from /CreationDate (``D:YYYYMMDD…``, the day as written there,
which is the producer's local day; before 1993, when PDF appeared, it is a producer's default).

Refused by name: a PDF without any text (a scan: run OCR first), one whose text is mostly code points
no font maps to characters, one that needs a password, one pypdf cannot read.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import math
import re
import unicodedata
from pathlib import Path
from typing import Any

from coder import limits
from coder.errors import FileProblem
from coder.sources.textfile import Document

DATE_FROM = ("PDF 元数据（创建时间）", "PDF metadata (creation date)")
FULL_LINE = 0.8  # of the reference width: a line at least this wide may wrap into the next
REFERENCE_QUANTILE = 0.9  # the width of a full line: high, but not the widest (a table row, a URL)
PAGE_NUMBER_SLACK = 10  # a printed page number may run ahead of the page's position (cover, contents)
SINGLE_CHARACTER_PAGE = 0.6  # share of one-character lines that marks a page drawn a character at a time
UNREADABLE_SHARE = 0.1  # share of characters no font maps (private use, U+FFFD, controls) that refuses a file

# pypdf's guards on what a compressed stream may become, one limit for all filters.
_STREAM_GUARDS = (
    "maximum_declared_stream_length",
    "array_based_stream_maximum_output_length",
    "brotli_maximum_output_length",
    "jbig2_maximum_output_length",
    "lzw_maximum_output_length",
    "run_length_maximum_output_length",
    "zlib_maximum_output_length",
    "image_maximum_buffer_size",
)
_HAN = r"\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_CJK_PUNCTUATION = r"\u3001-\u3004\u3008-\u3011\u3014-\u301f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65“”‘’…—"
_TIGHT = f"[{_HAN}{_CJK_PUNCTUATION}]"
_SPACED = re.compile(rf"(?<={_TIGHT})[ \t\u00a0\u3000]+(?={_TIGHT})")
_ADJACENT = re.compile(rf"{_TIGHT}(?={_TIGHT})")
_GAP = re.compile(r"(?<=\S)[ \t\u00a0\u3000]+(?=\S)")
_LEADING_QUOTES = re.compile(r"[“”‘’](?: *[“”‘’])* *")  # two marks drawn apart come out with a space between
_HAN_GAP = re.compile(rf"(?<={_TIGHT}) (?={_TIGHT})")
_ENDS_SENTENCE = re.compile(r"[。！？；：…!?;:.][”’」』）)》】〕\"']*$")
_OPENS_ITEM = re.compile(
    r"[一二三四五六七八九十百零〇]+[、．.]"
    r"|[（(][一二三四五六七八九十百零〇\d]{1,3}[）)]"
    r"|第[一二三四五六七八九十百千零〇\d]+(?:条|章|节|款|部分|篇|编)"
    r"|\d{1,3}(?:[.．](?!\d)|、)"
    r"|[\u2460-\u249b\u2776-\u2793]"  # ① … ⒛, ❶ …
    r"|附件|附表|[•●○■□◆◇▪▶►]"
)
_DASHES = r"[-—–－~～\s]*"
_PAGE_NUMBER = re.compile(
    rf"{_DASHES}(?:第\s*)?(\d{{1,4}})(?:\s*页)?(?:\s*[/／]\s*\d{{1,4}}|\s*[,，]?\s*共\s*\d{{1,4}}\s*页)?{_DASHES}"
)
_CREATION_DATE = re.compile(r"(?:D:)?(\d{4})(\d{2})(\d{2})")
_OFFICE_PREFIX = re.compile(r"^microsoft\s+(?:office\s+)?(?:word|powerpoint|excel)\s*-\s*", re.IGNORECASE)
_FILE_SUFFIX = re.compile(r"\.(?:docx?|wps|rtf|txt|pdf|pptx?|xlsx?)$", re.IGNORECASE)
_GENERIC_TITLES = {"untitled", "无标题", "无标题文档", "document", "文档", "新建 microsoft word 文档", "新建文本文档"}
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_FIRST_PDF_YEAR = 1993
_PRESENTATION_FORMS = {
    cp: unicodedata.normalize("NFKC", chr(cp))
    for block in (range(0x2E80, 0x2EF4), range(0x2F00, 0x2FD6), range(0xFB00, 0xFB07))
    for cp in block
    if unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
}


def read_pdf(path: Path, raw: bytes) -> Document:
    """The text of every page in order, as paragraphs, and the PDF's title and creation date."""
    pages, info = _extract(path, raw)
    lines = [_page_lines(text, padded, number) for number, (text, padded) in enumerate(pages, 1)]
    text = _paragraphs([line for page in lines for line in page])
    if not text.strip():
        raise FileProblem(
            f"{path}：是扫描件或图片，没有可提取的文字层；请先做文字识别（OCR）后再导入",
            f"{path}: has no text layer (a scan?): run OCR first",
        )
    _refuse_unmapped(path, text)
    text = _CONTROLS.sub("", text)  # a stray control code from a font is no character of the text
    facts: dict[str, Any] = {}
    title = _title(info.get("/Title"))
    if title:
        facts["title"] = title
    created = _creation_date(info.get("/CreationDate"))
    if created:
        facts["date"] = created
    return Document(text, facts, DATE_FROM if created else None)


def _extract(path: Path, raw: bytes) -> tuple[list[tuple[str, bool]], dict[str, Any]]:
    """Each page's text (and whether layout mode padded it) and the information dictionary, within the limits."""
    import pypdf  # about 0.2 s to import: only PDF imports pay for it
    from pypdf.errors import FileNotDecryptedError, LimitReachedError

    quiet = logging.getLogger("pypdf")  # its notes on repaired files would land on the CLI's stderr
    if not quiet.handlers:
        quiet.addHandler(logging.NullHandler())
    where = str(path)
    bound = limits.pdf_stream_bytes()
    try:
        with pypdf.apply_configuration(**dict.fromkeys(_STREAM_GUARDS, bound)):
            reader = pypdf.PdfReader(io.BytesIO(raw))
            limits.check_pdf_pages(where, len(reader.pages))
            pages: list[tuple[str, bool]] = []
            total = 0
            for page in reader.pages:
                pages.append(_page_text(page))
                total += len(pages[-1][0])
                if total > limits.SOURCE_CHARS.value:
                    raise limits.SOURCE_CHARS.refuse(where, "正文长度", "the text length", f"> {total:,}")
            info = {str(k): v for k, v in (reader.metadata or {}).items()}
    except FileProblem:
        raise
    except FileNotDecryptedError:
        raise FileProblem(
            f"{path}：PDF 设有打开密码，无法读取；请去掉密码后再导入",
            f"{path}: the PDF needs a password to open; remove the password and import it again",
        ) from None
    except LimitReachedError as exc:
        raise limits.pdf_limit_reached(where, str(exc)) from None
    except Exception as exc:  # a broken file can fail anywhere inside pypdf; it is this file's problem
        raise FileProblem(
            f"{path}：不是有效的 PDF 文件或已损坏（{type(exc).__name__}: {exc}）",
            f"{path}: not a valid PDF file, or damaged ({type(exc).__name__}: {exc})",
        ) from None
    return pages, info


def _page_text(page: Any) -> tuple[str, bool]:
    text = page.extract_text()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) >= 8 and sum(len(line) == 1 for line in lines) > SINGLE_CHARACTER_PAGE * len(lines):
        return page.extract_text(extraction_mode="layout", layout_mode_space_vertically=False), True
    return text, False


def _page_lines(text: str, padded: bool, number: int) -> list[str]:
    """A page's lines, stripped and repaired (``""`` for a blank line), without a page number at top or foot."""
    lines = [line.strip().translate(_PRESENTATION_FORMS) for line in text.splitlines()]
    lines = [_SPACED.sub("", line) if padded else _unspread(_requote(line)) for line in lines]
    filled = [i for i, line in enumerate(lines) if line]
    numbers = {i for i in (filled[:1] + filled[-1:]) if _is_page_number(lines[i], number)}
    return [line for i, line in enumerate(lines) if i not in numbers]  # removed, not blank: no paragraph break


def _is_page_number(line: str, number: int) -> bool:
    match = _PAGE_NUMBER.fullmatch(line)
    return bool(match) and abs(int(match[1]) - number) <= PAGE_NUMBER_SLACK


def _requote(line: str) -> str:
    marks = _LEADING_QUOTES.match(line)
    if not marks:
        return line
    rest, quotes = line[marks.end() :], marks[0].replace(" ", "")
    if len(_HAN_GAP.findall(rest)) != len(quotes):
        return line
    put_back = iter(quotes)
    return _HAN_GAP.sub(lambda _gap: next(put_back), rest)


def _unspread(line: str) -> str:
    spaced = len(_SPACED.findall(line))
    if not spaced or spaced <= len(_ADJACENT.findall(line)):
        return line
    return _GAP.sub(lambda gap: "" if len(gap[0]) == 1 else " ", _SPACED.sub("", line))


def _paragraphs(lines: list[str]) -> str:
    """Paragraphs from the document's lines in order (``""`` for a blank line), by the module's rule."""
    widths = sorted(_width(line) for line in lines if line)
    if not widths:
        return ""
    full = FULL_LINE * widths[math.ceil(REFERENCE_QUANTILE * len(widths)) - 1]  # the nearest-rank percentile
    paragraphs: list[str] = []
    previous = ""
    for line in lines:
        if line and previous and _wraps(previous, line, full):
            paragraphs[-1] = _join(paragraphs[-1], line)
        elif line:
            paragraphs.append(line)
        previous = line
    return "\n".join(paragraphs)


def _wraps(line: str, following: str, full: float) -> bool:
    return not _ENDS_SENTENCE.search(line) and not _OPENS_ITEM.match(following) and _width(line) >= full


def _join(paragraph: str, line: str) -> str:
    latin = paragraph[-1].isascii() and paragraph[-1] != "-" and line[0].isascii() and line[0].isalnum()
    return f"{paragraph} {line}" if latin else paragraph + line


def _width(line: str) -> int:
    # Ambiguous-width characters (“ ” … —) are set full width in Chinese text.
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in line)


def _refuse_unmapped(path: Path, text: str) -> None:
    """A font without a map to Unicode yields private-use code points or U+FFFD, not characters."""
    visible = [ch for ch in text if not ch.isspace()]
    unmapped = sum(1 for ch in visible if ch == "\ufffd" or unicodedata.category(ch) in ("Co", "Cc"))
    if unmapped > UNREADABLE_SHARE * len(visible):
        raise FileProblem(
            f"{path}：文字层无法解读（{unmapped:,} 个字符没有字体编码映射，提取出来是乱码）；请先做文字识别（OCR）后再导入",
            f"{path}: the text layer cannot be read ({unmapped:,} characters have no mapping in their fonts "
            "and come out as garbage): run OCR first",
        )


def _title(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    title = _FILE_SUFFIX.sub("", _OFFICE_PREFIX.sub("", value.strip())).strip()
    return title if title and title.casefold() not in _GENERIC_TITLES else None


def _creation_date(value: Any) -> dt.date | None:
    match = _CREATION_DATE.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return None
    try:
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return day if day.year >= _FIRST_PDF_YEAR else None
