"""Reading figures in Chinese text: counts with units, ratios, percentages, amounts and dates.

What counts as a figure is chosen for precision — a figure read wrongly becomes a false conflict:

* Arabic figures everywhere, full-width ones (３．５％) included; Chinese numerals only from ten upwards
  (六十七人, 二百一十名), because small ones are mostly wording (三个方阵, 一把尺子).
* Counts need a unit, and units that measure different things stay apart (人/名/位 are one unit —
  people — but 分 is not 分钟, and 百分点 is not 个). 1.2万名 is 12,000 people.
* Ratios need three parts or a ratio word before them (比例, 之比 …): 14:30 is a time, 3:2 a score.
* Dates need a year and must exist (2024年2月30日 does not); a month-only date agrees with any day in it.
* Not facts: years alone (2023年以来), article and document numbers (第十条, 〔2023〕3号), ranks
  (前10名), days of a month without a year (3月15日).

A figure may also carry the **year it is about** (2022年全区提拔67名 ≠ 2023年全区提拔80名): a year
written in its clause or the clause before, or 今年 / 去年 … counted from the source's own date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import cn2an

_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"  # 1,286 and 1286 alike
_CN_NUMBER = r"[零〇一二两三四五六七八九十百千万亿点]*[十百千万亿][零〇一二两三四五六七八九十百千万亿点]*"
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_SAME_UNIT = {"名": "人", "位": "人", "个百分点": "百分点"}  # people are people however counted
_UNIT_WORDS = (
    "人次 人 名 位 个 项 家 次 件 条 户 所 批 场 篇 份 类 处 村 镇 街道 部门 单位 个工作日 工作日 个月 天 日 年 "
    "小时 分钟 分 个百分点 百分点"
)
_UNITS = "|".join(sorted(_UNIT_WORDS.split(), key=len, reverse=True))  # longest first: 个月 before 个
_PATTERNS = [
    ("date", re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?")),
    ("date", re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})")),
    ("ratio", re.compile(rf"(?<![\d.])(?<!\d:){_NUMBER}(?:\s*[:比]\s*{_NUMBER}){{1,5}}(?![\d.]|\s*[:比]\s*\d)")),
    ("percent", re.compile(rf"(?<![\d.])(?P<n>[-+]?{_NUMBER})\s*%|百分之(?P<cn>[零〇一二两三四五六七八九十百点]+)")),
    ("amount", re.compile(rf"(?<![\d.])(?P<n>{_NUMBER}|{_CN_NUMBER})\s*(?P<scale>亿|万|千)?元")),
    ("count", re.compile(
        rf"(?<![\d.〔\[第前月{_CN_DIGITS}])(?P<n>{_NUMBER}|{_CN_NUMBER})\s*(?P<scale>万|亿)?\s*(?P<unit>{_UNITS})(?!\d)"
    )),
]  # fmt: skip
_RATIO_WORDS = ("比例", "配比", "之比", "比率", "比值")
_SCALE = {"亿": 100_000_000, "万": 10_000, "千": 1_000, None: 1}
# Full-width digits and signs read as ASCII, one character for one, so positions stay those of the text.
_ASCII = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"∶": ":", "−": "-"})
_YEAR = re.compile(r"(\d{4})\s*年(?!\s*\d{1,2}\s*月)")
_RELATIVE_YEARS = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}


@dataclass(frozen=True)
class Figure:
    """One figure in a text: what kind of measure, its normalised value and where it stands."""

    measure: str  # ratio<n> | percent | count:<unit> | amount | date
    value: str  # normalised: "3.5:5.5:1", "96.37", "67", "2022-03", "1500000"
    text: str  # as written
    start: int
    end: int


def figures(text: str) -> list[Figure]:
    """Every figure in ``text`` that states a fact, left to right; overlapping readings keep the first kind."""
    ascii_text = text.translate(_ASCII)
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(ascii_text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            figure = _figure(kind, m, ascii_text)
            if figure is not None:
                found.append(Figure(figure.measure, figure.value, text[m.start() : m.end()], m.start(), m.end()))
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def _figure(kind: str, m: re.Match, text: str) -> Figure | None:
    written = m.group(0)
    if kind == "date":
        return _date(m)
    if kind == "ratio":
        parts = re.split(r"\s*[:比]\s*", written)
        before = text[max(0, m.start() - 12) : m.start()]
        if len(parts) == 2 and not any(w in before for w in _RATIO_WORDS):
            return None  # 14:30 is a time, 2:1 without 比例 nearby is too often a score
        return Figure(f"ratio{len(parts)}", ":".join(_plain_number(p) for p in parts), written, m.start(), m.end())
    if kind == "percent":
        value = _number(m["n"]) if m["n"] else _number(m["cn"])
        return Figure("percent", value, written, m.start(), m.end()) if value else None
    value = _number(m["n"])
    if value is None:
        return None
    scaled = _plain_number(str(float(value) * _SCALE[m["scale"]]))
    if kind == "amount":
        return Figure("amount", scaled, written, m.start(), m.end())
    if m["unit"] == "年":
        return None  # a year, or a number of years too often part of a date range
    unit = _SAME_UNIT.get(m["unit"], m["unit"])
    return Figure(f"count:{unit}", scaled, written, m.start(), m.end())


def _date(m: re.Match) -> Figure | None:
    year, month, day = int(m["y"]), int(m["m"]), int(m["d"]) if m["d"] else None
    try:
        dt.date(year, month, day or 1)
    except ValueError:
        return None
    value = f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")
    return Figure("date", value, m.group(0), m.start(), m.end())


def _number(written: str) -> str | None:
    written = written.strip()
    if re.fullmatch(rf"[-+]?{_NUMBER}", written):
        return _plain_number(written)
    try:
        return _plain_number(str(cn2an.cn2an(written, "smart")))
    except (ValueError, KeyError):
        return None


def _plain_number(written: str) -> str:
    """3.50 → 3.5, 67.0 → 67: one spelling per value so equal figures compare equal."""
    number = float(written.replace(",", ""))
    return str(int(number)) if number.is_integer() else f"{number:g}"


def agree(measure: str, a: str, b: str) -> bool:
    """Do two values of one measure say the same? A month-only date agrees with every day in that month."""
    if measure == "date":
        return a.startswith(b) or b.startswith(a)
    return a == b


def period(context: str, source_date: dt.date | None) -> int | None:
    """The year a figure is about: the last year written in its context (2023年, 2023年度), else 今年 /
    去年 … counted from the source's date; None when the text does not say."""
    years = _YEAR.findall(context.translate(_ASCII))
    if years:
        return int(years[-1])
    if source_date is not None:
        for word, offset in _RELATIVE_YEARS.items():
            if word in context:
                return source_date.year + offset
    return None
