"""Facts stated in evidence, and where sources disagree about them.

A case study that says “the tiers are split 3.5:5.5:1” should notice that one of its own media sources
says 3:6:1. :mod:`coder.evidence.figures` reads the figures; :mod:`coder.evidence.quantities` reads what each
measures and on what; this module compares figures across sources. Two statements state one fact when:

* **The same measure.** Ratios with the same number of parts, percentages, counts with the same unit,
  amounts of money (in 元), calendar dates — and, where the text says so, the same year (2022年 and
  2023年 figures are different facts).
* **The same quantity of the same thing.** Their quantities (满意度, 权重, 人数, 项目 …) and subjects
  (群众, 机关干部, 揭榜 …) agree as :mod:`coder.evidence.quantities` defines it: the weight of satisfaction
  in a score is not the satisfaction rate, nor are the cadres' satisfaction and the public's one fact.
  A figure that names nothing after an earlier figure of its measure in the same clause is that
  quantity's new value (权重由25%提高到30%: both are the weight).
* **Said alike.** The content words of the figure's clause and the clause before it (its own clause
  counting double) are compared by cosine similarity over their character pairs, weighted by how rare
  each pair is among all statements compared (``干部`` says little in a corpus about cadres; ``揭榜``
  says a lot). When both statements name their quantity the grammar has said most, and ``SAME_QUANTITY``
  is enough; otherwise (a quantity unknown, or a date) the wording must carry the judgement:
  ``SAME_FACT``.
* **Every one with every one.** A group of statements is one fact only if each pair in it could be: a
  statement that names less (满意度是95%) may join 机关干部满意度 or 群众满意度, never both into one.
* A fact stated with different values in different sources is a **conflict**; the same value in
  several sources is **consistent**.

How well this tells one fact from two is scored on labelled pairs by :mod:`coder.evidence.fact_eval`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from coder.evidence import quantities
from coder.evidence.figures import Figure, agree, figures, period

SAME_FACT = 0.5  # cosine similarity of the clause words at which two statements state one fact
SAME_QUANTITY = 0.2  # … when both name the quantity they measure: the grammar has said most
ALL_PAIRS = 1500  # up to this many statements of one measure every pair is compared; beyond, see _candidates
COMMON = 200  # see _candidates
LOOK_BACK = 2000  # characters searched backwards for the start of a sentence

_CLAUSE_BREAK = re.compile(r"[，,；;。！？!?\n：:]")  # 、 lists items inside one clause
_SENTENCE_ENDS = "。！？!?\n"
_READING_BREAK = re.compile(r"[，,；;。！？!?\n]")  # where figures are read up to: a colon may be a ratio's (3:6:1)
_CHANGED_TO = re.compile(
    r"\s*(?:提高|提升|增加|增长|上升|上调|下降|降低|下调|减少|压缩|扩大|调整|变更|改)?(?:到|至|为|成)\s*"
)
# Words that appear around every figure and say nothing about which fact it is: where and when (the
# grammar's scope words) and the filler of spoken and written figures.
_GENERIC = (
    quantities.SCOPE
    | quantities.FILLER
    | frozenset(
        "差不多 你们 有的 达到 超过 不到 只有 一些 多少 当时 现在 以上 以下 之间 共计 累计".split()  # noqa: SIM905
    )
)


@dataclass
class Statement:
    """A figure as one source states it, with the words that say what it is about."""

    figure: Figure
    source: str
    kind: str  # the kind of the source that states it
    quote: str  # the evidence it was found in, for showing conflicting statements side by side
    words: list[str]
    year: int | None = None  # the year the figure is about, when the text says
    measured: quantities.Measured = field(default_factory=quantities.Measured)  # what it measures, on what
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
        """``conflict`` (values that disagree, from different sources), ``consistent`` or ``single``."""
        if len({s.source for s in self.statements}) < 2:
            return "single"
        for a, b in itertools.combinations(self.statements, 2):
            if a.source != b.source and not agree(self.measure, a.figure.value, b.figure.value):
                return "conflict"
        return "consistent"


def statements_in(
    text: str,
    span: tuple[int, int],
    source: str,
    kind: str,
    source_date: dt.date | None = None,
    known: Mapping[int, Statement] | None = None,
) -> list[Statement]:
    """The figures inside ``text[span]`` (the evidence), each described by the words around it and by what
    it measures. Only the clauses around a figure are tagged: tagging is slower than segmenting. A figure
    already described (``known``, by where it starts: a passage two coders coded with different edges) is
    given as it was, not tagged again."""
    start, end = span
    # Figures are read in the whole clauses the evidence touches, and kept when they reach into it: a quote
    # that ends at 比例为3.5:5.5 or 百分之三十 (of 百分之三十五) still states the figure the text does.
    floor = max(0, start - LOOK_BACK)
    first = max([floor, *(m.end() for m in _READING_BREAK.finditer(text, floor, start))])
    close = _READING_BREAK.search(text, end, min(len(text), end + LOOK_BACK))
    last = close.start() if close else min(len(text), end + LOOK_BACK)
    found: list[Statement] = []
    for figure in figures(text[first:last]):
        placed = Figure(figure.measure, figure.value, figure.text, figure.start + first, figure.end + first)
        if placed.end <= start or placed.start >= end:
            continue
        if known is not None and placed.start in known:
            found.append(known[placed.start])
            continue
        left, right, before = clauses(text, placed)
        tagged_left, tagged_right = quantities.tag(left), quantities.tag(right)
        own = [word for word, _ in tagged_left + tagged_right]
        described = content_words(own) * 2 + content_words(quantities.words(before))
        year = None if placed.measure == "date" else period(f"{before}{left} {right}", source_date)
        what = quantities.measured(tagged_left, tagged_right, placed.measure, before)
        if (
            what.quantity is None
            and found
            and found[-1].measured.quantity
            and _changed_to(text, found[-1].figure, placed)
        ):
            what = found[-1].measured
        quote = text[start:end].strip()
        found.append(Statement(placed, source, kind, quote, described, year, what))
    return found


def _changed_to(text: str, earlier: Figure, later: Figure) -> bool:
    """Is ``later`` the new value of what ``earlier`` measures — 权重由25%提高到30%, 从3:6:1调整为3.5:5.5:1:
    the same measure, only a word of change between them (not a list: 资金500万元、到位300万元)?"""
    return earlier.measure == later.measure and bool(_CHANGED_TO.fullmatch(text[earlier.end : later.start]))


def clauses(text: str, figure: Figure) -> tuple[str, str, str]:
    """The figure's own clause, before and after the figure, and the clause before it in the same sentence."""
    sentence_start = _sentence_start(text, figure.start)
    breaks = [sentence_start] + [m.end() for m in _CLAUSE_BREAK.finditer(text, sentence_start, figure.start)]
    after = _CLAUSE_BREAK.search(text, figure.end)
    end = after.start() if after else len(text)
    before = text[breaks[-2] : breaks[-1]] if len(breaks) >= 2 else ""
    return text[breaks[-1] : figure.start], text[figure.end : end], before


