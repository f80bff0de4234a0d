"""How a source is cited after a quote in a Chinese paper: “……”（访谈记录：20240115MJQ）.

Interviews are cited by record ID only — the ID carries the date and the interviewee's initials, never
the name. Policy texts name issuer, title, document number and date; media reports outlet, title and date.
A :class:`Style` holds one template per kind, so a journal's form (访谈编号：…, a footnote) is one
option away; templates use ``{id} {title} {date} {issuer} {doc_number} {outlet} {author}``.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass, field
from typing import Any

from coder.errors import QcoderError

FIELDS = ("id", "title", "date", "issuer", "doc_number", "outlet", "author")
DEFAULT_TEMPLATES = {
    "interview": "访谈记录：{id}",
    "policy": "{issuer}《{title}》，{doc_number}，{date}",
    "media": "{outlet}《{title}》，{date}",
}
ID_NOTE = (
    "访谈记录编号由访谈日期（年月日八位数字）与受访者姓名的汉语拼音首字母组成，如 20240115MJQ 指 2024 年 1 月 15 日"
    "对受访者 M. J. Q. 的访谈；同日首字母相同的受访者以 -2、-3 等后缀区分。"
)


@dataclass(frozen=True)
class Style:
    """Citation templates by kind of source, and whether citations stand in brackets or as footnotes."""

    templates: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TEMPLATES))
    footnotes: bool = False

    def __post_init__(self) -> None:
        for kind, template in self.templates.items():
            try:
                names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
            except ValueError as exc:
                raise QcoderError(
                    f"{kind} 的引用模板“{template}”写法有误（花括号不成对？）：{exc}",
                    f"the {kind} citation template '{template}' is malformed (unbalanced braces?): {exc}",
                ) from None
            unknown = [name or "{}" for name in names if name not in FIELDS]
            if unknown:
                raise QcoderError(
                    f"{kind} 的引用模板含未知字段 {'、'.join(unknown)}；可用字段：{'、'.join(FIELDS)}",
                    f"the {kind} citation template uses unknown fields {', '.join(unknown)}; use {', '.join(FIELDS)}",
                )


def cite(
    source_id: str, kind: str, title: str | None, date: dt.date | None, meta: dict[str, Any], style: Style | None = None
) -> str:
    """The citation without its brackets, e.g. ``访谈记录：20240115MJQ``; empty fields and their separators drop out."""
    template = (style or Style()).templates.get(kind, DEFAULT_TEMPLATES[kind])
    values = {name: str(meta.get(name) or "") for name in FIELDS}
    values.update(id=source_id, title=title or "", date=f"{date.year}年{date.month}月{date.day}日" if date else "")
    if not values["title"] and "《{title}》" in template:
        template = template.replace("《{title}》", "《{id}》" if "{id}" not in template else "")
    text = template.format(**values)
    return re.sub(r"^[，,、\s]+|[，,、\s]+$|(?<=[，,、])[，,、\s]+", "", text).replace("《》", "")
