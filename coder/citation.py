"""How a source is cited after a quote in a Chinese paper: （访谈记录：20240115MJQ）.

Interviews are cited by record ID only — the ID carries the date and the interviewee's initials, never
the name. Policy texts name issuer, title, document number and date; media reports outlet, title and date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def cite(source_id: str, kind: str, title: str | None, date: dt.date | None, meta: dict[str, Any]) -> str:
    """The citation without its brackets, e.g. ``访谈记录：20240115MJQ``."""
    day = f"{date.year}年{date.month}月{date.day}日" if date else ""
    if kind == "interview":
        return f"访谈记录：{source_id}"
    named = f"《{title}》" if title else source_id
    if kind == "policy":
        details = "，".join(part for part in (meta.get("doc_number"), day) if part)
        return f"{meta.get('issuer') or ''}{named}" + (f"（{details}）" if details else "")
    return "，".join(part for part in (f"{meta.get('outlet') or ''}{named}", day) if part)


def quoted(text: str, citation: str) -> str:
    """A quote as a paper prints it: “……”（访谈记录：20240115MJQ）."""
    return f"“{text}”（{citation}）"
