"""A search's hits as the quote files of coder.export.formats: each hit a quote with its citation
“……”（访谈记录：20240115MJQ）, cited, shortened and masked exactly as the quote export does it.

One row per hit and code (a hit coded with two codes is quoted under both, as a passage coded twice is in
the quote export), grouped by dimension → code in the codebook's order; the uncoded hits follow under a
heading of their own. A row's status and coder list the hit's codings of that code. Every text a reader
sees — the quote, its context, the citation, the title, the search text in the file's title, memos and
metadata — is masked when a ``masker`` is given, each read in its source so a name an edge cuts is hidden whole.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, select

from coder import memos
from coder.citation import Style
from coder.db.models import Code, Participant, Source
from coder.defaults import MAX_CHARS
from coder.export.quotes import code_fields, position, same, source_fields
from coder.export.text import clean
from coder.masking.apply import Masker

FORMATS = ("md", "docx", "xlsx", "csv", "json")
UNCODED = "uncoded"  # the dimension and code of the uncoded hits' heading
LABELS = {
    "zh": {"title": "检索结果", "query": "检索结果：{text}", "uncoded": "未编码", "uncoded_code": "未编码的段落"},
    "en": {"title": "Search results", "query": "Search results: {text}", "uncoded": "Uncoded",
           "uncoded_code": "Uncoded passages"},
}  # fmt: skip


def render(
    session: Session,
    found: dict[str, Any],
    text: str,
    fmt: str,
    words: Callable[[str], list[str]],
    lang: str = "zh",
    masking: tuple[Masker | None, int] = (None, 0),
    style: Style | None = None,
    viewer: str | None = None,
) -> bytes:
    """The hits of :func:`coder.search.hits.search` for ``text`` as an md, docx, xlsx, csv or json file;
    ``masking`` is the masker and how many entries its methods sentence names (coder.masking.store.masking)."""
    from coder.export.formats import render_quotes

    masker, entries = masking
    rows = quote_rows(session, found["hits"], words, lang, masker, style, viewer)
    if fmt == "json":
        return json.dumps(clean(rows), ensure_ascii=False, indent=2).encode("utf-8")
    labels = LABELS.get(lang, LABELS["zh"])
    shown = masker.mask(text.strip()) if masker else text.strip()
    title = labels["query"].format(text=shown) if shown and fmt in ("md", "docx") else labels["title"]
    return render_quotes(rows, fmt, style, lang, masked=entries if masker is not None else 0, title=title)


def quote_rows(
    session: Session,
    hits: list[dict[str, Any]],
    words: Callable[[str], list[str]],
    lang: str = "zh",
    masker: Masker | None = None,
    style: Style | None = None,
    viewer: str | None = None,
) -> list[dict[str, Any]]:
    """The rows :func:`coder.export.formats.render_quotes` takes (the keys of coder.export.quotes.select_quotes)."""
    from coder.export.quotes import trim

    hide = masker.mask if masker else same
    ids = {hit["source"] for hit in hits}
    sources = {s.id: s for s in session.exec(select(Source).where(Source.id.in_(ids)))} if ids else {}
    wanted = {s.participant_id for s in sources.values() if s.participant_id is not None}
    people = {p.id: p for p in session.exec(select(Participant).where(Participant.id.in_(wanted)))} if wanted else {}
    codes = {c.id: c for c in session.exec(select(Code))}
    coded = {c["code"] for hit in hits for c in hit["codings"]}
    notes = memos.memo_texts(session, ids, coded, viewer)
    labels = LABELS.get(lang, LABELS["zh"])
    rows = []
    for hit in hits:
        source = sources[hit["source"]]
        person = people.get(source.participant_id)
        piece = _piece(masker, source.text)
        quote = piece(hit["start"], hit["end"])
        base = {
            **source_fields(source, person, hide, style),
            "quote": trim(quote, MAX_CHARS, words), "full_quote": quote,
            "before": piece(hit["context"][0], hit["start"]), "after": piece(hit["end"], hit["context"][1]),
            "start": hit["start"], "end": hit["end"],
            "source_memo": hide("\n".join(notes["source"].get(source.id, []))),
            "triangulation": None,
        }  # fmt: skip
        order = (source.date is None, source.date, source.id, hit["start"], hit["end"])
        by_code: dict[str, list[dict[str, Any]]] = {}
        for coding in hit["codings"]:
            by_code.setdefault(coding["code"], []).append(coding)
        for code_id, codings in by_code.items():
            code = codes.get(code_id)
            if code is None:
                continue  # removed since the search read its codings
            on = {c["id"] for c in codings}
            rows.append({
                **base,
                **code_fields(codes, code, hide),
                "status": "、".join(dict.fromkeys(c["status"] for c in codings)),
                "coder": "、".join(dict.fromkeys(c["coder"] for c in codings)),
                "memo": hide("\n".join(m["text"] for m in hit["memos"] if m["coding"] in on)),
                "code_memo": hide("\n".join(notes["code"].get(code_id, []))),
                "_order": (0, position(codes, code.dimension), position(codes, code_id), *order),
            })  # fmt: skip
        if not by_code:
            rows.append({
                **base, "dimension": UNCODED, "code": UNCODED, "dimension_name": labels["uncoded"],
                "dimension_name_en": LABELS["en"]["uncoded"], "code_name": labels["uncoded_code"],
                "code_name_en": LABELS["en"]["uncoded_code"], "status": None, "coder": None, "memo": "",
                "code_memo": "", "_order": (1, (0, ""), (0, ""), *order),
            })  # fmt: skip
    rows.sort(key=lambda row: row.pop("_order"))
    return rows


def _piece(masker: Masker | None, text: str) -> Callable[[int, int], str]:
    """``text[start:end]``, masked as read in the whole text when there is a masker."""
    if masker is None:
        return lambda start, end: text[start:end]
    return lambda start, end: masker.mask_span(text, start, end)
