"""Reading a REFI-QDA package (``.qdpx``) another tool wrote: texts, positions, variables, cases, sets.

Nothing here writes; :mod:`coder.export.qdpx_import` decides what the read things become.

**The package.** ``project.qde``, or the one ``*.qde`` at the top of the zip (two are refused, named:
:func:`coder.export.refi.open_qdpx`); source texts in ``sources/`` or ``Sources/`` (any case) or inline
as ``PlainTextContent``; UTF-8 with or without a BOM (UTF-16 and GB18030 are read too), every text
within :func:`coder.limits.check_source_text`. Only text sources come in: PDF, picture, audio and video
sources are skipped, named.

**Positions.** Selections count code points in the file's text as written — CR LF is two, a BOM is not
text. qcoder stores NFC text with ``\\n`` newlines (:func:`coder.sources.textfile.normalise`), so every
position is mapped from the raw text to the stored one (:func:`normalised_with_positions`).

**Variables.** A value is read as JSON-ready data: text as written (JSON when the variable says its
values are JSON, as qcoder's exports do), booleans, integers, floats; dates as ISO text. A source's
first Case wins; a set's sources get its name (sets of codes or notes are named in a warning).

**Kinds** are read as qcoder's (``Policy``, 政策, 访谈, 媒体 …: :data:`coder.sources.corpus.KIND_FOLDERS`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree

from coder import limits
from coder.errors import QcoderError
from coder.export.qdpx import JSON_VALUES
from coder.export.refi import Package, guid_key, local_name
from coder.sources.corpus import KIND_FOLDERS
from coder.sources.textfile import decode, normalise

NOT_TEXT = {"PDFSource", "PictureSource", "AudioSource", "VideoSource"}
IGNORED = ("Links", "Graphs")

Warn = Callable[[str, str], None]  # a warning in Chinese and English, for the report
Variables = dict[str, tuple[str, bool]]  # variable GUID → (name, values are JSON)
Case = tuple[str, str, dict[str, Any]]  # (case GUID, case name, its variable values)


class Skip(QcoderError):
    """One element that cannot be imported; the rest of the file still is."""


def normalised_with_positions(raw: str) -> tuple[str, list[int]]:
    """The text qcoder stores for ``raw`` and, for each raw position, the stored position it lands on.

    ``positions[len(raw)] == len(stored)``. CR LF becomes one ``\\n`` and a character with its combining
    marks is normalised as one piece, so a position inside either maps to the start of the piece.
    """
    pieces: list[str] = []
    positions: list[int] = []
    length = i = 0
    while i < len(raw):
        end = i + 1
        if raw[i] == "\r":
            end += raw.startswith("\n", end)
            piece = "\n"
        else:
            while end < len(raw) and unicodedata.combining(raw[end]):
                end += 1
            piece = normalise(raw[i:end])
        positions.extend([length] * (end - i))
        pieces.append(piece)
        length += len(piece)
        i = end
    positions.append(length)
    stored = "".join(pieces)
    if stored != normalise(raw):  # composition across pieces (rare scripts): positions would be wrong
        raise QcoderError(
            "正文的规范化跨越了字符边界，无法换算位置",
            "the text normalises across characters: positions cannot be mapped",
        )
    return stored, positions


def source_text(package: Package, element: etree._Element, where: str) -> str:
    """The raw text of a source or note: inline, or the file its ``plainTextPath`` names; a Skip when
    there is none or it is over the limits."""
    inline = element.find("{*}PlainTextContent")
    if inline is not None:
        return bounded(where, inline.text or "")
    path = (element.get("plainTextPath") or "").strip()
    if not path:
        raise Skip(
            f"{where}：既无 PlainTextContent 也无 plainTextPath（只有富文本的来源不受支持）",
            f"{where}: neither PlainTextContent nor plainTextPath (rich-text-only sources are not supported)",
        )
    if not path.lower().startswith("internal://"):
        raise Skip(f"{where}：正文在 .qdpx 之外（{path}）", f"{where}: the text is outside the .qdpx ({path})")
    name = path[len("internal://") :]
    try:  # a member over the limits skips this source; the others still come in
        data = package.source_file(name)
        text = None if data is None else decode(Path(f"{package.path}: sources/{name}"), data)
    except QcoderError as exc:
        raise Skip(exc.zh, exc.en) from None
    if text is None:
        raise Skip(f"{where}：zip 中缺少 sources/{name}", f"{where}: sources/{name} is missing from the zip")
    return bounded(where, text)


def bounded(where: str, text: str) -> str:
    """``text`` when it is within the limits for a source text, else a Skip naming ``where``."""
    try:
        limits.check_source_text(where, text)
    except QcoderError as exc:
        raise Skip(exc.zh, exc.en) from None
    return text


def variables(root: etree._Element) -> Variables:
    """Variable GUID → (name, values are JSON)."""
    return {
        guid_key(v.get("guid")): (
            (v.get("name") or "").strip(),
            text_of(v.find("{*}Description")).strip() == JSON_VALUES,
        )
        for v in root.iterfind("{*}Variables/{*}Variable")
    }


def values(element: etree._Element, where: str, known: Variables, warn: Warn) -> dict[str, Any]:
    """The variable values an element (a source or a Case) holds, by variable name."""
    found: dict[str, Any] = {}
    for holder in element.iterfind("{*}VariableValue"):
        ref = holder.find("{*}VariableRef")
        name, encoded = known.get(guid_key(None if ref is None else ref.get("targetGUID")), ("", False))
        if not name:
            warn(
                f"{where}：变量值指向不存在的变量，已忽略", f"{where}: a variable value refers to no variable; ignored"
            )
            continue
        found[name] = value(holder, encoded)
    return found


def value(holder: etree._Element, encoded: bool) -> Any:
    """A VariableValue as JSON-ready data (None when it holds no value)."""
    element = next(
        (child for child in holder if isinstance(child.tag, str) and local_name(child) != "VariableRef"), None
    )
    if element is None:
        return None
    kind, text = local_name(element), element.text or ""
    if kind == "TextValue" and encoded:
        try:
            return json.loads(text)
        except ValueError:
            return text
    if kind == "TextValue":
        return text  # as written: spaces can matter
    text = text.strip()
    if kind == "BooleanValue":
        return text in ("true", "1")
    if kind == "IntegerValue" and re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if kind == "FloatValue":
        try:
            return float(text)
        except ValueError:
            return text
    return text  # dates and date-times as ISO text


def cases(root: etree._Element, known: Variables, warn: Warn) -> dict[str, Case]:
    """Source GUID → (its case's GUID, name and variable values); a source's first case wins."""
    found: dict[str, Case] = {}
    for case in root.iterfind("{*}Cases/{*}Case"):
        name = (case.get("name") or "").strip()
        held = values(case, name, known, warn)
        for ref in case.iterfind("{*}SourceRef"):
            found.setdefault(guid_key(ref.get("targetGUID")), (guid_key(case.get("guid")), name, held))
    return found


def sets(root: etree._Element, warn: Warn) -> dict[str, list[str]]:
    """Source GUID → the names of the sets it is in; sets of codes or notes are named in a warning."""
    member_of: dict[str, list[str]] = defaultdict(list)
    for element in root.iterfind("{*}Sets/{*}Set"):
        name = (element.get("name") or "").strip() or guid_key(element.get("guid"))
        for ref in element.iterfind("{*}MemberSource"):
            member_of[guid_key(ref.get("targetGUID"))].append(name)
        codes, notes = len(element.findall("{*}MemberCode")), len(element.findall("{*}MemberNote"))
        if codes or notes:
            warn(
                f"集合“{name}”中的 {codes} 个代码、{notes} 条备忘未导入（qcoder 没有代码集和备忘集）",
                f"set “{name}”: its {codes} codes and {notes} notes are not imported (qcoder has no sets of "
                "codes or notes)",
            )
    return member_of


def kind_of(value: Any) -> str | None:
    """A kind as written (``Policy``, 政策, 访谈 …) as qcoder's; unknown ones as written, for the message."""
    written = str(value or "").strip().lower()
    return KIND_FOLDERS.get(written, written) or None


def created(value: str | None) -> dt.date | None:
    """The day of a ``creationDateTime`` in the offset it is written in (a document created at 00:30 in
    Beijing is of that day, though it was the day before in UTC)."""
    try:
        return dt.datetime.fromisoformat((value or "").strip()).date()
    except ValueError:
        return None


def text_of(element: etree._Element | None) -> str:
    """An element's text; empty for a missing element."""
    return "" if element is None else element.text or ""
