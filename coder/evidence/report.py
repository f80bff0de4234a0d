"""Triangulation reports for people: Markdown, HTML and Word, rendered from :func:`coder.evidence.triangulation.check`.

The three formats show the same content, so :func:`view` turns the check's result into plain strings once and
each renderer only lays them out and escapes them its own way: an escaping or wording fix cannot be forgotten
in one format. The result never holds participants' names (interviews are cited by record ID), and nothing
here adds any.
"""

from __future__ import annotations

import json
from typing import Any

from jinja2 import Environment, PackageLoader

from coder.db.models import SOURCE_KINDS
from coder.errors import QcoderError
from coder.evidence.triangulation import STATUSES
from coder.export import word
from coder.export.quote_marks import quoted
from coder.export.text import clean, md, md_table, shorten

FORMATS = ("json", "md", "html", "docx")
QUOTE_LIMIT = 60  # characters of a quote in a matrix cell: enough to recognise it, short enough to scan
COLOURS = {
    "corroborated": "d8f0dc",
    "partial": "ebf2cc",
    "single-source": "fcebc2",
    "contested": "f8d4d0",
    "no-evidence": "e6e6e6",
}

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "三角验证报告", "method": "方法", "summary": "状态汇总", "matrix": "证据矩阵",
        "conflicts": "事实矛盾", "consistent": "一致的事实", "claims": "论断", "warnings": "提示", "none": "无",
        "code": "编码", "status": "状态", "dimensions": "维度", "codes_n": "编码", "claim": "论断 {id}", "value": "数值", "source": "来源",
        "kind": "类型", "quote": "引文", "cell": "{n} 条／独立 {i}", "fact": "事实 {id}", "codes": "涉及编码：",
        "sep": "；", "colon": "：", "and": "、", "paren": "（{}）", "dash": "——",
        "corroborated": "已佐证", "partial": "部分佐证", "single-source": "单一来源", "contested": "存在矛盾", "no-evidence": "无证据",
        "interview": "访谈", "policy": "政策文本", "media": "媒体报道",
        "single_informant": "访谈证据仅来自一位受访者", "derived_counted_with_origin": "转述来源并入原始来源计数",
        "fact_disputed_elsewhere": "所涉事实在其他证据中存在矛盾",
        "ratio": "比例", "percent": "百分比", "count": "数量", "amount": "金额", "date": "日期",
        "partial_rule": "；多于一类、但少于 {k} 类为“部分佐证”", "single_rule": "；只有一类为“单一来源”",
        "methods": "证据只计研究者接受或手工标注的编码（{statuses}）；系统生成的编码建议不算证据。“已佐证”须有来自至少 {k} "
        "类来源（访谈、政策文本、媒体报道）的独立证据，且证据之间没有事实矛盾{grades}。访谈按受访者计，同一人的多次访谈只算一个独立来源；"
        "元数据标注 derived_from 的来源（如转述政策文本的报道）并入其原始来源，按原始来源的类型和文件计数。两处陈述为“同一事实”，"
        "指计量类型相同、所述年份不相抵，且计量的是同一对象的同一个量：由词性标注读出数字所说的中心词（量，如满意度、权重、人数）及其修饰语（对象，如群众、机关干部），"
        "量不同（满意度的权重不是满意度）或对象不同（机关干部满意度不是群众满意度）即为不同事实，一方未说明量或对象时不据此区分；此外措辞须相近："
        "句中词语的余弦相似度 ≥ {fact}，两处都读出所计量的量时 ≥ {quantity}。矩阵每格的引文取标注一致的编码者最多者，"
        "其次取编码建议得分较高、长度适中者。",
        "window": "田野调查期为 {start} 至 {end}，期外的访谈列入提示。", "no_window": "未设定田野调查期。",
    },
    "en": {
        "title": "Triangulation report", "method": "Method", "summary": "Status summary", "matrix": "Evidence matrix",
        "conflicts": "Conflicting facts", "consistent": "Consistent facts", "claims": "Claims",
        "warnings": "Warnings", "none": "None", "code": "Code", "status": "Status", "dimensions": "Dimensions",
        "codes_n": "Codes", "claim": "Claim {id}", "value": "Value", "source": "Source", "kind": "Kind", "quote": "Quote",
        "cell": "{n} coded, {i} independent", "fact": "Fact {id}", "codes": "Codes: ", "sep": "; ",
        "colon": ": ", "and": ", ", "paren": " ({})", "dash": " — ",
        "corroborated": "corroborated", "partial": "partly corroborated", "single-source": "single source", "contested": "contested",
        "no-evidence": "no evidence", "interview": "Interview", "policy": "Policy text", "media": "Media report",
        "single_informant": "all interview evidence from one person",
        "derived_counted_with_origin": "derived sources counted with their origin",
        "fact_disputed_elsewhere": "a fact it states is disputed elsewhere",
        "ratio": "ratio", "percent": "percentage", "count": "count", "amount": "amount", "date": "date",
        "partial_rule": "; partly corroborated with more than one kind but fewer than {k}",
        "single_rule": "; single source with one kind only",
        "methods": "Evidence is only codings a researcher accepted or made ({statuses}); the tagger's suggestions are "
        "not evidence. A finding is corroborated when independent evidence comes from at least {k} kinds of source "
        "(interviews, policy texts, media reports) and no fact in it is contested{grades}. Interviews count once per person, "
        "however many talks; a source marked derived_from (a report retelling a policy text) counts with its origin, "
        "as the origin's kind and document. Two statements state the same fact when they are the same kind of figure (ratio, percentage, count "
        "in one unit …), are not about different years and measure the same quantity of the same thing: part-of-speech tags give the head noun a figure is said of "
        "(its quantity: satisfaction, weight, number of people …) and what that is measured on (its subject: the public, office cadres …), "
        "and a different quantity (the weight of satisfaction is not the satisfaction rate) or subject (office cadres' satisfaction is not the public's) "
        "makes a different fact (where a statement names no quantity or subject, that side is not compared); their wording must also be similar: cosine similarity "
        "of their words ≥ {fact}, ≥ {quantity} when both name their quantity. "
        "Each matrix cell quotes the evidence most coders agree on, then the one with the higher tagger score and a "
        "readable length. ",
        "window": "Fieldwork window: {start} to {end}; interviews outside it are listed under warnings.",
        "no_window": "No fieldwork window is set.",
    },
}  # fmt: skip


