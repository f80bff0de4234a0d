"""Record IDs given to files that arrive without one, from what the file itself says.

Researchers name files as they come (``policy1.txt``, ``关于印发干部绩效动态考核实施办法的通知.docx``,
``单晓明访谈.txt``); qcoder knows the convention, so it makes the ID instead of demanding it — and says so,
per file and in the audit log, never silently.

**Does the file carry an ID?** Front matter ``id`` always counts (and is checked). A file name counts
when its first ``_``-separated part is eight digits followed by more letters, digits or hyphens
(``20240115MJQ_街道办.docx``): that is an attempt at an ID, so a wrong one (``20240230ZHY``,
``20240118hzp``) is refused, not replaced. A bare date (``20220401.docx``) or a date before a title
(``20220401关于印发….docx``) is a date, not an ID. Anything else carries none.

**The date**, first found of:

1. front matter ``date``;
2. the file name: ``20220401``, ``2022-04-01``, ``2022.4.1``, ``2022年4月1日``;
3. the text: the first ten and the last five non-empty lines (a policy document's 成文日期 stands at its
   end, often in Chinese numerals: ``二〇二二年四月一日``);
4. what the file states about itself (:class:`coder.sources.textfile.Document`: a web page's publication
   date, PDF metadata, Word's document properties).

Interviews take only 1 and 2: a transcript's lines hold the dates people talk about (我是2019年3月1日调来的),
and a file's creation date is when it was typed up, not when the interview took place; an ID keeps its
date for good. A date must be real, not after today and not before 1900, or it is passed over.

**The rest of the ID.** Policy texts and media reports take the next number of their kind
(:func:`coder.sources.ids.make_document`), chosen inside the import's transaction; a concurrent import
that took it makes the insert fail, and the file is tried again with the next one. Interviews take the
date and the pinyin initials of front matter ``initials``, else of ``interviewee`` (the surname rules
and warnings of ``qcoder id make``); a second person with the same initials that day gets a visible
suffix (``-2``). When something is missing, one message names every missing field and the exact front
matter (or file name) that would do.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coder.errors import FileProblem
from coder.sources import ids

NAME_KEYS = ("interviewee", "name", "受访者", "姓名")  # where front matter holds the interviewee's name
FRONT_MATTER_SUFFIXES = {".txt", ".md", ".markdown", ".docx"}  # files a person can add front matter to
_HEAD_LINES, _TAIL_LINES = 10, 5
_ATTEMPT = re.compile(r"^[0-9]{8}[A-Za-z0-9-]+$")  # 20240115MJQ, 20240118hzp; not 20220401 or 20220401关于…
_NUMERIC_DATE = re.compile(
    r"(?<![0-9])(?P<y>(?:19|20)[0-9]{2})"
    r"(?:(?P<compact>(?P<cm>[01][0-9])(?P<cd>[0-3][0-9]))(?![0-9])"
    r"|\s*(?P<sep>[-./年])\s*(?P<m>[0-9]{1,2})\s*(?:(?P=sep)|月)\s*(?P<d>[0-9]{1,2})(?![0-9])\s*日?)"
)
_HAN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
               "八": 8, "九": 9}  # fmt: skip
_HAN_DATE = re.compile(
    r"(?P<y>[〇零○Ｏ一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,3})月(?P<d>[一二三四五六七八九十]{1,3})日"
)


@dataclass(frozen=True)
class Found:
    """A date and where it was read, in both languages (shown to the researcher)."""

    date: dt.date
    where_zh: str
    where_en: str


@dataclass
class IdPlan:
    """How a file without an ID gets one; the number is only drawn when the file is stored."""

    kind: str
    date: dt.date
    initials: str | None = None  # interviews
    where_zh: str = ""
    where_en: str = ""
    warnings: list[str] = field(default_factory=list)

    def make(self, existing: set[str] | frozenset[str]) -> ids.MadeId:
        """The ID this plan gives beside ``existing`` IDs (an interview twin gets a visible suffix)."""
        if self.kind == "interview":
            return ids.make(self.date, initials=self.initials, existing=existing, allow_suffix=True)
        return ids.MadeId(id=ids.make_document(self.date, self.kind, existing=existing), initials="")

    def explain(self, record_id: str) -> tuple[str, str]:
        """One line saying which ID was given and from what."""
        if self.kind == "interview":
            rest_zh, rest_en = f"受访者首字母 {self.initials}", f"the interviewee's initials {self.initials}"
        else:
            rest_zh, rest_en = "该类文献的下一个序号", f"the next {self.kind} number"
        return (
            f"已分配编号 {record_id}：日期 {self.date}（{self.where_zh}）+ {rest_zh}",
            f"assigned ID {record_id}: date {self.date} ({self.where_en}) + {rest_en}",
        )


def declared_id(path: Path, front: dict[str, Any]) -> str | None:
    """The ID the file carries (front matter ``id``, or a file name that starts like one), canonical."""
    if front.get("id") not in (None, ""):
        return ids.canonical(str(front["id"]))
    first = ids.canonical(path.stem.split("_")[0])
    return first if _ATTEMPT.match(first) else None


def plan(
    path: Path,
    kind: str | None,
    front: dict[str, Any],
    text: str,
    file_date: Found | None = None,
    today: dt.date | None = None,
) -> IdPlan:
    """How ``path`` (no ID of its own) gets one, or one FileProblem naming everything missing."""
    if kind == "interview":
        text, file_date = "", None  # see the module docstring: an interview's date is said, not guessed
    found = date_of(path, front.get("date"), text, file_date, today)
    missing: list[tuple[str, str]] = []
    if kind is None:
        missing.append(("kind（类型：interview、policy 或 media）", "kind (interview, policy or media)"))
    if found is None:
        missing.append(("date（日期 YYYY-MM-DD）", "date (YYYY-MM-DD)"))
    made = None
    if kind == "interview":
        made, problem = _initials(front)
        if problem:
            missing.append(problem)
    if missing:
        raise _missing(path, kind, front, missing)
    assert found is not None and kind is not None
    # The shape is checked now (initials, a date after today), so drawing the number later cannot fail.
    sample = f"{found.date:%Y%m%d}" + (made.initials if made else f"-{ids.DOCUMENT_LETTER[kind]}01")
    try:
        ids.parse(sample, today=today)
    except ids.IdError as exc:
        raise FileProblem(f"{path}：{exc.zh}", f"{path}: {exc.en}") from None
    return IdPlan(
        kind=kind,
        date=found.date,
        initials=made.initials if made else None,
        where_zh=found.where_zh,
        where_en=found.where_en,
        warnings=list(made.warnings) if made else [],
    )


def date_of(
    path: Path, declared: Any, text: str, file_date: Found | None = None, today: dt.date | None = None
) -> Found | None:
    """The document's date by the order in the module docstring; None when nothing gives one."""
    if declared not in (None, ""):
        try:
            day = ids.calendar_date(declared, str(path))
        except ids.IdError as exc:
            raise FileProblem(exc.zh, exc.en) from None
        return Found(day, "元数据中的日期", "front matter date")
    if day := find_date(path.stem, today):
        return Found(day, "文件名", "the file name")
    lines = [line for line in text.splitlines() if line.strip()]
    for line in lines[:_HEAD_LINES] + lines[_HEAD_LINES:][-_TAIL_LINES:]:
        if day := find_date(line, today):
            return Found(day, f"正文“{_shown(line)}”", f"the text “{_shown(line)}”")
    return file_date


