"""What a figure measures, and what it is measured on, read from the words of its clause.

Two figures are one fact only when they measure the same quantity of the same thing: 满意度权重占百分之三十
(the weight of satisfaction in a score) and 群众满意度是96.37% (the satisfaction rate) are both percentages
about 满意度, but not one fact. For each figure this module reads its **quantity** — the head noun of the
phrase the figure is said of — and its **subject** — the words that say what that quantity is measured on —
with jieba's part-of-speech tags (a private ``jieba.posseg.POSTokenizer``) and this small grammar, over the
figure's own clause split at the figure:

1. **A head after the figure**: ``FIGURE (、FIGURE)* 的? (V | A | D)* 的? N+`` — the figure counts or
   measures that noun phrase, and its last noun is the head: 35%的权重 → 权重; 三十八个项目 → 项目;
   1300名机关干部参加考核 → 机关干部. The other figures of a list are passed over (40%、35%、25%的权重:
   权重 for each).
2. **Otherwise a head before it**: ``N+ LINK* FIGURE`` — walking back from the figure over the words that
   link a phrase to it (是 为 达到 占 有 共有 超过 不低于 提高 …, adverbs, prepositions, particles,
   numbers), the first noun run met is the phrase and its last noun the head: 群众满意度是96.37% → 满意度;
   满意度权重占百分之三十 → 权重. A noun run right after a preposition (由改革前, 在综合得分中) is an adjunct
   and passed over; any other verb stops the walk (提拔重用了67人: no noun is counted, the verb says who).
   A head that is a part or a bound of the noun before it stands for that noun (基础分满分 → 基础分,
   加分项的上限 → 加分项, 第三方阵人数 → 第三方阵).
3. **What the quantity is.** A percentage or ratio is a *rate* when its head is one (a noun in 度 or 率:
   满意度, 合格率) and otherwise a *share*, 比例: 比例, 权重, 比重, 占比, 之比 are shares by name, and any
   other head is what the share is of and joins the subject (第一方阵干部占35%, 共性指标占总分的40%);
   a percentage linked by 占 is a share even of a rate (满意度占到35%: satisfaction's weight).
   A count of people measures a number of people, 人数, and its noun says which (机关干部 joins the
   subject); other counts, amounts and scores measure their head (项目, 资金, 基础分).
4. **The subject** is every content word of the clause (two or more Han characters: nouns, verbs,
   adjectives, idioms) but the quantity, the words linking it to the figure and the adjuncts: the head's
   modifiers (群众 in 群众满意度, 满意度 in 满意度权重), a relative clause (参与考核的机关干部 → 考核
   机关干部), a count's predicate (210名干部报名揭榜 → 报名 揭榜). Words said of every figure here (全区,
   干部, 年度, 参加 …) are dropped, and an ordinal stays with its noun (第一方阵 is not 第三方阵). A share
   with no subject in its clause borrows the nouns of the clause before (划分为第一方阵、第二方阵、第三方阵，
   比例为3.5:5.5:1 is the tiers' ratio).
5. **Dates** name an event, not a quantity: they get neither, and their wording alone decides.

Two quantities **agree** when either is unknown, or they are one after a few synonyms (满意率 = 满意度,
经费 = 资金, 周期 = 期; every share is one kind) or one contains the other (合格率, 验收合格率). Two
subjects **agree** when either is empty (a source may leave out who was measured) or every word of one is
in the other — one may say more precisely what the other says (群众, 机关服务群众), but 个性指标 is not
共性指标, nor is 提拔重用 降职; a word containing another counts as it (考核办法, 考核). A subject borrowed
from the clause before says only roughly what a share is of, and need only share a word.
:mod:`coder.evidence.facts` decides what is one fact with these.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Tagged = Sequence[tuple[str, str]]  # (word, part-of-speech flag) as jieba.posseg gives them


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


SHARE = "比例"  # the one kind every share is
PEOPLE = "人数"  # what every count of people measures
_SHARES = _set("比例 比重 占比 权重 之比 配比 比率 比值 份额")
_SYNONYMS = {"满意率": "满意度", "经费": "资金", "老百姓": "群众", "期限": "期", "周期": "期"}
# Words the default dictionary splits wrongly next to a figure's copula (率为, 比为, 上限为 …): kept whole.
_WORDS = (
    "占到 之比 满意率 办结率 完成率 合格率 知晓率 覆盖率 达标率 优秀率 基础分 满分 总分 加分项 扣分项 自评分 上限 下限"
)
_SHARE_LINKS = _set("占 占到 占据")  # 满意度占到35%: a share of the score, whatever its head is a rate of
_LINKS = _set(
    "是 为 有 共有 达 达到 占 占到 约 计 共计 合计 累计 只有 仅 超过 不超过 低于 高于 不低于 不少于 不到 控制 控制在 "
    "保持 提高 提升 增加 增长 上升 下降 降低 减少 加 扣 得 可 须 应 要 能 按 按照 给予 确定 分为 划分 变为 达成"
)  # verbs that link a phrase to its figure and say nothing of what is measured
_PREPOSITIONS = _set("较 比 由 从 在 对 按 按照 根据 依据 经 于 除了 以")
_RELATIONAL = _set("满分 总分值 总额 总数 总量 总计 合计 上限 下限 数量 人数 规模")
_NOT_HEADS = _set("内 外 中 上 下 前 后 以内 以上 以下 左右 范围 之间 方面")  # place words, not things
SCOPE = _set("全区 全市 全县 全镇 全街道 全年 年度 今年 去年 明年 当年 本年 目前 其中")  # where and when
FILLER = _set("已经 一共 总共 以来 左右 大概 大约 我们 他们 这个 那个 就是 还是 一个 这些 那些")  # said anywhere
# … and words said of nearly every figure in a corpus about cadres: neither tells one fact from another.
_GENERIC = SCOPE | FILLER | _set("干部 人员 同志 参与 参加 工作 情况 方面 结果 实际")
_HAN = re.compile(r"[\u4e00-\u9fff]{2,}")
_ORDINAL = re.compile(r"第[一二三四五六七八九十\d]+")

_tagger: Any = None  # the jieba.posseg.POSTokenizer, built on first use
_lock = threading.Lock()


@dataclass(frozen=True)
class Measured:
    """What a figure measures (``None`` when the grammar found no head) and what it is measured on."""

    quantity: str | None = None
    subject: tuple[str, ...] = ()
    borrowed: bool = False  # the subject is the clause before's (a bare share: 比例为3:6:1)


def tag(text: str) -> list[tuple[str, str]]:
    """``text`` as jieba's words with their part of speech."""
    return [(word, flag) for word, flag in _pos().cut(text)]


