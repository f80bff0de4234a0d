"""Names a project may need to mask, found in its texts for a person to confirm — never applied unconfirmed.

Two finders, because each misses what the other sees:

* **jieba's part-of-speech tags**: ``nr`` (a person's name), ``ns`` (a place), ``nt`` (an organisation), from
  a private tokenizer (jieba's global one is shared by the whole server);
* **a surname with a post or a form of address** (马书记, 陈老师, 老马, 欧阳主任): jieba cuts these into a
  surname and a title, and tags the surname alone as a name only sometimes.

Place names are kept only with a suffix that says they are places (石桥镇, 黄石滩村, 河湾街道): jieba tags
石桥 ``ns`` in 村口的石桥 too. Single characters are never candidates (马上, 高度: the surname table would
find one in every line). Each candidate comes with how often it occurs and a few contexts to judge it by.
"""

from __future__ import annotations

import bisect
import logging
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from coder.masking.rules import ORG_SUFFIXES, PLACE_SUFFIXES, PREFIXES, TITLES, default_replacement
from coder.sources.ids import COMPOUND_SURNAMES, SURNAME_READINGS

CONTEXT = 12  # characters either side of a mention shown to judge it
CONTEXTS = 3  # contexts kept per candidate

# Common single-character surnames (the hundred most frequent), with the compound ones and those whose
# reading the record-ID rules fix; a surname + title match needs one of these first.
SURNAMES = (
    set(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金"
        "石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单翟解"
    )
    | set(COMPOUND_SURNAMES)
    | set(SURNAME_READINGS)
)

_TITLED = re.compile(
    "(?:" + "|".join(map(re.escape, PREFIXES)) + ")(?:" + "|".join(sorted(SURNAMES, key=len, reverse=True)) + ")"
    "|(?:"
    + "|".join(sorted(map(re.escape, SURNAMES), key=len, reverse=True))
    + ")(?:"
    + "|".join(map(re.escape, TITLES))
    + ")"
)
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_KIND = {"nr": "person", "ns": "place", "nt": "org"}


@dataclass
class Candidate:
    text: str
    kind: str
    count: int = 0
    sources: set[str] = field(default_factory=set)
    contexts: list[str] = field(default_factory=list)

    @property
    def replacement(self) -> str:
        return default_replacement(self.kind, self.text)


_tagger: Any = None
_lock = threading.Lock()


def candidates(
    texts: Iterable[tuple[str, str]], known: Iterable[str] = (), shown: Callable[[str, int, int], str] | None = None
) -> list[Candidate]:
    """Candidates in ``texts`` ((source id, text) pairs), most frequent first; ``known`` (entries already
    confirmed or dismissed) are left out. ``shown(text, start, end)`` renders a context (the stretch as it
    stands unless given: a caller masks the names already decided)."""
    shown = shown or (lambda text, start, end: text[start:end])
    skip = set(known)
    found: dict[str, Candidate] = {}
    for source_id, text in texts:
        for start, end, kind in mentions(text):
            word = text[start:end]
            if word in skip:
                continue
            candidate = found.setdefault(word, Candidate(word, kind))
            candidate.count += 1
            candidate.sources.add(source_id)
            if len(candidate.contexts) < CONTEXTS:
                candidate.contexts.append(shown(text, max(0, start - CONTEXT), end + CONTEXT).replace("\n", " "))
    return sorted(found.values(), key=lambda c: (-c.count, c.text))


Token = list  # [start, end, word, flag]


def mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every candidate mention in ``text``, longest first where two overlap."""
    tagger = _pos()
    tokens: list[Token] = []
    at = 0
    for word, flag in tagger.cut(text):
        tokens.append([at, at + len(word), word, flag])
        at += len(word)
    spans: dict[tuple[int, int], str] = {}
    for start, end, after in _places(tokens):
        following = tokens[after] if after < len(tokens) else None
        spans[(start, following[1]) if following and _body(following) else (start, end)] = (
            "org" if following and _body(following) else "place"
        )
    for i, (start, end, word, flag) in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        previous = tokens[i - 1] if i else None
        if flag == "ns" and following and not word.endswith(PLACE_SUFFIXES) and _body(following):
            if not _common(word + following[2], tagger):  # 城关 + 中学: a named place before a body
                spans.setdefault((start, following[1]), "org")
            continue
        if (name_end := _split_name(tokens, i)) is not None:
            spans.setdefault((start, name_end), "person")
            continue
        kind = _KIND.get(flag)
        if kind is None or not _plausible(word, kind, tagger):
            continue
        if kind == "person" and (word.endswith(PLACE_SUFFIXES) or (previous and previous[3] in {"m", "mq", "q"})):
            continue  # a place (taken above), or a classifier after a numeral: 三十多 + 张表
        if kind == "place" and following and (following[3] == "nt" or following[2] in ORG_SUFFIXES):
            spans.setdefault((start, following[1]), "org")
        elif kind != "org":  # a department alone (民政局, 组织部) names no one: every county has one
            spans.setdefault((start, end), kind)
    cuts = _Cuts(tokens)
    for match in _TITLED.finditer(text):
        if _titled(text, match, cuts, tagger):
            spans.setdefault((match.start(), match.end()), "person")
    taken: list[tuple[int, int, str]] = []
    covered = bytearray(len(text))  # characters a longer candidate took already
    for (start, end), kind in sorted(spans.items(), key=lambda s: (s[0][0] - s[0][1], s[0][0])):
        if not any(covered[start:end]):
            taken.append((start, end, kind))
            covered[start:end] = b"\x01" * (end - start)
    return sorted(taken)


class _Cuts:
    """A text's tokens, found by position: the one holding a character, and whether a word ends somewhere."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self._starts = [t[0] for t in tokens]
        self.ends = {t[1] for t in tokens}

    def holding(self, at: int) -> Token:
        return self.tokens[bisect.bisect_right(self._starts, at) - 1]


_PLACE_NAME_TAGS = {"ns", "nz", "nr"}
_GIVEN_TAGS = {"nr", "x", "a", "dg", "ng", "n", "nz"}


def _places(tokens: list[Token]) -> list[tuple[int, int, int]]:
    """(start, end, index of the token after) of each place: a word with a place suffix, whatever jieba
    tagged it (石桥镇 comes back ``nr``), with a character jieba cut off its front (黄 + 石滩村); or a name
    followed by a bare suffix (河湾 + 街道, 云岭 + 县)."""
    found = []
    for i, (start, end, word, flag) in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        named = flag in _PLACE_NAME_TAGS or word in COMPOUND_SURNAMES
        joined = word + following[2] if following else ""
        bare_suffix_next = following is not None and following[2] in PLACE_SUFFIXES
        if named and len(word) >= 2 and _HAN.fullmatch(word) and bare_suffix_next and not word.endswith(PLACE_SUFFIXES):
            if joined not in GENERIC_PLACES:
                found.append((start, following[1], i + 2))
            continue
        if flag in _PLACE_NAME_TAGS | {"nt"} and len(word) >= 3 and _place_word(word):
            previous = tokens[i - 1] if i else None
            cut_off = previous and len(previous[2]) == 1 and previous[3] in {"nr", "ns", "a", "nz"}
            found.append((previous[0] if cut_off and previous[2] not in _NOT_IN_NAMES else start, end, i + 1))
    return found


def _place_word(word: str) -> bool:
    return (
        word.endswith(PLACE_SUFFIXES)
        and word not in GENERIC_PLACES
        and word[:1] not in "本全该各每我你他"
        and not _NOT_IN_NAMES & set(word)
    )


def _body(token: Token) -> bool:
    """A word naming a body (中学, 信访局, 人民政府), not people (干部: its 部 is no department)."""
    word, flag = token[2], token[3]
    if flag == "nt":
        return True
    return len(word) >= 2 and word.endswith(ORG_SUFFIXES) and flag in {"n", "nt", "j"} and not word.endswith("干部")


def _split_name(tokens: list[Token], i: int) -> int | None:
    """The end of a full name jieba cut apart (郭 + 红梅, 司马 + 红, 上官 + 婉 + 清), or of a compound
    surname alone (欧阳: no common word) when no post or place suffix follows; None otherwise."""
    _, end, word, flag = tokens[i]
    if not (word in COMPOUND_SURNAMES or (len(word) == 1 and word in SURNAMES and flag in {"nr", "n"})):
        return None
    j, given = i + 1, ""
    while j < len(tokens) and len(given) + len(tokens[j][2]) <= 2:
        part, tag = tokens[j][2], tokens[j][3]
        if tag not in _GIVEN_TAGS or not _HAN.fullmatch(part) or _NOT_IN_NAMES & set(part):
            break
        if part.startswith(TITLES) or part.endswith(PLACE_SUFFIXES) or (len(word) == 1 and tag != "nr"):
            break
        given += part
        j += 1
    if given:
        return tokens[j - 1][1]
    following = tokens[i + 1] if i + 1 < len(tokens) else None
    if word in COMPOUND_SURNAMES and not (
        following and (following[2].startswith(TITLES) or following[2] in PLACE_SUFFIXES)
    ):
        return end
    return None