def find_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """The first real date written in ``text`` in one of the forms the module docstring lists."""
    text = unicodedata.normalize("NFKC", text)  # full-width ２０２２年 as typed with an IME
    candidates: list[tuple[int, tuple[int, int, int]]] = []
    for m in _NUMERIC_DATE.finditer(text):
        month, day = (m["cm"], m["cd"]) if m["compact"] else (m["m"], m["d"])
        candidates.append((m.start(), (int(m["y"]), int(month), int(day))))
    for m in _HAN_DATE.finditer(text):
        year = int("".join(str(_HAN_DIGITS[ch]) for ch in m["y"]))
        month, day = _han_number(m["m"]), _han_number(m["d"])
        if month and day:
            candidates.append((m.start(), (year, month, day)))
    for _position, (year, month, day) in sorted(candidates):
        try:
            found = dt.date(year, month, day)
        except ValueError:
            continue
        if ids.EARLIEST <= found <= (today or dt.date.today()):
            return found
    return None


def _han_number(written: str) -> int | None:
    """一 … 三十一 as a number (months and days only)."""
    if "十" not in written:
        return _HAN_DIGITS.get(written) if len(written) == 1 else None
    tens, _, ones = written.partition("十")
    value = (_HAN_DIGITS.get(tens, -100) if tens else 1) * 10 + (_HAN_DIGITS.get(ones, -100) if ones else 0)
    return value if 0 < value <= 31 else None