def words(text: str) -> list[str]:
    """``text`` as the same tokenizer's words, untagged (cheaper)."""
    return _pos().tokenizer.lcut(text)


def _pos() -> Any:
    """A private tokenizer (never jieba's global one, which other projects in the same server may change),
    built once per process: about 0.8 s and 110 MB, and jieba.posseg takes 0.3 s to import."""
    global _tagger
    if _tagger is None:
        with _lock:
            if _tagger is None:
                import jieba
                import jieba.posseg

                tokenizer = jieba.Tokenizer()
                for word in _WORDS.split():
                    tokenizer.add_word(word, freq=max(tokenizer.suggest_freq(word), 1000), tag="n")
                tagger = jieba.posseg.POSTokenizer(tokenizer)
                tagger.makesure_userdict_loaded()  # now, not racing on the first cuts of two threads
                _tagger = tagger
    return _tagger


def measured(before: Tagged, after: Tagged, measure: str, previous: str = "") -> Measured:
    """The quantity and subject of a figure of ``measure`` from the tagged words of its clause before and
    after it and the clause before that, ``previous`` (see the module's grammar)."""
    if measure == "date":
        return Measured()
    before, after = _ordinals(before), _ordinals(after)
    head, share = None, False
    if (at := _head_after(after)) is not None:
        head = after[_owner(after, at)][0]
    elif (at := _head_before(before)) is not None:
        head = before[_owner(before, at)][0]
        share = any(word in _SHARE_LINKS for word, _ in before[at + 1 :])
        before = before[: at + 1]  # the words linking the head to the figure (一般为, 最高不超过) say nothing
    quantity = _quantity(head, measure)
    if share and quantity is not None and _rate(quantity):
        quantity = SHARE  # 满意度占到35%: the rate's weight; 满意度 joins the subject below
    said = [w for tokens in (before, after) for w in _said(tokens) if w != quantity]
    borrowed = not said and quantity is not None and _canonical(quantity) == SHARE
    if borrowed:
        said = _said(_ordinals(tag(previous)), nouns=True)  # 划分为第一方阵、第二方阵、第三方阵，比例为…
    return Measured(quantity, tuple(dict.fromkeys(_canonical(w) for w in said)), borrowed and bool(said))


def _quantity(head: str | None, measure: str) -> str | None:
    """Rule 3, and people: a count of people is a number of people (人数) whatever noun says which."""
    if measure == "count:人":
        return PEOPLE
    if head is None or not (measure == "percent" or measure.startswith("ratio")) or _rate(head):
        return head
    return head if _canonical(head) == SHARE else SHARE  # a share; any other head is what it is a share of


def _said(tokens: Tagged, nouns: bool = False) -> list[str]:
    """The content words (or only the nouns) of one side of the clause, without its adjuncts, what a
    quantity is (比例, 人数, 上限 …) or the head."""
    adjuncts = _adjuncts(tokens)
    return [
        word
        for i, (word, flag) in enumerate(tokens)
        if i not in adjuncts and _content(word, flag) and (_noun(flag) or not nouns)
        and _canonical(word) != SHARE and word not in _RELATIONAL
    ]  # fmt: skip