# A word the dictionary knows this often is a word first (谢谢, 段时间, 石桥, 小区), whatever its tag says.
COMMON = 50
# Characters no name holds: a tagger's "name" with one of these is a phrase (谢谢您, 老师们).
_NOT_IN_NAMES = set("您你我他她它们的了吗呢吧啊和与及或在是有就都也还说")
# Place words that name no place: a kind of place, or a place relative to the speaker.
GENERIC_PLACES = frozenset(
    word
    for line in (
        "城中村 行政村 自然村 新农村 农村 乡村 城区 郊区 市区 乡镇 村镇 社区 小区 街道 本村 全村 本镇 全镇 全县 全区 该村 各村",
        "中心镇 重点镇 示范村 试点村 贫困村 空心村 城市社区 农村社区 老旧社区 新建社区",
    )
    for word in line.split()
)


def is_common_word(word: str) -> bool:
    """Whether an interviewee's surname form (老马, 小陈, 马书记) is a word first: a known false friend (小区,
    小康, 毛主席) or one of jieba's most frequent words (老师, 小时, 小姐). Forms of address are in jieba's
    dictionary *because* they are forms of address (老马 270, 小马 391, 姚师傅 512), so its frequency alone
    cannot tell them from words; only the very frequent are words whatever the surname."""
    from coder.masking.apply import dictionary_frequency

    return word in PREFIX_FALSE_FRIENDS or word in EVERYDAY_WORDS or dictionary_frequency(word) > EVERYDAY


EVERYDAY = 1000  # jieba's frequency above which a surname form is a word first (小事 1017, 小孩 1589, 老师 6415)
# Surname forms below that frequency that transcripts and policy texts use as words (小康社会, 种小米, 老家, 毛主席).
EVERYDAY_WORDS = set(
    "小康 小米 小麦 老牛 老乡 老家 老年 老实 老虎 老鼠 老汉 老山 老兵 老城 老将 老伴 老龄 小镇 小城 小岛 小路 小雨 "  # noqa: SIM905
    "小船 小吃 小山 小河 小村 小店 小队 小桥 小街 小巷 小院 小道 小组 小额 小幅 小型 小户 小农 小商 毛主席".split()
)


def _common(word: str, tagger: Any) -> bool:
    return tagger.tokenizer.FREQ.get(word, 0) > COMMON


def _plausible(word: str, kind: str, tagger: Any) -> bool:
    if len(word) < 2 or _common(word, tagger) or _NOT_IN_NAMES & set(word):
        return False
    if kind == "person":
        return len(word) <= 4 and (word[:1] in SURNAMES or word[:2] in SURNAMES)
    if kind == "place":
        return word.endswith(PLACE_SUFFIXES) and word not in GENERIC_PLACES and word[:1] not in "本全该各每我你他"
    return True


# Address forms the dictionary holds as other words: 小区 is no Mr Qu.
PREFIX_FALSE_FRIENDS = set(
    [
        "小区",
        "老区",
        "小孔",
        "小车",
        "小钱",
        "小种",
        "小石",
        "小金",
        "小龙",
        "小于",
        "小许",
        "老许",
        "老长",
        "小解",
        "小黑",
        "小付",
    ]
)


def _titled(text: str, match: re.Match[str], cuts: _Cuts, tagger: Any) -> bool:
    """马书记, 老周 yes; not 社区主任 (区 belongs to 社区), 小区, 老陈醋, or 马总 in 马总体上."""
    word = match.group()
    holder = cuts.holding(match.start())
    if word[:1] in PREFIXES and len(word) == 2:
        # No frequency test: 老马, 老张, 老王 are dictionary words *because* they are forms of address.
        if word in PREFIX_FALSE_FRIENDS or holder[0] < match.start():
            return False
        return match.end() in cuts.ends
    if _common(word, tagger) or (holder[0] < match.start() and _common(holder[2], tagger)):
        return False
    if any(word.endswith(t) for t in TITLES if len(t) > 1):
        return True
    following = text[match.end() : match.end() + 1]  # 总, 工, 姐 …: only where the word ends there
    return not following or not ("\u4e00" <= following <= "\u9fff") or following in "说讲们的也还就在和跟对您家是"


def _pos() -> Any:
    global _tagger
    if _tagger is None:
        with _lock:
            if _tagger is None:
                import jieba
                import jieba.posseg

                jieba.setLogLevel(logging.WARNING)
                tagger = jieba.posseg.POSTokenizer(jieba.Tokenizer())
                tagger.makesure_userdict_loaded()
                _tagger = tagger
    return _tagger