def interviewee_initials(front: dict[str, Any]) -> ids.MadeId | None:
    """The interviewee's initials from ``initials``, else from a name under :data:`NAME_KEYS` (the surname
    rules and warnings of ``qcoder id make``); None when neither is given. A name that gives no initials
    raises :class:`coder.sources.ids.IdError`. The ``.qdpx`` import reads its variables with this too."""
    declared = str(front.get("initials") or "").strip()
    name = next((str(front[k]).strip() for k in NAME_KEYS if str(front.get(k) or "").strip()), "")
    if declared:
        return ids.MadeId(id="", initials=declared.upper())
    return ids.initials_of(name) if name else None


def _initials(front: dict[str, Any]) -> tuple[ids.MadeId | None, tuple[str, str] | None]:
    """The interviewee's initials from front matter, or the missing field to name."""
    try:
        made = interviewee_initials(front)
    except ids.IdError as exc:
        return None, (exc.zh, exc.en)
    if made is None:
        return None, ("interviewee（受访者姓名）或 initials（拼音首字母）", "interviewee (the name) or initials")
    return made, None


def _missing(path: Path, kind: str | None, front: dict[str, Any], missing: list[tuple[str, str]]) -> FileProblem:
    """One message for everything a file lacks, with the front matter (or file name) that would do."""
    fields_zh, fields_en = "、".join(zh for zh, _ in missing), "; ".join(en for _, en in missing)
    lines = [f"kind: {kind or 'interview | policy | media'}", "date: 2024-01-15"]
    if kind in (None, "interview"):
        only = "   # 仅访谈需要；或写 initials: MJQ / interviews only; or initials: MJQ" if kind is None else ""
        lines.append(f"interviewee: 受访者姓名{only}")
    keep = {k: v for k, v in front.items() if k not in {"kind", "date", *NAME_KEYS, "initials"}}
    lines += [f"{k}: {v}" for k, v in keep.items()]
    examples = {"interview": "20240115MJQ", "policy": "20240115-P01", "media": "20240115-M01"}
    renamed = " / ".join(f"{examples[k]}_{path.name}" for k in ([kind] if kind else examples))
    if path.suffix.lower() in FRONT_MATTER_SUFFIXES:
        block = "\n".join(["---", *lines, "---"])
        how_zh = f"请在文件开头加上元数据：\n{block}\n或把文件改名为以编号开头，如 {renamed}"
        how_en = f"add front matter at the top of the file:\n{block}\nor rename it to start with its ID, e.g. {renamed}"
    else:
        how_zh = f"此类文件不能写元数据：请把文件改名为以编号开头，如 {renamed}"
        how_en = f"this kind of file cannot hold front matter: rename it to start with its ID, e.g. {renamed}"
    maker = "；qcoder id make --date 2024-01-15 --name 姓名 可生成编号" if kind in (None, "interview") else ""
    return FileProblem(
        f"{path}：没有记录编号，也无法生成：缺少 {fields_zh}。{how_zh}{maker}",
        f"{path}: no record ID, and none can be made: missing {fields_en}. {how_en}"
        + ("; qcoder id make --date 2024-01-15 --name NAME makes one" if maker else ""),
    )


def _shown(line: str) -> str:
    line = line.strip()
    return line if len(line) <= 24 else line[:23] + "…"