def _ordinals(tokens: Tagged) -> list[tuple[str, str]]:
    """第一 方阵 → 第一方阵: an ordinal is part of the noun it numbers."""
    merged: list[tuple[str, str]] = []
    for word, flag in tokens:
        if merged and _ORDINAL.fullmatch(merged[-1][0]) and _noun(flag):
            merged[-1] = (merged[-1][0] + word, "n")
        else:
            merged.append((word, flag))
    return merged


def _head_after(tokens: Tagged) -> int | None:
    """Rule 1: where the head of the noun phrase right after the figure stands."""
    i = 0
    while i < len(tokens) and (tokens[i][1] in ("m", "x", "eng") or tokens[i][0] == "的"):
        i += 1  # 、25%的 …: the rest of a list of figures sharing one noun
    while i < len(tokens) and (_verb(tokens[i][1]) or tokens[i][1] in ("a", "f", "d") or tokens[i][0] == "的"):
        i += 1  # 排名靠后的 干部: a relative clause before the noun
    head = None
    while i < len(tokens) and _noun(tokens[i][1]) and tokens[i][0] not in _NOT_HEADS:
        head = i if tokens[i][0] not in SCOPE else head
        i += 1
    return head


def _head_before(tokens: Tagged) -> int | None:
    """Rule 2: walking back from the figure over linking words to the first noun run that is no adjunct."""
    i = len(tokens) - 1
    while i >= 0:
        word, flag = tokens[i]
        if _noun(flag) and word not in _NOT_HEADS and word not in SCOPE:
            start = i
            while start > 0 and _noun(tokens[start - 1][1]):
                start -= 1
            if start > 0 and _preposition(*tokens[start - 1]):
                i = start - 2  # 由改革前 …: an adjunct, not what is measured
                continue
            return i
        if _verb(flag) and word not in _LINKS:
            return None  # a content verb between: it, not a noun, says what is counted
        i -= 1
    return None


def _owner(tokens: Tagged, at: int) -> int:
    """A head that is a part or a bound of something (加分项的上限, 基础分满分, 第三方阵人数) stands for it."""
    if tokens[at][0] not in _RELATIONAL:
        return at
    k = at - 2 if at >= 2 and tokens[at - 1][0] == "的" else at - 1
    return k if k >= 0 and tokens[k][1].startswith("n") and tokens[k][0] not in SCOPE else at


def _adjuncts(tokens: Tagged) -> set[int]:
    """Positions of the nouns governed by a preposition (在综合得分中, 根据考核结果): circumstances, not the
    thing measured."""
    found: set[int] = set()
    for i, (word, flag) in enumerate(tokens):
        if not _preposition(word, flag):
            continue
        k = i + 1
        while k < len(tokens) and (_noun(tokens[k][1]) or tokens[k][1] == "f"):
            found.add(k)
            k += 1
    return found


def _content(word: str, flag: str) -> bool:
    """A word that can say what is measured: two or more Han characters, not a link or a generic word."""
    if not _HAN.fullmatch(word) or word in _GENERIC or word in _LINKS or word in _PREPOSITIONS:
        return False
    return _noun(flag) or _verb(flag) or flag in ("a", "i", "l", "b")


def _noun(flag: str) -> bool:
    return flag.startswith("n") or flag in ("vn", "an", "t")


def _verb(flag: str) -> bool:
    return flag.startswith("v") and flag != "vn"


def _preposition(word: str, flag: str) -> bool:
    return (flag == "p" and word != "为") or word in _PREPOSITIONS  # 为 links: 比例为3:6:1


def _rate(head: str) -> bool:
    return len(head) >= 2 and head[-1] in "度率" and _canonical(head) != SHARE


def _canonical(word: str) -> str:
    if word in _SHARES:
        return SHARE
    return _SYNONYMS.get(word, word)


def alike(a: Measured, b: Measured) -> bool:
    """Do two figures measure the same quantity of the same thing, as far as the grammar can tell?"""
    return same_quantity(a.quantity, b.quantity) and same_subject(a, b)


def same_quantity(a: str | None, b: str | None) -> bool:
    """Do two quantities agree? An unknown one agrees with any (see the module's docstring)."""
    return a is None or b is None or _alike(_canonical(a), _canonical(b))


def same_subject(a: Measured, b: Measured) -> bool:
    """Do two subjects agree? An empty one agrees with any. Otherwise one must name nothing the other does
    not (it may name less: a source leaves out words, but 个性指标 is not 共性指标); a subject borrowed from
    the clause before only says roughly what a share is of, and need only share a word."""
    if a.borrowed or b.borrowed:
        return not a.subject or not b.subject or any(_alike(x, y) for x in a.subject for y in b.subject)
    return _within(a.subject, b.subject) or _within(b.subject, a.subject)


def _within(a: Sequence[str], b: Sequence[str]) -> bool:
    return all(any(_alike(x, y) for y in b) for x in a)


def _alike(a: str, b: str) -> bool:
    return a in b or b in a
