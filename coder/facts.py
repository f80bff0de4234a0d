"""Figures stated in evidence — counts, ratios, percentages, amounts, dates — and where sources disagree.

A case study that says “the tiers are split 3.5:5.5:1” should notice that one of its own media sources
says 3:6:1. This module finds the figures in a piece of text, describes each by the words of its clause
(what the figure is *about*), and compares figures across sources:

* **The same measure.** Ratios with the same number of parts, percentages, counts with the same unit
  (人 and 名 are one unit: people), amounts of money (in 元), and calendar dates.
* **About the same thing.** The content words of the figure's clause and the clause before it are
  compared by cosine similarity weighted by how rare each word is among all statements compared
  (``干部`` says little in a corpus about cadres; ``揭榜`` says a lot). At ``SAME_FACT`` or above two
  statements state one fact. Ratios of three or more parts are specific in themselves and need less
  (``SAME_RATIO``), and less again (``SAME_SHARES``) when their parts add up to the same whole, as
  3.5:5.5:1 and 3:6:1 both split ten shares.
* A fact stated with different values in different sources is a **conflict**; the same value in
  several sources is **consistent**.

Arabic figures are read everywhere; Chinese numerals only from ten upwards (六十七人, 二百一十名), because
small ones are mostly wording (三个方阵, 一把尺子), not reported facts. Years on their own (2023年以来),
article numbers (第十条) and document numbers (〔2023〕3号) are not facts.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import cn2an

SAME_FACT = 0.5  # cosine similarity of the clause words at which two statements state one fact
COMMON = 200  # see _candidates
SAME_RATIO = 0.3  # a ratio of three or more parts is specific in itself: less shared wording is needed
SAME_SHARES = 0.15  # … and two such ratios splitting the same whole are shares of one thing

_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"  # 1,286 and 1286 alike
_CN_NUMBER = r"[零〇一二两三四五六七八九十百千万亿点]*[十百千万亿][零〇一二两三四五六七八九十百千万亿点]*"
_PEOPLE = "人|名|位"
_UNIT_WORDS = (
    "人次 人 名 位 个 项 家 次 件 条 户 所 批 场 篇 份 类 处 村 镇 街道 部门 单位 个工作日 工作日 个月 天 日 年 小时 分"
)
_UNITS = "|".join(sorted(_UNIT_WORDS.split(), key=len, reverse=True))  # longest first: 个月 before 个
_PATTERNS = [
    ("date", re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?")),
    ("date", re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})")),
    ("ratio", re.compile(rf"(?<![\d.]){_NUMBER}(?:\s*[:：∶比]\s*{_NUMBER}){{1,5}}(?![\d.]|[:：∶])")),
    ("percent", re.compile(rf"(?<![\d.])(?P<n>{_NUMBER})\s*[%％]|百分之(?P<cn>[零〇一二两三四五六七八九十百点]+)")),
    ("amount", re.compile(rf"(?<![\d.])(?P<n>{_NUMBER}|{_CN_NUMBER})\s*(?P<scale>亿|万|千)?元")),
    (
        "count",
        re.compile(
            rf"(?<![\d.〔\[第零〇一二两三四五六七八九十百千万亿])(?P<n>{_NUMBER}|{_CN_NUMBER})\s*(?P<unit>{_UNITS})(?![\d])"
        ),
    ),
]
_RATIO_WORDS = ("比例", "比", "配比", "之比", "比率")
_CLAUSE_BREAK = re.compile(r"[，,；;。！？!?\n：:]")  # 、 lists items inside one clause
_SENTENCE_BREAK = re.compile(r"[。！？!?\n]")
_SCALE = {"亿": 100_000_000, "万": 10_000, "千": 1_000, None: 1}
# Words that appear around every figure and say nothing about which fact it is.
_GENERIC = frozenset(
    [
        "全区",
        "全市",
        "全县",
        "今年",
        "去年",
        "明年",
        "其中",
        "一共",
        "总共",
        "目前",
        "已经",
        "以来",
        "左右",
        "大概",
        "大约",
        "差不多",
        "这个",
        "那个",
        "我们",
        "他们",
        "你们",
        "就是",
        "还是",
        "一个",
        "这些",
        "那些",
        "有的",
        "达到",
        "超过",
        "不到",
        "只有",
        "一些",
        "多少",
        "当时",
        "现在",
        "以上",
        "以下",
        "之间",
        "共计",
        "累计",
    ]
)


@dataclass(frozen=True)
class Figure:
    """One figure in a text: what kind of measure, its normalised value and where it stands."""

    measure: str  # ratio | percent | count:<unit> | amount | date
    value: str  # normalised: "3.5:5.5:1", "96.37", "67", "2022-03", "1500000"
    text: str  # as written
    start: int
    end: int


@dataclass
class Statement:
    """A figure as one source states it, with the words that say what it is about."""

    figure: Figure
    source: str
    kind: str
    sentence: str  # the sentence that states it, for showing conflicting statements side by side
    words: list[str]
    codes: set[str] = field(default_factory=set)
    codings: set[int] = field(default_factory=set)


@dataclass
class Fact:
    """Statements judged to state one fact, with the values they give."""

    measure: str
    statements: list[Statement]

    @property
    def values(self) -> list[str]:
        return sorted({s.figure.value for s in self.statements})

    @property
    def status(self) -> str:
        """``conflict`` (different values in different sources), ``consistent`` or ``single``."""
        if len({s.source for s in self.statements}) < 2:
            return "single"
        by_value = defaultdict(set)
        for s in self.statements:
            by_value[s.figure.value].add(s.source)
        if len(by_value) > 1 and len(set().union(*by_value.values())) > 1:
            return "conflict"
        return "consistent"


def figures(text: str) -> list[Figure]:
    """Every figure in ``text`` that states a fact, left to right; overlapping readings keep the first kind."""
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            figure = _figure(kind, m, text)
            if figure is not None:
                found.append(figure)
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def _figure(kind: str, m: re.Match, text: str) -> Figure | None:
    written = m.group(0)
    if kind == "date":
        month, day = int(m["m"]), int(m["d"]) if m["d"] else None
        if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
            return None
        value = f"{m['y']}-{month:02d}" + (f"-{day:02d}" if day else "")
        return Figure("date", value, written, m.start(), m.end())
    if kind == "ratio":
        parts = re.split(r"\s*[:：∶比]\s*", unicodedata.normalize("NFKC", written))
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
    if kind == "amount":
        return Figure("amount", _plain_number(str(float(value) * _SCALE[m["scale"]])), written, m.start(), m.end())
    unit = m["unit"]
    if unit == "年" or text[max(0, m.start() - 1) : m.start()] in ("第", "〔", "["):
        return None  # a year, an article or a document number
    unit = "人" if re.fullmatch(_PEOPLE, unit) else unit
    return Figure(f"count:{unit}", value, written, m.start(), m.end())


def _number(written: str) -> str | None:
    written = unicodedata.normalize("NFKC", written).strip()
    if re.fullmatch(_NUMBER, written):
        return _plain_number(written)
    try:
        return _plain_number(str(cn2an.cn2an(written, "smart")))
    except (ValueError, KeyError):
        return None


def _plain_number(written: str) -> str:
    """3.50 → 3.5, 67.0 → 67: one spelling per value so equal figures compare equal."""
    number = float(written.replace(",", ""))
    return str(int(number)) if number.is_integer() else f"{number:g}"


def clauses(text: str, figure: Figure) -> tuple[str, str]:
    """The figure's own clause (without the figure) and the clause before it in the same sentence."""
    sentence_start = max((m.end() for m in _SENTENCE_BREAK.finditer(text, 0, figure.start)), default=0)
    breaks = [sentence_start] + [m.end() for m in _CLAUSE_BREAK.finditer(text, sentence_start, figure.start)]
    after = _CLAUSE_BREAK.search(text, figure.end)
    end = after.start() if after else len(text)
    own = text[breaks[-1] : figure.start] + " " + text[figure.end : end]
    before = text[breaks[-2] : breaks[-1]] if len(breaks) >= 2 else ""
    return own, before