def render(result: dict[str, Any], fmt: str, lang: str = "zh") -> bytes:
    """``result`` of :func:`coder.evidence.triangulation.check` as a file: json, md, html or docx (UTF-8 where text)."""
    if fmt not in FORMATS:
        raise QcoderError(
            f"不支持的报告格式“{fmt}”；可用格式：{'、'.join(FORMATS)}",
            f"unknown report format '{fmt}'; use one of: {', '.join(FORMATS)}",
        )
    if fmt == "json":
        return json.dumps(result, ensure_ascii=False, indent=2).encode()
    if lang not in LABELS:
        raise QcoderError(f"不支持的报告语言“{lang}”：应为 zh 或 en", f"unknown report language '{lang}': use zh or en")
    return {"md": as_markdown, "html": as_html, "docx": as_docx}[fmt](view(clean(result), lang))


def view(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """Everything a report shows, as plain (unescaped) strings in the report's language. A table is
    ``{"header", "rows", "status_col"}``; each row ``{"cells", "status", "bold"}``."""
    t = LABELS[lang]
    kinds = [k for k in SOURCE_KINDS if k in t]
    codes, claims, facts = result.get("codes", []), result.get("claims", []), result.get("facts", [])
    groups = [[r for r in codes if r["level"] == "dimension"], [r for r in codes if r["level"] != "dimension"], claims]
    summary = [_row([t[s], *(str(sum(r["status"] == s for r in g)) for g in groups)], s) for s in STATUSES]
    matrix = []
    for row in codes:
        cells = [row["name"] + t["paren"].format(row["code"]), _status(row, t), *(_cell(row, k, t) for k in kinds)]
        matrix.append(_row(cells, row["status"], bold=row["level"] == "dimension"))
    return {
        "lang": lang,
        "t": t,
        "methods": methods(result.get("rules", {}), lang),
        "summary": _table([t["status"], t["dimensions"], t["codes_n"], t["claims"]], summary, status_col=0),
        "matrix": _table([t["code"], t["status"], *(t[k] for k in kinds)], matrix, status_col=1),
        "conflicts": [_conflict(fact, t) for fact in facts if fact["status"] == "conflict"],
        "consistent": [_fact(fact, t, values=True) for fact in facts if fact["status"] != "conflict"],
        "claims": [_claim(claim, kinds, t) for claim in claims],
        "warnings": [
            f"{w['source']}{t['paren'].format(w['rule'])}{t['colon']}{w[lang]}" for w in result.get("warnings", [])
        ],
    }


def _table(header: list[str], rows: list[dict[str, Any]], status_col: int | None = None) -> dict[str, Any]:
    return {"header": header, "rows": rows, "status_col": status_col}


def _row(cells: list[str], status: str | None = None, bold: bool = False) -> dict[str, Any]:
    return {"cells": cells, "status": status, "bold": bold}


def methods(rules: dict[str, Any], lang: str) -> str:
    """The rules the statuses were decided by, so a reader can judge them without reading the code."""
    t, window = LABELS[lang], rules.get("fieldwork")
    statuses = t["and"].join(rules.get("evidence_statuses", []))
    k = rules.get("min_kinds") or 2
    # Only the grades this setting can give: with two kinds asked for, two corroborate; with one, one does.
    grades = (t["partial_rule"].format(k=k) if k > 2 else "") + (t["single_rule"] if k > 1 else "")
    text = t["methods"].format(
        statuses=statuses,
        grades=grades,
        k=k,
        fact=rules.get("same_fact"),
        quantity=rules.get("same_quantity"),
    )
    text += t["window"].format(**window) if window else t["no_window"]
    if rules.get("masked"):
        from coder.masking.outputs import methods_note

        text += methods_note(rules["masked"], lang)
    return text


def _status(row: dict[str, Any], t: dict[str, str]) -> str:
    """The status label, then the flags and conflicting facts that explain it: text, never colour alone."""
    parts = [t.get(row["status"], row["status"]), *(t.get(flag, flag) for flag in row.get("flags", []))]
    parts += [t["fact"].format(id=n) for n in row.get("conflicts", [])]
    return t["sep"].join(parts)


def _count(row: dict[str, Any], kind: str, t: dict[str, str]) -> str:
    return t["cell"].format(n=row["counts"].get(kind, 0), i=row["independent"].get(kind, 0))


def _cell(row: dict[str, Any], kind: str, t: dict[str, str]) -> str:
    """Counts, then the strongest quote shortened and cited as a paper would: “……”（访谈记录：ID）."""
    if not row["counts"].get(kind):
        return "—"
    quote = row.get("strongest", {}).get(kind)
    cited = f"{t['colon']}{quoted(shorten(quote['text'], QUOTE_LIMIT))}（{quote['citation']}）" if quote else ""
    return _count(row, kind, t) + cited


def _fact(fact: dict[str, Any], t: dict[str, str], values: bool = False) -> str:
    """``事实 38（比例）``; with ``values`` the agreed value and who states it, for the consistent-facts list."""
    base, _, unit = fact["measure"].partition(":")
    name = t.get(base.rstrip("0123456789"), base)
    label = t["fact"].format(id=fact["id"]) + t["paren"].format(f"{name}{t['colon']}{unit}" if unit else name)
    if not values:
        return label
    sources = t["and"].join(sorted({s["source"] for s in fact["statements"]}))
    return f"{label}{t['colon']}{'/'.join(fact['values'])}" + t["paren"].format(sources)


def _conflict(fact: dict[str, Any], t: dict[str, str]) -> dict[str, Any]:
    """A contested fact: every statement's value, source, kind and quote in one table."""
    rows = [_row([s["value"], s["source"], t.get(s["kind"], s["kind"]), s["quote"]]) for s in fact["statements"]]
    return {
        "title": f"{_fact(fact, t)}{t['colon']}{' ≠ '.join(fact['values'])}",
        "codes": t["codes"] + t["and"].join(sorted({c for s in fact["statements"] for c in s["codes"]})),
        "table": _table([t["value"], t["source"], t["kind"], t["quote"]], rows),
    }


def _claim(claim: dict[str, Any], kinds: list[str], t: dict[str, str]) -> str:
    counts = t["and"].join(t[k] + t["paren"].format(_count(claim, k, t)) for k in kinds)
    return f"{t['claim'].format(id=claim['id'])}{t['colon']}{claim['text']}{t['dash']}{_status(claim, t)}{t['sep']}{counts}"


def _md_table(table: dict[str, Any]) -> list[str]:
    return md_table(table["header"], [r["cells"] for r in table["rows"]], [r["bold"] for r in table["rows"]])


def as_markdown(v: dict[str, Any]) -> bytes:
    """Markdown for reading as text or pasting into a paper draft; user text escaped, tables one row per line."""
    t = v["t"]
    out = [f"# {t['title']}", "", f"## {t['method']}", "", md(v["methods"]), "", f"## {t['summary']}", ""]
    out += [*_md_table(v["summary"]), f"## {t['matrix']}", "", *_md_table(v["matrix"]), f"## {t['conflicts']}", ""]
    for fact in v["conflicts"]:
        out += [f"### {md(fact['title'])}", "", md(fact["codes"]), "", *_md_table(fact["table"])]
    out += [] if v["conflicts"] else [t["none"], ""]
    for key in ("consistent", "claims", "warnings"):
        out += [f"## {t[key]}", "", *(f"- {md(item)}" for item in v[key]), *([] if v[key] else [t["none"]]), ""]
    return "\n".join(out).encode()


def as_html(v: dict[str, Any]) -> bytes:
    """A standalone page (no scripts, no external files) that opens in any browser and prints well."""
    env = Environment(loader=PackageLoader("coder", "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("triangulation.html.j2").render(v=v, colours=COLOURS).encode()


def as_docx(v: dict[str, Any]) -> bytes:
    """A Word document for colleagues who edit in Word; A4 landscape, as the matrix has three quote columns."""
    doc, t = word.document(landscape=True), v["t"]

    def table(data: dict[str, Any]) -> None:
        rows = data["rows"]
        cells = word.table(doc, data["header"], [r["cells"] for r in rows], [r["bold"] for r in rows])
        if data["status_col"] is not None:
            for row, row_cells in zip(rows, cells, strict=True):
                word.shade(row_cells[data["status_col"]], COLOURS.get(row["status"], "ffffff"))

    word.heading(doc, t["title"], 0)
    word.heading(doc, t["method"], 1)
    word.write(doc.add_paragraph(), v["methods"])
    for key in ("summary", "matrix"):
        word.heading(doc, t[key], 1)
        table(v[key])
    word.heading(doc, t["conflicts"], 1)
    for fact in v["conflicts"]:
        word.heading(doc, fact["title"], 2)
        word.write(doc.add_paragraph(), fact["codes"])
        table(fact["table"])
    if not v["conflicts"]:
        word.write(doc.add_paragraph(), t["none"])
    for key in ("consistent", "claims", "warnings"):
        word.heading(doc, t[key], 1)
        for item in v[key] or [t["none"]]:
            word.write(doc.add_paragraph(style="List Bullet" if v[key] else None), item)
    return word.to_bytes(doc)
