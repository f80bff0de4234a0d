"""What counts as a mention of a person, place or organisation, and what a researcher would put instead.

In a county-level case a surname with a post (马书记) names a person as surely as a full name, and a
township with its suffix (石桥镇) names the place the interviewee works. The replacements follow what
Chinese qualitative papers print: a participant becomes their initials (马继强 → MJQ, 马书记 → M书记,
老马 → 老M), anyone else the first letter of the surname with the same title (陈老师 → C老师), a place
the first letter of its name with its suffix (石桥镇 → S镇, 黄石滩村 → H村), an organisation likewise
(石桥镇人民政府 → S镇人民政府). Every default can be changed per entry.
"""

from __future__ import annotations

import re

from coder.sources.ids import COMPOUND_SURNAMES, initials_of

KINDS = ("person", "place", "org")


# Posts and forms of address that follow a surname: 马书记, 陈老师, 王总. Longest first when matched.
def _longest_first(words: str) -> tuple[str, ...]:
    return tuple(sorted(words.split(), key=len, reverse=True))


TITLES = _longest_first(
    "书记 副书记 主任 副主任 镇长 副镇长 乡长 副乡长 县长 副县长 区长 副区长 市长 局长 副局长 科长 副科长 处长 "
    "副处长 部长 所长 站长 队长 组长 村长 社长 校长 院长 主席 委员 秘书 干事 会计 老师 教授 医生 师傅 同志 经理 "
    "总 工 姐 哥 叔 婶 伯 嫂 阿姨 大爷 大妈 主管 专员 调研员"
)
# Forms of address before a surname: 老马, 小陈.
PREFIXES = ("老", "小")

# Suffixes of place names, longest first: 黄石滩村, 石桥镇, 河湾街道, 幸福社区.
PLACE_SUFFIXES = _longest_first("省 市 县 区 镇 乡 村 街道 社区 开发区 新区 居委会 村委会")
# Endings of organisation names: what follows the place or proper name (石桥镇人民政府, 城关中学).
ORG_SUFFIXES = _longest_first(
    "人民政府 政府 党委 党工委 办事处 村民委员会 居民委员会 村委会 居委会 委员会 管委会 局 委 办 中心 中学 小学 学校 医院 卫生院 公司 合作社 协会 所 站 院 厅 处 科 部"
)

_HAN = re.compile(r"[\u3400-\u9fff]")
_PARTS = re.compile(r"[·•‧・.．\s]+")  # the dots between the parts of a transliterated name


def letter(text: str) -> str:
    """The first pinyin letter of ``text``, uppercase (石桥 → S); a Latin letter stays itself."""
    from pypinyin import Style, lazy_pinyin

    first = lazy_pinyin(text[:1], style=Style.FIRST_LETTER, errors="default")
    return (first[0] if first else text[:1]).upper()[:1]


def surname_letter(surname: str) -> str:
    """A surname's letters by its surname reading, as record IDs read it (单 → S, 曾 → Z, 欧阳 → OY)."""
    return initials_of(surname + "某").initials[: len(surname)]


def person_replacement(mention: str, initials: str | None = None) -> str:
    """A person's replacement: a full name becomes initials (the participant's own when known), a surname
    keeps its titles and forms of address (马书记 → M书记, 老马 → 老M, 小陈老师 → 小C老师, 欧阳书记 → OY书记,
    王明书记 → WM书记); a name in parts (阿依古丽·买买提) the letters of its parts (A·M)."""
    for title in TITLES:
        if mention.endswith(title) and len(mention) > len(title):
            return person_replacement(mention[: -len(title)], initials) + title
    for prefix in PREFIXES:
        if mention.startswith(prefix) and _is_surname(mention[1:]):
            return prefix + person_replacement(mention[1:], initials)
    if _is_surname(mention):
        return initials[: len(mention)] if initials else surname_letter(mention)
    if initials:
        return initials
    parts = [part for part in _PARTS.split(mention) if part]
    if len(parts) > 1:
        return "·".join(letter(part) for part in parts)
    return initials_of(mention).initials if 2 <= len(mention) <= 6 and _HAN.match(mention) else mention[:1] + "某"


def place_replacement(mention: str) -> str:
    """石桥镇 → S镇, 河湾街道 → H街道; a name without a known suffix becomes its letter alone."""
    for suffix in PLACE_SUFFIXES:
        if mention.endswith(suffix) and len(mention) > len(suffix):
            return letter(mention) + suffix
    return letter(mention)


def org_replacement(mention: str) -> str:
    """石桥镇人民政府 → S镇人民政府, 城关中学 → C中学: the proper part masked, what kind of body it is kept."""
    for suffix in ORG_SUFFIXES:
        if mention.endswith(suffix) and len(mention) > len(suffix):
            named = mention[: -len(suffix)]
            return (place_replacement(named) if named.endswith(PLACE_SUFFIXES) else letter(named)) + suffix
    return letter(mention) + "单位"


def default_replacement(kind: str, mention: str, initials: str | None = None) -> str:
    """What a researcher would print instead of ``mention`` of this kind (see the module docstring)."""
    if kind == "person":
        return person_replacement(mention, initials)
    if kind == "place":
        return place_replacement(mention)
    return org_replacement(mention)


def _is_surname(text: str) -> bool:
    return (len(text) == 1 and _HAN.match(text) is not None) or text in COMPOUND_SURNAMES