def content_words(words: Iterable[str]) -> list[str]:
    """Words of two or more Han characters that are not filler around every figure."""
    return [w for w in words if len(w) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", w) and w not in _GENERIC]


def group(statements: Sequence[Statement]) -> list[Fact]:
    """Group statements of one measure that are about the same thing.

    Most similar pairs join first (an equal value wins a tie), and a group never takes two different
    values from one source: a source that gives 1 分 and 0.5 分 in one sentence states two facts, and
    “1,286 took part, 67 were promoted” must not become one fact with three values.
    """
    df = Counter(w for s in statements for w in set(_features(s.words)))
    idf = {w: math.log((1 + len(statements)) / (1 + n)) + 1 for w, n in df.items()}
    facts: list[Fact] = []
    by_measure: dict[str, list[Statement]] = defaultdict(list)
    for s in statements:
        by_measure[s.figure.measure].append(s)
    for measure, members in by_measure.items():
        vectors = [_vector(s.words, idf) for s in members]
        pairs = []
        for i, j in _candidates(vectors):
            similarity = _cosine(vectors[i], vectors[j])
            if similarity >= _threshold(members[i].figure, members[j].figure):
                same_value = members[i].figure.value == members[j].figure.value
                pairs.append((similarity, same_value, i, j))
        cluster_of = {i: {i} for i in range(len(members))}
        for _, _, i, j in sorted(pairs, reverse=True):
            a, b = cluster_of[i], cluster_of[j]
            if a is b or _clash(members, a, b):
                continue
            a |= b
            for k in b:
                cluster_of[k] = a
        unique = {id(c): c for c in cluster_of.values()}.values()
        facts.extend(Fact(measure, [members[k] for k in sorted(c)]) for c in unique)
    return sorted(facts, key=lambda f: (f.measure, f.values))


def _threshold(a: Figure, b: Figure) -> float:
    """How similar the wording around two figures of one measure must be for them to state one fact."""
    if not a.measure.startswith("ratio") or a.measure == "ratio2":
        return SAME_FACT
    return SAME_SHARES if _total(a.value) == _total(b.value) else SAME_RATIO


def _total(ratio: str) -> float:
    return round(sum(float(part) for part in ratio.split(":")), 6)


def _candidates(vectors: list[dict[str, float]]) -> list[tuple[int, int]]:
    """Pairs that share a feature — no other pair can be similar — so a large project is not compared
    all against all. A feature shared by more than ``COMMON`` statements pairs too much to be a lead."""
    holders: dict[str, list[int]] = defaultdict(list)
    for i, vector in enumerate(vectors):
        for feature in vector:
            holders[feature].append(i)
    pairs = {pair for held in holders.values() if len(held) <= COMMON for pair in itertools.combinations(held, 2)}
    return sorted(pairs)


def _clash(members: Sequence[Statement], a: set[int], b: set[int]) -> bool:
    """Would joining ``a`` and ``b`` put two different values from one source into one fact?"""
    values: dict[str, set[str]] = defaultdict(set)
    for k in a | b:
        values[members[k].source].add(members[k].figure.value)
    return any(len(v) > 1 for v in values.values())


def _features(words: list[str]) -> list[str]:
    """The character pairs of each word: 第三方阵 and 三个方阵 share 方阵 however jieba cut them."""
    return [w[i : i + 2] for w in words for i in range(len(w) - 1)]


def _vector(words: list[str], idf: dict[str, float]) -> dict[str, float]:
    counts = Counter(_features(words))
    return {w: n * idf[w] for w, n in counts.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(v * b.get(w, 0.0) for w, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened to whole sentences: a figure's clause may begin before a coded quote does."""
    before = max((m.end() for m in _SENTENCE_BREAK.finditer(text, 0, start)), default=0)
    after = _SENTENCE_BREAK.search(text, max(start, end - 1))
    return before, after.end() if after else len(text)


def statements_in(
    text: str, span: tuple[int, int], source: str, kind: str, words: Callable[[str], list[str]]
) -> list[Statement]:
    """The figures inside ``text[span]``, each described by the words around it in the full text."""
    start, end = span
    found = []
    for figure in figures(text[start:end]):
        placed = Figure(figure.measure, figure.value, figure.text, figure.start + start, figure.end + start)
        own, before = clauses(text, placed)
        # The figure's own clause counts double; the clause before often names what 比例为 … is of.
        described = content_words(words(own)) * 2 + content_words(words(before))
        sentence = text[slice(*sentence_span(text, placed.start, placed.end))].strip()
        found.append(Statement(placed, source, kind, sentence, described))
    return found