def _sentence_start(text: str, position: int) -> int:
    """Where the sentence holding ``position`` begins (searching back a bounded stretch, so a long text
    costs no more per figure than a short one)."""
    floor = max(0, position - LOOK_BACK)
    return max(floor, *(text.rfind(mark, floor, position) + 1 for mark in _SENTENCE_ENDS))


def content_words(words: Iterable[str]) -> list[str]:
    """Words of two or more Han characters that are not filler around every figure."""
    return [w for w in words if len(w) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", w) and w not in _GENERIC]


def group(statements: Sequence[Statement]) -> list[Fact]:
    """Group statements of one measure that are about the same thing.

    Most similar pairs join first (agreeing values win a tie). Groups join only when every statement of
    one could state one fact with every statement of the other (:func:`_compatible`): a statement that
    names no quantity is alike to 满意度权重 and to 群众满意度, and must not chain the two into one fact.
    A group never takes two values from one source that disagree either: a source that gives 1 分 and
    0.5 分 in one sentence states two facts, and “1,286 took part, 67 were promoted” must not become one
    fact with three values.
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
            a, b = members[i], members[j]
            if not _compatible(a, b):
                continue
            similarity = _cosine(vectors[i], vectors[j])
            if similarity >= _threshold(a, b):
                pairs.append((similarity, agree(measure, a.figure.value, b.figure.value), i, j))
        cluster_of = {i: {i} for i in range(len(members))}
        refused: set[tuple[int, int]] = set()  # groups found unable to join: groups only grow, so it stays so
        for _, _, i, j in sorted(pairs, reverse=True):
            a, b = cluster_of[i], cluster_of[j]
            if a is b or (id(a), id(b)) in refused:
                continue
            if _clash(members, a | b) or not all(_compatible(members[x], members[y]) for x in a for y in b):
                refused.update({(id(a), id(b)), (id(b), id(a))})
                continue
            a |= b
            for k in b:
                cluster_of[k] = a
        unique = {id(c): c for c in cluster_of.values()}.values()
        facts.extend(Fact(measure, [members[k] for k in sorted(c)]) for c in unique)
    return sorted(facts, key=lambda f: (f.measure, f.values))


def _compatible(a: Statement, b: Statement) -> bool:
    """Could two statements state one fact, whatever their wording? Not when they are about different
    years, nor when they measure different quantities or of different things."""
    if a.year is not None and b.year is not None and a.year != b.year:
        return False
    return quantities.alike(a.measured, b.measured)


def _threshold(a: Statement, b: Statement) -> float:
    """How similar the wording around two figures must be for them to state one fact, once the grammar
    has found nothing against it."""
    return SAME_QUANTITY if a.measured.quantity and b.measured.quantity else SAME_FACT


def _candidates(vectors: list[dict[str, float]]) -> list[tuple[int, int]]:
    """The pairs worth comparing: all of them for up to ``ALL_PAIRS`` statements; beyond that, only pairs
    that share a feature held by at most ``COMMON`` statements (no other pair can be similar enough, bar
    ones whose only shared words are everywhere), so a large project is not compared all against all."""
    if len(vectors) <= ALL_PAIRS:
        return list(itertools.combinations(range(len(vectors)), 2))
    holders: dict[str, list[int]] = defaultdict(list)
    for i, vector in enumerate(vectors):
        for feature in vector:
            holders[feature].append(i)
    pairs = {pair for held in holders.values() if len(held) <= COMMON for pair in itertools.combinations(held, 2)}
    return sorted(pairs)


def _clash(members: Sequence[Statement], group: set[int]) -> bool:
    """Would ``group`` hold two values from one source that disagree?"""
    values: dict[str, set[str]] = defaultdict(set)
    for k in group:
        values[members[k].source].add(members[k].figure.value)
    measure = members[next(iter(group))].figure.measure
    return any(not agree(measure, a, b) for held in values.values() for a, b in itertools.combinations(sorted(held), 2))


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
