"""One language at a time: every page, opened in Chinese and in English on a project that holds every
kind of metadata, decision and audit event, shows only words of the interface language — no raw keys, no
"None", no string of the other language — outside an explicit allow-list of identifiers, words of the other
language each in the one place a page says them on purpose (PLACED), and the project's own data: whole values
at word boundaries (names, titles, metadata, code names that have no English one, keywords, memos …, never a
kind, status or origin) and pieces of the sources' text. The checker is itself tested on planted leaks.

Every element's text is collected from the AppTest tree: markdown, captions, headings, alerts, buttons,
labels, help texts, placeholders, selectbox/radio/multiselect options, metrics, expanders, tabs, tables'
headers and cells (with their column labels), and the workbench's labels and code names. Charts belong
to another check (tests/ui/test_analysis_page.py, test_triangulation_page.py) and are left out here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Dataframe, UnknownElement

from coder import demo
from coder.export.quotes import Selection
from coder.project import Project
from coder.serve import MAIN
from coder.ui.history_words import sentence
from coder.ui.i18n import STRINGS
from coder.ui.workbench.actions import answer
from tests.helpers import page_app, write

ME = "马老师"
OTHER = "研究者B"
INTERVIEW = """---
id: 20240115MJQ
kind: interview
date: 2024-01-15
title: 社区书记谈考核改革
interviewee: 马继强
role: 社区党委书记
organization: 幸福社区
interviewer: 王研究员
place: 社区办公室
---
访谈者：请您谈谈考核改革。
MJQ：以前考核就是走过场，人人称职。现在排名都公示出来了，干得好的能上，干不好的就要下。
访谈者：分层分类考核怎么做？
MJQ：街道把干部分成三类，指标不一样，年轻干部有老同志帮带。
"""
POLICY = """---
id: 20230110-P03
kind: policy
date: 2023-01-10
title: 关于完善干部考核评价机制的实施意见
issuer: 云江区委组织部
doc_number: 云组发〔2023〕3号
---
第一条　考核结果向社会公示，优秀、称职、基本称职的比例为3:6:1。
第二条　实行分类考核，干得好的能上，干不好的能下。
"""
MEDIA = """---
id: 20230605-M04
kind: media
date: 2023-06-05
title: 考核改革让干部动起来
outlet: 云江日报
author: 李晓
url: https://news.example.cn/2023/0605.html
derived_from: 20230110-P03
---
记者了解到，该区考核结果向社会公示，干得好的能上，干不好的能下，比例为3:6:1。
"""
UNTITLED = """---
id: 20231208-M05
kind: media
date: 2023-12-08
title:
outlet:
---
群众说，现在干部办事比以前主动多了，排名都公示出来了。
"""
UPLOADED = "---\nkind: policy\ndate: 2022-04-01\ntitle: 动态考核办法\nvia: 网站\n---\n第一条　考核每季度进行一次。\n"
NEW_CODE = "群众评议"  # made in the workbench: a code with no English name

# Chinese mode: runs of two or more ASCII letters allowed where they are identifiers or proper names.
CODE_SPAN = r"`[^`]*`"  # code spans: commands, front matter, file names shown as syntax (in either language)
ASCII_ALLOWED_PATTERNS = [
    r"<[^>]+>|&nbsp;",  # markup of the page's own (a code's colour swatch)
    r"\bqcoder(?: --?[\w-]+| [a-z][\w-]*)+",  # a qcoder command line
    r"\{[a-z_]+\}",  # the fields of a citation template
    r"\b\d+-[0-9a-f]{6,}\b",  # a codebook version (its number and the file's hash)
    r"\bsuggester-\d+\b",  # a trained model's version
    r"(?:/[\w.-]+){2,}",  # a file path (the codebook file being edited)
    r"https?://\S+",  # URLs from the metadata
    r"\b(?:sqlite|postgresql)(?:\+\w+)?://\S+",  # the project's database
    r"(?<![A-Za-z0-9])\d{8}[A-Z]{2,6}(?:-\d+)?(?![A-Za-z0-9])",  # interview record IDs (also before Chinese)
    r"(?<![A-Za-z0-9])\d{8}-[PM]\d+(?![A-Za-z0-9])",  # policy and media record IDs
    r"\b[a-z_]+(?:\.[a-z0-9_]+)+\b",  # code ids (scenario.backstage), shown on purpose beside names
    r"[\w.-]*\.(?:txt|md|docx|xlsx|csv|qdpx|qdc|json|html|htm|pdf|yaml|yml|zip|sqlite)\b",  # files, extensions
]
ASCII_ALLOWED_WORDS = {
    "qcoder", "QDPX", "QDC", "REFI", "QDA", "jieba", "NVivo", "ATLAS", "ti", "MAXQDA", "Taguette", "Word", "Excel",
    "CSV", "Markdown", "HTML", "JSON", "YAML", "PDF", "DOCX", "XLSX", "MD", "TXT", "Cohen", "Krippendorff",
    "kappa", "Kappa", "alpha", "Alpha", "Fleiss", "Scott", "pi", "Gwet", "AC", "spaCy", "PostgreSQL", "SQLite",
    "URL", "ID", "IDs",  # identifiers by their usual name in Chinese software
    "Esc",  # a key on the keyboard
}  # fmt: skip
# English mode: Chinese characters and full-width punctuation, allowed in the project's data.
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")
IDEOGRAPH = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Words of the other language a page says on purpose, each in the one place it belongs to: (page, where —
# a pattern of the element, as `texts` names it —, the words). Anywhere else they are leaks.
PLACED = [
    ("sources_page", r"^text_input\[id_maker_name\]\.help$", {"欧阳", "司马", "单", "曾", "Shan", "Zeng"}),  # surnames
    ("export_page", r"^text_input\[mask_add_mention\]\.help$", {"石桥镇", "陈老师"}),  # names to mask
    ("retrieve_page", r"^checkbox\[r_questions\]\.help$", {"问", "访谈者", "主持人"}),  # interviewers' labels
    ("retrieve_page", r"^radio\[r_match\]\.help$", {"考核", "考核办法", "考核排名", "排名"}),  # how words match
    ("main", r"\[language\]", {"界面语言", "Language", "中文", "English"}),  # the switch speaks both languages
]
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")
NONE = re.compile(r"\bNone\b|\bnan\b|\bNaN\b|\bnull\b")
KEY_TOKEN = re.compile(r"(?<![\w.-])[a-z][a-z0-9]*(?:_[a-z0-9-]+)+(?![\w.])")  # like an i18n key: an_title
# A passage of a source may be shown cut anywhere (a hit's context, a concordance line): a piece of it counts
# as the source's when it is this long, holds this many ideographs, and its punctuation at either end is not
# glued to the page's own words ("Before：以前…" is the page's colon, not the text's).
PASSAGE_MIN, PASSAGE_IDEOGRAPHS = 4, 2


@dataclass
class Data:
    """What the project holds that pages show as it is, whatever the interface language: whole ``values``
    (names, titles, metadata, code texts, keywords, memos, citations …) and the sources' ``passages``."""

    values: list[str]
    passages: str
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.values = sorted({v for v in self.values if v and v.strip()}, key=len, reverse=True)

    def pattern(self, value: str) -> re.Pattern[str]:
        """The value as a whole: where it starts or ends with a letter or digit, not inside a longer word."""
        if value not in self._patterns:
            left = r"(?<![A-Za-z0-9_])" if re.match(r"\w", value[0], re.ASCII) else ""
            right = r"(?![A-Za-z0-9_])" if re.match(r"\w", value[-1], re.ASCII) else ""
            self._patterns[value] = re.compile(left + re.escape(value) + right)
        return self._patterns[value]


