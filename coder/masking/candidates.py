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

import logging
import re
import threading
from collections.abc import Iterable
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


def candidates(texts: Iterable[tuple[str, str]], known: Iterable[str] = ()) -> list[Candidate]:
    """Candidates in ``texts`` ((source id, text) pairs), most frequent first; ``known`` (entries already
    confirmed or dismissed) are left out."""
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
                candidate.contexts.append(text[max(0, start - CONTEXT) : end + CONTEXT].replace("\n", " "))
    return sorted(found.values(), key=lambda c: (-c.count, c.text))


def mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every candidate mention in ``text``, longest first where two overlap."""
    tagger = _pos()
    tokens, at = [], 0
    for word, flag in tagger.cut(text):
        tokens.append((at, at + len(word), word, flag))
        at += len(word)
    spans: dict[tuple[int, int], str] = {}
    for i, (start, end, word, flag) in enumerate(tokens):
        kind = _KIND.get(flag)
        if kind == "person" and len(word) >= 3 and word.endswith(PLACE_SUFFIXES):
            kind = "place"  # jieba reads 石桥镇 as a name after the surname 石: its suffix says it is a place
        if kind is None or not _plausible(word, kind, tagger):
            continue
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if kind == "place" and following and (following[3] == "nt" or following[2] in ORG_SUFFIXES):
            spans[(start, following[1])] = "org"  # 石桥镇 + 人民政府: the body of a named place
        elif kind != "org":  # a department alone (民政局, 组织部) names no one: every county has one
            spans[(start, end)] = kind
    for match in _TITLED.finditer(text):
        if _titled(text, match, tokens, tagger):
            spans.setdefault((match.start(), match.end()), "person")
    taken: list[tuple[int, int, str]] = []
    for (start, end), kind in sorted(spans.items(), key=lambda s: (s[0][0] - s[0][1], s[0][0])):
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, kind))
    return sorted(taken)


# A word the dictionary knows this often is a word first (谢谢, 段时间, 石桥, 小区), whatever its tag says.
COMMON = 50
# Characters no name holds: a tagger's "name" with one of these is a phrase (谢谢您, 老师们).
_NOT_IN_NAMES = set("您你我他她它们的了吗呢吧啊和与及或在是有就都也还说")
# Place words that name no place: a kind of place, or a place relative to the speaker.
GENERIC_PLACES = set(
    [
        "城中村",
        "行政村",
        "自然村",
        "新农村",
        "农村",
        "乡村",
        "城区",
        "郊区",
        "市区",
        "乡镇",
        "村镇",
        "社区",
        "小区",
        "街道",
        "本村",
        "全村",
        "本镇",
        "全镇",
        "全县",
        "全区",
        "该村",
        "各村",
    ]
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


def _titled(text: str, match: re.Match[str], tokens: list[tuple[int, int, str, str]], tagger: Any) -> bool:
    """马书记, 老周 yes; not 社区主任 (区 belongs to 社区), 小区, or 马总 in 马总体上."""
    if _common(match.group(), tagger):
        return False
    holder = next(t for t in tokens if t[0] <= match.start() < t[1])
    if holder[0] < match.start() and _common(holder[2], tagger):
        return False
    if any(match.group().endswith(t) for t in TITLES if len(t) > 1):
        return True
    following = text[match.end() : match.end() + 1]  # 总, 工, 姐 …: only where the word ends there
    return not following or not ("\u4e00" <= following <= "\u9fff") or following in "说讲们的也还就在和跟对您"


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
