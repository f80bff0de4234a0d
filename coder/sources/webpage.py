"""The article of a web page saved from a browser (.html/.htm), and what the page states about it.

**Decoding** is done here, not guessed by the extractor: a BOM is certain; bytes that are valid
UTF-8 are UTF-8 (GBK text almost never is, and a page saved again as UTF-8 may keep its old
declaration); otherwise the charset the page declares in its first 8 KB (``<meta charset>`` or the
http-equiv Content-Type), with gbk/gb2312 read as their superset gb18030 (pages that declare gb2312
use GBK characters) and big5 as big5-hkscs; a page that declares nothing, or that does not decode
as it declares, goes through the cascade every text file goes through
(:func:`coder.sources.textfile.decode`).

**The body** is found by trafilatura (Apache-2.0), made for this: the article without navigation,
sidebars, footers or comments; tables are kept, one row a line. The page's title is a fact, not
part of the text. Nothing found, or nothing but the text of the page's links (a page saved
without its article), is refused by name.

**Facts**, only where the page states them:

- ``date``: the byline's date (below); else htmldate's reading of the page's metadata, URL and
  time stamps, in its fast mode: its extensive search guesses from copyright years and sidebars.
- ``outlet``: the byline's 来源：, else the page's ``ContentSource`` (the Chinese government-site
  metadata standard), else its site name (og:site_name and the like), never a bare host name.
- ``author``: the byline's 作者：, else ``<meta name="author">``, else trafilatura's (byline markup);
  trafilatura drops a meta author without a space in it, which is every Chinese name.
- ``title``: trafilatura's (the headline, without the site name).
- ``url``: the canonical or og:url link, else the ``<!-- saved from url=(…)… -->`` comment browsers write.

The byline is the first short element (at most 200 characters of text) that says 来源：, 作者：,
发布时间：, 发布日期： or 时间： (or their traditional forms), taken whole: the largest enclosing
element still that short.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from pathlib import Path
from typing import Any

from coder.errors import FileProblem
from coder.sources.textfile import Document, decode

BYLINE_DATE_FROM = ("网页署名行（发布时间）", "the web page's byline (publication date)")
PAGE_DATE_FROM = ("网页元数据或页面中的日期", "a date in the web page's metadata or text")
BYLINE_CHARS = 200  # a byline is a line: longer text that mentions 来源 is an article or a list
DECLARATION_BYTES = 8192

_DECLARED = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_CHARSET_ALIASES = dict.fromkeys(
    ("gbk", "gb2312", "gb_2312", "gb_2312-80", "x-gbk", "cp936", "windows-936", "euc-cn", "csgb2312", "gb18030"),
    "gb18030",
) | {"big5": "big5hkscs", "x-x-big5": "big5hkscs"}
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.IGNORECASE)
_BYLINE = re.compile(r"[来來]源[:：]|作者[:：]|[发發]布(?:[时時][间間]|日期)[:：]|[时時][间間][:：]")
_BYLINE_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_BYLINE_FIELD = r"[:：]\s*([^\s|｜丨/，,。;；]{1,40})"
_SOURCE = re.compile("[来來]源" + _BYLINE_FIELD)
_AUTHOR = re.compile("作者" + _BYLINE_FIELD)
_HOST_NAME = re.compile(r"(?:[\w-]+\.)+[a-z]{2,}", re.IGNORECASE)
_NOT_TEXT = {"script", "style", "title", "head", "noscript", "template", "textarea"}


def read_webpage(path: Path, raw: bytes) -> Document:
    """The article's text and the page's title, date, outlet, author and URL where it states them."""
    import trafilatura  # with htmldate and justext about 0.3 s to import: only web pages pay for it

    html = _XML_DECLARATION.sub("", decode_page(path, raw))  # lxml refuses a str that declares an encoding
    tree = trafilatura.load_html(html)
    if tree is None:
        raise FileProblem(f"{path}：不是有效的网页（HTML）文件", f"{path}: not a valid web page (HTML) file")
    byline = _byline(tree)
    found = trafilatura.bare_extraction(
        tree,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = getattr(found, "text", None) or ""
    links = {" ".join(link.text_content().split()) for link in tree.iter("a")}
    if all(" ".join(line.split()) in links for line in text.splitlines() if line.strip()):
        raise FileProblem(
            f"{path}：没有找到网页正文（可能只有导航、图片或脚本）；请另存为包含文章的网页，或复制正文存为 .txt",
            f"{path}: no article text found in the page (only navigation, images or scripts?); save the page with "
            "its article, or paste the text into a .txt file",
        )
    facts, date_from = _facts(html, tree, found, byline)
    return Document(text, facts, date_from)


def decode_page(path: Path, raw: bytes) -> str:
    """The page's text by BOM, UTF-8, its declared charset or the text-file cascade, in that order."""
    if raw.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(path, raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _DECLARED.search(raw[:DECLARATION_BYTES])
    if declared:
        name = declared[1].decode("ascii").lower()
        try:
            return raw.decode(_CHARSET_ALIASES.get(name, name))
        except (LookupError, UnicodeDecodeError):
            pass  # an unknown or wrong declaration: the cascade decides, or names the file
    return decode(path, raw)


def _facts(html: str, tree: Any, found: Any, byline: str | None) -> tuple[dict[str, Any], tuple[str, str] | None]:
    facts: dict[str, Any] = {"title": found.title}
    date_from = None
    stated = _byline_date(byline)
    if stated:
        facts["date"], date_from = stated, BYLINE_DATE_FROM
    elif found.date:  # htmldate's YYYY-MM-DD
        facts["date"], date_from = dt.date.fromisoformat(found.date), PAGE_DATE_FROM
    site = found.sitename if found.sitename and not _HOST_NAME.fullmatch(found.sitename) else None
    facts["outlet"] = _field(_SOURCE, byline) or _meta(tree, "contentsource") or site or _meta(tree, "sitename")
    facts["author"] = _field(_AUTHOR, byline) or _meta(tree, "author") or found.author
    saved_from = _SAVED_FROM.search(html[:4096])
    for url in (found.url, saved_from[1] if saved_from else None):
        if url and url.startswith(("http://", "https://")):
            facts["url"] = url
            break
    return facts, date_from


def _byline(tree: Any) -> str | None:
    """The text of the first short element that names the source, author or time of publication."""
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in _NOT_TEXT:
            continue
        for piece, holder in ((element.text, element), (element.tail, element.getparent())):
            if piece and holder is not None and _BYLINE.search(piece):
                while (parent := holder.getparent()) is not None and len(parent.text_content()) <= BYLINE_CHARS:
                    holder = parent
                text = " ".join(holder.text_content().split())
                if len(text) <= BYLINE_CHARS:  # else a paragraph that mentions 来源：, not a byline
                    return text
    return None


def _byline_date(byline: str | None) -> dt.date | None:
    match = _BYLINE_DATE.search(byline or "")
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _field(pattern: re.Pattern[str], byline: str | None) -> str | None:
    match = pattern.search(byline or "")
    return match[1] if match else None


def _meta(tree: Any, name: str) -> str | None:
    for element in tree.iter("meta"):
        if (element.get("name") or "").strip().lower() == name:
            return element.get("content")
    return None