# The project ------------------------------------------------------------------------------------------


@pytest.fixture
def project(monkeypatch, sqlite_cli, tmp_path) -> Project:
    """Every kind of source and metadata (an interview, a policy text with issuer and document number, a
    media report with outlet, author and URL derived from the policy text, a report with no title or
    outlet), every kind of decision (accepted, rejected, recoded, manual, still suggested, a second
    coder's) and audit events of every kind the History page lists (codings, codes, memos, claims,
    metadata, the fieldwork window, the mask list, undo)."""
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    monkeypatch.setenv("QCODER_CODER", ME)
    book = tmp_path / "codebook.yaml"
    book.write_text(demo.CODEBOOK.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("QCODER_CODEBOOK", str(book))
    for folder, name, content in (
        ("interviews", "20240115MJQ.txt", INTERVIEW),
        ("policy", "20230110-P03.txt", POLICY),
        ("media", "20230605-M04.txt", MEDIA),
        ("media", "20231208-M05.txt", UNTITLED),
    ):
        write(tmp_path / "in" / folder / name, content)
    assert sqlite_cli("import", str(tmp_path / "in")).exit_code == 0
    assert sqlite_cli("tag").exit_code == 0
    opened = Project.open(sqlite_cli.url)
    suggested = opened.codings(status="suggested")
    assert len(suggested) >= 4
    opened.decide(suggested[0]["id"], "accept", ME)
    opened.decide(suggested[1]["id"], "reject", ME)
    opened.decide(suggested[2]["id"], "accept", ME, new_code="structure.resilient")

    def span(source: str, phrase: str) -> tuple[int, int]:
        start = opened.source(source)["text"].index(phrase)
        return start, start + len(phrase)

    first = opened.add_coding("20240115MJQ", *span("20240115MJQ", "以前考核就是走过场"), "scenario.backstage", ME,
                              memo="改革前的考核")  # fmt: skip
    opened.add_coding("20230110-P03", *span("20230110-P03", "考核结果向社会公示"), "action.public_results", ME)
    opened.add_coding("20230605-M04", *span("20230605-M04", "考核结果向社会公示"), "action.public_results", ME)
    opened.add_coding("20231208-M05", *span("20231208-M05", "排名都公示出来了"), "action.public_results", ME)
    opened.add_coding("20240115MJQ", *span("20240115MJQ", "以前考核就是走过场"), "scenario.backstage", OTHER)
    opened.add_coding("20240115MJQ", *span("20240115MJQ", "年轻干部有老同志帮带"), "structure.tiering", OTHER)
    opened.add_coding("20230110-P03", *span("20230110-P03", "考核结果向社会公示"), "action.public_results", OTHER)
    moved = opened.add_coding("20240115MJQ", *span("20240115MJQ", "人人称职"), "scenario.backstage", ME)
    opened.adjust_coding(moved, *span("20240115MJQ", "人人称职。"), ME)
    gone = opened.add_coding("20240115MJQ", *span("20240115MJQ", "指标不一样"), "structure.tiering", ME)
    opened.delete_coding(gone, ME)
    undone = opened.add_coding("20231208-M05", *span("20231208-M05", "主动多了"), "action.public_results", ME)
    opened.undo(next(e["id"] for e in opened.audit_events(entity="coding") if e["entity_id"] == str(undone)), ME)
    # Codes: one made in the workbench (no English name), one edited, one removed from the codebook.
    opened.create_code("action", NEW_CODE, ME)
    text = book.read_text(encoding="utf-8").replace("name: 揭榜挂帅\n", "name: 揭榜挂帅机制\n", 1)
    opened.save_codebook(book, text, ME)
    # Memos on a source and a code, one edited, one deleted; a claim made and one deleted.
    memo = opened.add_memo("街道的说法与政策文本一致", ME, source="20240115MJQ")
    opened.edit_memo(memo, "街道的说法与政策文本基本一致", ME)
    opened.delete_memo(opened.add_memo("待删的备忘", ME, code="scenario.backstage"), ME)
    opened.add_memo("幕后空间的说法来自受访者", ME, code="scenario.backstage")
    opened.add_claim("考核结果公开得到多方印证", ["action.public_results", "scenario.backstage"], [first], ME)
    opened.delete_claim(opened.add_claim("待删的论断", ["scenario.backstage"], [], ME), ME)
    # Metadata: the untitled report's outlet set, then emptied again; the fieldwork window.
    opened.update_metadata("20231208-M05", {"outlet": "云江晚报"}, ME)
    opened.update_metadata("20231208-M05", {"outlet": "", "title": ""}, ME)
    opened.set_fieldwork(dt.date(2024, 2, 1), dt.date(2024, 3, 31), ME)  # the interview falls outside: a warning
    # The mask list: a name confirmed, one dismissed, one removed.
    opened.add_mask("李晓", "person", ME, "记者甲")
    opened.dismiss_mask("云江", "place", ME)
    opened.add_mask("王研究员", "person", ME, "研究者")
    opened.remove_mask("王研究员", ME)
    assert first
    return opened


def project_data(project: Project) -> Data:
    """What the project holds that pages show as it is, as whole values — never an enum field (a kind, a
    status, an origin): those the interface must say in its own words."""
    # and the upload: its file, and the front matter field it wrote that qcoder does not know
    found: list[str] = [ME, OTHER, "马继强", "动态考核办法.txt", "via"]
    passages = []
    for source in project.sources():
        detail = project.source(source["id"])
        passages.append(detail["text"])
        found += [detail["title"] or "", *(v for v in detail["meta"].values() if isinstance(v, str))]
        person = detail.get("participant") or {}
        found += [v for v in person.values() if isinstance(v, str)]
        # a turn's speaker, as the text names them (访谈者, MJQ)
        found += re.findall(r"^([^：:\n]{1,12})[：:]", detail["text"], re.MULTILINE)
    for code in project.codes(True)["codes"]:
        found.append(code["id"])  # an identifier, shown beside the name (a dimension's has no dot: action)
        if not code.get("name_en"):
            found.append(code["name"])
        for name in ("brief", "definition", "when_to_use", "when_not_to_use", "example"):
            found.append(code.get(name) or "")
        found += [*code.get("keywords", []), *code.get("exclude", [])]
    found += [c for c in project.audit_coders() if c != "tagger"]  # people's names (the tagger is named by what it is)
    found += [q["citation"] for q in project.quotes(Selection())]  # a citation is in the style of the paper it goes in
    found += [m["text"] for m in project.memos()]
    found += [c["text"] for c in project.claims()]
    found += project.words(Selection(), top=500)["term"].tolist()  # the words the Analysis page counts
    for mask in project.masks():  # what a person wrote; not its kind, status or origin
        found += [mask["mention"], mask["replacement"] or ""]
    for event in project.audit_events(limit=5000):  # what the log quotes: old values, deleted memos and claims
        found += list(_written([event["before"], event["after"]]))
    found += [f"（{c}）" for c in found if "《" in c or "访谈记录" in c]  # a citation as a paper prints it
    return Data(found, "\x00".join(passages))


def _written(value: Any, key: str = "") -> Iterator[str]:
    """What people wrote, in an event's before and after: texts, titles, metadata, replacements (never a
    status or an origin: those the interface must say in its words)."""
    if isinstance(value, str) and key in WRITTEN:
        yield value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _written(item, "meta" if key == "meta" else name)
    elif isinstance(value, list):
        for item in value:
            yield from _written(item, key)


WRITTEN = {"text", "title", "replacement", "meta"}


# Reading the page -------------------------------------------------------------------------------------

INPUTS = ("text_input", "text_area")  # their values are what a person typed
CHOICES = ("radio", "selectbox", "multiselect", "select_slider", "slider", "button_group", "number_input",
           "date_input", "time_input", "color_picker", "button", "download_button", "checkbox", "toggle")  # fmt: skip


def texts(at: AppTest) -> Iterator[tuple[str, str, bool]]:
    """(where, text, is_data) for every string the page shows; ``is_data`` marks what a person typed (an
    input's value, the codebook file in its editor), checked only for "None"."""
    yield from _walk(at._tree)


def _walk(node: Any) -> Iterator[tuple[str, str, bool]]:
    if isinstance(node, Block):
        label = getattr(node, "label", None)
        if isinstance(label, str) and label:
            yield node.type, label, False
        for child in node.children.values():
            yield from _walk(child)
        return
    if isinstance(node, Dataframe):
        yield from _table(node)
        return
    if isinstance(node, UnknownElement):
        yield from _component(node)
        return
    kind = getattr(node, "type", type(node).__name__)
    where = f"{kind}[{getattr(node, 'key', None) or ''}]"
    for attribute in ("label", "help", "placeholder", "delta"):
        value = getattr(node, attribute, None)
        if isinstance(value, str) and value:
            yield f"{where}.{attribute}", value, False
    for value in getattr(node, "options", None) or []:
        yield f"{where}.option", str(value), False
    try:
        value = node.value
    except Exception:  # an element without a value of its own
        return
    if isinstance(value, str) and value and kind not in CHOICES:  # a choice's value is its key; options show
        yield where, value, kind in INPUTS


def _table(node: Dataframe) -> Iterator[tuple[str, str, bool]]:
    """Headers (or the labels the column config gives them), help texts, options and every cell."""
    frame: pd.DataFrame = node.value
    config = json.loads(node.proto.columns) if node.proto.columns else {}
    for column in frame.columns:
        conf = config.get(str(column)) or config.get(f"name:{column}") or {}
        yield "table.header", str(conf.get("label") or column), False
        if conf.get("help"):
            yield "table.help", conf["help"], False
        for option in (conf.get("type_config") or {}).get("options") or []:
            yield "table.option", str(option), False
        for cell in frame[column].tolist():
            if cell is None or (isinstance(cell, float) and pd.isna(cell)):
                yield "table.cell", "None", False  # an empty cell should be "", not a missing value
            elif isinstance(cell, str):
                yield "table.cell", cell, False


def _component(node: UnknownElement) -> Iterator[tuple[str, str, bool]]:
    """The workbench: its labels, the names of its codes and dimensions, its undo (the HTML is its own).
    Charts are left to the chart tests."""
    proto = getattr(node, "proto", None)
    raw = getattr(proto, "json", None)
    if not raw or "qcoder_workbench" not in str(proto):
        return
    data = json.loads(raw)
    data = data.get("data", data)
    for name, label in (data.get("labels") or {}).items():
        yield f"workbench.label.{name}", label, False
    for code in data.get("codes", []):
        yield "workbench.code", code["name"], False
        yield "workbench.dimension", code["dim_name"], False
    for dim in data.get("dims", []):
        yield "workbench.dimension", dim["name"], False
    if data.get("undo"):
        yield "workbench.undo", data["undo"]["summary"], False


# Checking ---------------------------------------------------------------------------------------------


def problems(at: AppTest, language: str, data: Data, module: str) -> list[str]:
    """Every string of the page (``module``, or "main" for the app's shell) that breaks the rules, with
    where it was found."""
    found = []
    for where, text, is_data in texts(at):
        shown = text.replace("\\", "")  # the escaping of user text
        if NONE.search(shown):
            found.append(f"{where}: “None” in {shown!r}")
        if is_data:
            continue
        allowed = set().union(*(w for page, place, w in PLACED if page == module and re.search(place, where)))
        found += [f"{where}: {piece!r} in {shown!r}" for piece in leaks(shown, language, data, allowed)]
    return sorted(set(found))


def leaks(text: str, language: str, data: Data, allowed: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """What of ``text`` is neither the interface language's (``language``) nor the project's data: raw
    i18n keys, and runs of ASCII letters (on a Chinese page) or of Chinese characters and full-width
    punctuation (on an English page) that are not whole data values, pieces of a source's passages or
    ``allowed`` here."""
    keys = [w for w in KEY_TOKEN.findall(text) if w in STRINGS]
    text = re.sub(CODE_SPAN, " ", text)
    for mark in ("r_mark_open", "r_mark_close"):  # Retrieve's marks around what a search found: not the text's
        text = text.replace(STRINGS[mark][language], "")
    if not _other_language(text, language, allowed):
        return keys
    # What is data, each found in the text as shown: whole values, and pieces of passages (a value may be a
    # word inside a passage, a passage's piece inside a title; neither cuts the other).
    data_at = [False] * len(text)
    for value in data.values:
        if value in text:
            for match in data.pattern(value).finditer(text):
                data_at[match.start() : match.end()] = [True] * len(value)
    for a, b in _passage_pieces(text, data.passages):
        data_at[a:b] = [True] * (b - a)
    rest = "".join(" " if is_data else char for char, is_data in zip(text, data_at, strict=True))
    return keys + _other_language(rest, language, allowed)


def _other_language(text: str, language: str, allowed: frozenset[str] | set[str]) -> list[str]:
    if language == "zh":
        for pattern in ASCII_ALLOWED_PATTERNS:
            text = re.sub(pattern, " ", text)
        return [w for w in ASCII_WORD.findall(text) if w not in ASCII_ALLOWED_WORDS and w not in allowed]
    return [run for run in CHINESE.findall(text) if run not in allowed]


def _passage_pieces(text: str, passages: str) -> Iterator[tuple[int, int]]:
    """Where ``text`` shows pieces of a source's passages (see PASSAGE_MIN), longest first from the left."""
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and text[i : j + 1] in passages:
            j += 1
        a, b = _trimmed(text, i, j)
        if b - a >= PASSAGE_MIN and len(IDEOGRAPH.findall(text[a:b])) >= PASSAGE_IDEOGRAPHS:
            yield a, b
            i = b
        else:
            i += 1


def _trimmed(text: str, a: int, b: int) -> tuple[int, int]:
    """A piece ``text[a:b]`` without the punctuation at its ends that touches other words of the page."""

    def glued(at: int) -> bool:  # to a letter, a digit, a Chinese character or full-width mark of the page's
        return 0 <= at < len(text) and bool(re.match(r"[A-Za-z0-9]", text[at]) or CHINESE.match(text[at]))

    def punctuation(char: str) -> bool:
        return bool(CHINESE.match(char)) and not IDEOGRAPH.match(char)

    while a < b and punctuation(text[a]) and glued(a - 1):
        a += 1
    while b > a and punctuation(text[b - 1]) and glued(b):
        b -= 1
    return a, b


def opened(module: str, language: str, **state: Any) -> AppTest:
    at = page_app(module)
    at.session_state["language"] = language
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


# Every page, in both languages -------------------------------------------------------------------------


def views(project: Project, tmp_path: Path) -> Iterator[tuple[str, dict[str, Any], tuple[str, ...]]]:
    """Each page (module, session state to open it with, buttons to click then), in the states that show
    more of it."""
    yield "overview_page", {}, ()
    yield "overview_page", {"overview_suggestions": True}, ()
    upload = _upload_results(project, tmp_path)
    for source in project.sources():  # each kind's metadata form, and the import results of an upload
        yield "sources_page", {"edit_source": source["id"], "upload_results": upload}, ()
    for source in project.sources():
        yield "coding_page", {"coding_source": source["id"]}, ()
    yield "retrieve_page", {"r_text": "考核"}, ()  # hits coded and uncoded, with memos, and the memos found
    every = {"r_statuses": ["accepted", "manual", "suggested", "rejected"], "r_coders": [ME, OTHER, "tagger"]}
    yield "retrieve_page", {"r_text": "考核排名", "r_match": "words", **every}, ()  # the tagger's suggestions too
    yield "triangulation_page", {}, ()
    yield "triangulation_page", {"tri_code": "action.public_results", "tri_kind": "policy"}, ()
    for display in ("cooccurrence", "framework", "timeline", "words"):
        yield "analysis_page", {"an_display": display}, ()
    yield "analysis_page", {"an_display": "words", "an_wd_code": "action.public_results", "an_wd_term": "考核"}, ()
    yield "agreement_page", {}, ()
    yield "agreement_page", {"icr_unit": "turn"}, ()
    yield "export_page", {}, ()
    yield "export_page", {"exp_context": 1}, ()  # each quote with the sentence before and after it
    yield "codebook_page", {}, ("propose-action.public_results",)  # the keyword proposals' table
    yield "history_page", {"hist_limit": 2000}, ()
    yield "history_page", {"hist_limit": 2000, "hist_entity": "coding"}, ()
    yield "team_page", {}, ()
    yield "login_page", {}, ()


def _upload_results(project: Project, tmp_path: Path) -> list[tuple[str, dict[str, Any]]]:
    """What an upload of three files reported: one imported under an ID qcoder made (with a warning), one
    already in the project, one refused."""
    corpus = tmp_path / "corpus"
    made = UPLOADED
    results = [
        ("动态考核办法.txt", project.import_upload(corpus, "动态考核办法.txt", made.encode(), "policy")),
        ("20230110-P03.txt", project.import_upload(corpus, "20230110-P03.txt", POLICY.encode(), "policy")),
        ("20240230ZHY.txt", project.import_upload(corpus, "20240230ZHY.txt", "问：好。".encode(), "interview")),
    ]
    assert [r["status"] for _, r in results] == ["imported", "unchanged", "failed"]
    assert results[0][1]["assigned"] and results[0][1]["warnings"]
    return results


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_page_speaks_one_language(project, tmp_path, language):
    shown = list(views(project, tmp_path))  # first: an upload adds a source
    data = project_data(project)
    found = []
    for module, state, clicks in shown:
        at = opened(module, language, **state)
        for key in clicks:
            at.button(key=key).click().run()
        assert not at.exception, (module, state, [e.value for e in at.exception])
        found += [f"{module} {sorted(state)}: {p}" for p in problems(at, language, data, module)]
    assert not found, "\n".join(dict.fromkeys(found))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_app_shell_speaks_one_language(project, language):
    at = AppTest.from_file(str(MAIN), default_timeout=30)
    at.session_state["language"] = language
    at.run()
    assert not at.exception
    assert not problems(at, language, project_data(project), "main")


PAGES = ("overview_page", "sources_page", "coding_page", "retrieve_page", "triangulation_page", "analysis_page",
         "agreement_page", "export_page", "codebook_page", "history_page", "team_page")  # fmt: skip


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_project_that_cannot_be_opened_is_said_in_one_language(monkeypatch, tmp_path, language):
    """Every page, and the app's shell, on a database never initialised: the refusal in the interface's
    language only (a QcoderError carries both)."""
    monkeypatch.setenv("QCODER_DB_URL", f"sqlite:///{tmp_path / 'never.sqlite'}")
    monkeypatch.setenv("QCODER_CODER", ME)
    nothing, found = Data([ME], ""), []
    for module in PAGES:
        at = opened(module, language)
        assert not at.exception and at.error, module
        found += [f"{module}: {p}" for p in problems(at, language, nothing, module)]
    shell = AppTest.from_file(str(MAIN), default_timeout=30)
    shell.session_state["language"] = language
    shell.run()
    assert not shell.exception and shell.error
    found += [f"main: {p}" for p in problems(shell, language, nothing, "main")]
    assert not found, "\n".join(found)


# What the pages say, word for word ---------------------------------------------------------------------


def event(project: Project, entity: str, action: str) -> dict[str, Any]:
    return next(e for e in project.audit_events(limit=5000) if e["entity"] == entity and e["action"] == action)


def test_history_says_each_change_as_a_sentence(project):
    accepted = event(project, "coding", "accept")
    assert sentence(accepted, "zh") == f"{ME}接受了建议 #{accepted['entity_id']}（结果运用公开化）"
    assert sentence(accepted, "en") == f"{ME} accepted suggestion #{accepted['entity_id']} (Publicising results)"
    undo = event(project, "coding", "undo")
    undone = undo["facts"]["undoes"]
    assert sentence(undo, "zh") == f"{ME}撤销了 #{undone}：移除编码 #{undo['entity_id']}"
    assert sentence(undo, "en") == f"{ME} undid #{undone}: coding #{undo['entity_id']} removed"
    emptied = next(e for e in project.audit_events(entity="source") if e["action"] == "update")
    assert sentence(emptied, "zh") == f"{ME}修改了 20231208-M05 的元数据：媒体已清空（原为“云江晚报”）"
    assert sentence(emptied, "en") == f"{ME} changed the metadata of 20231208-M05: Outlet emptied (was “云江晚报”)"
    tagged = event(project, "source", "tag")
    assert sentence(tagged, "zh").startswith("自动标注为 ") and sentence(tagged, "en").startswith("The tagger ")
    new_code = next(e for e in project.audit_events(entity="code") if e["entity_id"].startswith("action.q"))
    assert f"“{NEW_CODE}”" in sentence(new_code, "zh") and NEW_CODE in sentence(new_code, "en")  # no English name


def test_a_decision_says_what_was_done_and_how_many_are_left(project):
    pending = project.codings(source="20240115MJQ", status="suggested")
    assert len(pending) >= 2
    names = {"zh": {}, "en": {}}
    for code in project.codes()["codes"]:
        names["zh"][code["id"]] = code["name"]
        names["en"][code["id"]] = code["name_en"] or code["name"]
    done: dict[str, dict[str, Any]] = {}
    for nonce, (language, coding) in enumerate(zip(("zh", "en"), pending[:2], strict=True)):
        action = {"nonce": str(nonce), "kind": "accept", "id": coding["id"], "version": coding["version"]}
        answer(project, ME, "20240115MJQ", [action], done, lambda key, lang=language: STRINGS[key][lang],
               lambda exc: exc.en, names[language], language)  # fmt: skip
    left = len(pending) - 2
    first, second = pending[0]["code"], pending[1]["code"]
    assert done["0"] == {"ok": True, "message": f"已接受：{names['zh'][first]} · 还有 {left + 1} 条待审"}
    tail = f" · {left} left to review" if left else " · every suggestion in this source is reviewed"
    assert done["1"] == {"ok": True, "message": f"Accepted: {names['en'][second]}{tail}"}


def test_saving_metadata_keeps_a_missing_value_missing(project):
    at = opened("sources_page", "zh", edit_source="20231208-M05")
    labels = [w.label for w in at.text_input]
    assert {"标题", "媒体", "作者", "网址", "转述自（来源编号）"} <= set(labels)
    assert all(w.value != "None" for w in at.text_input)
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception and not at.error
    detail = project.source("20231208-M05")
    assert detail["title"] is None and "None" not in map(str, detail["meta"].values())
    frame = opened("sources_page", "en").dataframe[0].value
    assert "None" not in frame.astype(str).to_numpy().tolist()


# The checker itself ------------------------------------------------------------------------------------


# Interface strings that are also, word for word, the project's data: a speaker label the texts use (访谈者),
# a keyword of the codebook or a counted word (得分, 比例). Shown on an English page they pass unnoticed.
SAME_AS_DATA = {"meta_interviewer", "exp_col_interviewer", "cb_col_score", "tri_measure_ratio"}
# What the reviewer of issue 20 found passing the old checker (data as any substring of one blob).
PLANTED = {
    "en": ["编码", "状态", "分析", "备忘", "访谈", "类型", "Before：以前考核就是走过场", "Coded as 编码（accepted）",
           "（Publicising results）", "马老师：accepted", "kind_interview", "an_title"],
    "zh": ["kind_interview", "an_title", "results", "manual", "suggested", "confirmed", "person", "kind", "policy",
           "date", "title", "title: 动态考核办法", "interview", "MJQX", "状态：Manual"],
}  # fmt: skip


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_checker_finds_every_string_of_the_other_language(project, language):
    """Every interface string of the other language, every raw key and what the old checker let through
    is found, however much data the project holds; only SAME_AS_DATA hides."""
    data, nothing = project_data(project), Data([], "")
    other = "en" if language == "zh" else "zh"
    hidden = [key for key, both in STRINGS.items()
              if both["zh"] != both["en"] and leaks(both[other], language, nothing)
              and not leaks(both[other], language, data)]  # fmt: skip
    assert set(hidden) == (SAME_AS_DATA if language == "en" else set())
    keys = [key for key in STRINGS if "_" in key or language == "zh"]  # "results" is an English word too
    assert [key for key in keys if not leaks(key, language, data)] == []
    assert [text for text in PLANTED[language] if not leaks(text, language, data)] == []


def test_the_checker_lets_data_through_as_it_is(project):
    """Whole values and pieces of the sources are data in either language, punctuation and all — unless the
    page glues its own words to them."""
    data = project_data(project)
    for language in ("zh", "en"):
        assert not leaks("马老师 · 云组发〔2023〕3号 · 20240115MJQ", language, data)
        assert not leaks("…请您谈谈考核改革。\nMJQ：以前考核就是走过场，…", language, data)
        assert not leaks("（云江日报《考核改革让干部动起来》，2023年6月5日）", language, data)
    assert leaks("Before：以前考核就是走过场", "en", data) == ["："]
    assert leaks("Before: 以前考核就是走过场，人人称职。 After: 现在排名都公示出来了", "en", data) == []
    assert leaks("研究者Bx", "zh", data) == ["Bx"]  # a value is whole: 研究者B, not inside a longer word


@pytest.mark.parametrize(
    ("facts", "zh", "en"),
    [
        ({"say": "user_added", "id": "小李", "role": None}, "马老师添加了成员 小李", "马老师 added 小李"),
        ({"say": "user_changed", "id": "小李", "role": None}, "马老师修改了成员 小李 的账户",
         "马老师 changed the account of 小李"),
        ({"say": "round_opened", "id": "1", "name": None, "sources": 2}, "马老师开启了一个轮次（2 个来源）",
         "马老师 opened a round (2 sources)"),
        ({"say": "undid", "id": "9", "undoes": None, "changes": [{"entity": "coding", "id": 4, "restored": True}]},
         "马老师撤销了一项操作：恢复编码 #4", "马老师 undid a change: coding #4 restored"),
        ({"say": "imported", "id": "20240115MJQ", "kind": None}, "马老师导入了 20240115MJQ", "马老师 imported 20240115MJQ"),
        ({"say": "stopwords", "id": "stopwords", "count": None}, "马老师更新了停用词表", "马老师 updated the stop-word list"),
    ],
)  # fmt: skip
def test_an_event_without_a_field_is_said_without_its_clause(facts, zh, en):
    """Events an older qcoder wrote may lack a field: never "None", the sentence without that clause."""
    event = {"coder": ME, "entity": "user", "entity_id": facts["id"], "action": "create", "facts": facts}
    assert (sentence(event, "zh"), sentence(event, "en")) == (zh, en)
