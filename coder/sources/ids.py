"""Record IDs: the convention researchers cite evidence by.

Interview records are ``YYYYMMDD`` + the uppercase pinyin initials of the interviewee (2–6 letters),
e.g. ``20240115MJQ``. Two interviewees with the same initials on the same day are told apart by a
visible suffix, ``20240115ZW-2``, never merged.

Policy texts and media reports are date-first too, with a kind letter and a running number after a
hyphen, so an ID alone tells the kind: ``20230110-P03`` (policy, 政策文本) and ``20230218-M03``
(media, 媒体报道). The hyphen-letter form can never be mistaken for an interview ID, whose initials
follow the date directly.

Every function here is pure: the caller passes the IDs that already exist and "today".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from coder.errors import Bilingual, QcoderError

KINDS = ("interview", "policy", "media")
DOCUMENT_LETTER = {"policy": "P", "media": "M"}

_INTERVIEW = re.compile(r"^(?P<date>[0-9]{8})(?P<initials>[A-Z]{2,6})(?:-(?P<suffix>[2-9]|[1-9]\d))?$")
_DOCUMENT = re.compile(r"^(?P<date>[0-9]{8})-(?P<letter>[PM])(?P<number>[0-9]{2,3})$")
EARLIEST = dt.date(1900, 1, 1)  # an earlier "interview" is a typing error, not a record

# Surname readings pypinyin gets wrong: it reads these characters as common words, not as surnames.
SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "区": "ou",
    "查": "zha",
    "乐": "yue",
    "覃": "qin",
    "翟": "zhai",
    "秘": "bi",
    "召": "shao",
    "种": "chong",
    "繁": "po",
    "缪": "miao",
    "盖": "ge",
    "尉": "wei",  # as a single surname; the compound 尉迟 is Yuchi
    "黑": "he",
    "员": "yun",
    "车": "che",
    "万": "wan",
    "任": "ren",
    "华": "hua",
    "纪": "ji",
    "洗": "xian",
    "冼": "xian",
    "隗": "wei",
    "句": "gou",
    "祭": "zhai",
    "长": "chang",
    "朝": "chao",
    "重": "chong",
    "卜": "bu",
    "折": "she",
    "那": "na",
    "燕": "yan",
    "宿": "su",
    "柏": "bai",
    "过": "guo",
    "阚": "kan",
    "谌": "chen",
    "眭": "sui",
    "蕃": "pi",
    "訾": "zi",
    "逄": "pang",
    "沈": "shen",
    "薄": "bo",
    "尹": "yin",
    "应": "ying",
    # Traditional forms, as names are written in Hong Kong, Macao and Taiwan sources.
    "單": "shan",
    "樂": "yue",
    "區": "ou",
    "種": "chong",
    "長": "chang",
    "華": "hua",
    "紀": "ji",
    "員": "yun",
    "車": "che",
    "萬": "wan",
    "過": "guo",
    "闞": "kan",
    "諶": "chen",
    "繆": "miao",
    "蓋": "ge",
    "應": "ying",
}
# Compound surnames, matched before single characters, with their readings syllable by syllable.
COMPOUND_SURNAMES = {
    "欧阳": "ou yang",
    "司马": "si ma",
    "诸葛": "zhu ge",
    "上官": "shang guan",
    "尉迟": "yu chi",
    "长孙": "zhang sun",
    "万俟": "mo qi",
    "司徒": "si tu",
    "慕容": "mu rong",
    "皇甫": "huang fu",
    "东方": "dong fang",
    "夏侯": "xia hou",
    "公孙": "gong sun",
    "令狐": "ling hu",
    "宇文": "yu wen",
    "轩辕": "xuan yuan",
    "端木": "duan mu",
    "澹台": "tan tai",
    "百里": "bai li",
    "呼延": "hu yan",
    "独孤": "du gu",
    "南宫": "nan gong",
    "西门": "xi men",
    "闻人": "wen ren",
    "申屠": "shen tu",
    "淳于": "chun yu",
    "单于": "chan yu",
    "太史": "tai shi",
    "赫连": "he lian",
    "钟离": "zhong li",
    "宗政": "zong zheng",
    "濮阳": "pu yang",
    "公冶": "gong ye",
    "仲孙": "zhong sun",
    "拓跋": "tuo ba",
    # Traditional forms.
    "歐陽": "ou yang", "司馬": "si ma", "諸葛": "zhu ge", "尉遲": "yu chi", "長孫": "zhang sun",
    "萬俟": "mo qi", "東方": "dong fang", "公孫": "gong sun", "軒轅": "xuan yuan", "澹臺": "tan tai",
    "獨孤": "du gu", "南宮": "nan gong", "西門": "xi men", "聞人": "wen ren", "單于": "chan yu",
    "赫連": "he lian", "鍾離": "zhong li", "濮陽": "pu yang", "仲孫": "zhong sun",
}  # fmt: skip
_HANZI = re.compile(r"^[\u3400-\u9fff\U00020000-\U0002ffff]+$")


@dataclass(frozen=True)
class InterviewId:
    """A parsed interview record ID."""

    date: dt.date
    initials: str
    suffix: int | None = None
    kind = "interview"

    def __str__(self) -> str:
        tail = f"-{self.suffix}" if self.suffix else ""
        return f"{self.date:%Y%m%d}{self.initials}{tail}"


@dataclass(frozen=True)
class DocumentId:
    """A parsed policy or media record ID."""

    date: dt.date
    kind: str
    number: int

    def __str__(self) -> str:
        return f"{self.date:%Y%m%d}-{DOCUMENT_LETTER[self.kind]}{self.number:02d}"


@dataclass
class MadeId:
    """The result of :func:`make`: the ID plus what a person should double-check."""

    id: str
    initials: str
    warnings: list[str] = field(default_factory=list)


class IdError(QcoderError):
    """An ID or a name that breaks the record-ID convention."""


def canonical(record_id: str) -> str:
    """The one form an ID is stored and looked up in: full-width digits and letters (２０２４０１１５ＭＪＱ,
    typed with a Chinese IME) as ASCII, no surrounding space."""
    return unicodedata.normalize("NFKC", record_id).strip()


def parse(record_id: str, today: dt.date | None = None) -> InterviewId | DocumentId:
    """Parse any record ID (in its :func:`canonical` form); raise :class:`IdError` naming the broken rule."""
    record_id = canonical(record_id)
    if m := _INTERVIEW.match(record_id):
        day = _real_date(record_id, m["date"], today)
        return InterviewId(day, m["initials"], int(m["suffix"]) if m["suffix"] else None)
    if m := _DOCUMENT.match(record_id):
        day = _real_date(record_id, m["date"], today)
        kind = "policy" if m["letter"] == "P" else "media"
        return DocumentId(day, kind, int(m["number"]))
    raise IdError(*_shape_problem(record_id))


def _real_date(record_id: str, digits: str, today: dt.date | None) -> dt.date:
    try:
        day = dt.datetime.strptime(digits, "%Y%m%d").date()
    except ValueError:
        raise IdError(
            f"记录编号 {record_id}：{digits} 不是真实存在的日期（如 2 月 30 日、非闰年 2 月 29 日、13 月）",
            f"record ID {record_id}: {digits} is not a real calendar date",
        ) from None
    if day < EARLIEST:
        raise IdError(
            f"记录编号 {record_id}：日期 {day} 早于 {EARLIEST}，应是输入错误",
            f"record ID {record_id}: date {day} is before {EARLIEST}, which must be a typing error",
        )
    if day > (today or dt.date.today()):
        raise IdError(
            f"记录编号 {record_id}：日期 {day} 晚于今天，访谈或文献不可能来自未来",
            f"record ID {record_id}: date {day} is in the future",
        )
    return day


def calendar_date(value: object, where: str) -> dt.date:
    """A YYYY-MM-DD value (or a date YAML already parsed) as a real date; ``where`` names the file or ID."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise IdError(
            f"{where}：日期 {value!r} 无效，应为真实存在的 YYYY-MM-DD",
            f"{where}: date {value!r} is not a real YYYY-MM-DD date",
        ) from None


def _shape_problem(record_id: str) -> tuple[str, str]:
    """Explain which part of the convention an unparseable ID breaks."""
    if not re.match(r"^\d{8}", record_id):
        return (
            f"记录编号 {record_id!r}：必须以 8 位日期 YYYYMMDD 开头",
            f"record ID {record_id!r}: must start with an 8-digit date YYYYMMDD",
        )
    tail = record_id[8:]
    if not tail:
        return (
            f"记录编号 {record_id}：缺少受访者拼音首字母（2–6 个大写字母）",
            f"record ID {record_id}: the interviewee's pinyin initials (2–6 capital letters) are missing",
        )
    if tail.startswith("-"):
        return (
            f"记录编号 {record_id}：文献编号应为 日期-P01（政策）或 日期-M01（媒体）",
            f"record ID {record_id}: document IDs look like DATE-P01 (policy) or DATE-M01 (media)",
        )
    return (
        f"记录编号 {record_id}：日期后应为 2–6 个大写拼音首字母，可带 -2 之类的重名后缀",
        f"record ID {record_id}: the date must be followed by 2–6 capital pinyin initials, "
        "optionally a suffix such as -2",
    )


def split_name(name: str) -> tuple[str, str]:
    """Split a Chinese personal name into (surname, given name), compound surnames first."""
    if name[:2] in COMPOUND_SURNAMES and len(name) > 2:
        return name[:2], name[2:]
    return name[:1], name[1:]


def initials_of(name: str) -> MadeId:
    """Derive uppercase pinyin initials from a Chinese name, with warnings for ambiguous readings."""
    name = name.strip()
    if not _HANZI.match(name) or not 2 <= len(name) <= 6:
        raise IdError(
            f"姓名 {name!r}：应为 2–6 个汉字（其他写法请用 --initials 直接给出首字母）",
            f"name {name!r}: expected 2–6 Chinese characters (use --initials otherwise)",
        )
    surname, given = split_name(name)
    surname_syllables = _surname_syllables(surname)
    given_syllables = _syllables(given)
    if len(given_syllables) != len(given):
        raise IdError(
            f"姓名 {name}：有汉字查不到拼音，请用 --initials 给出首字母",
            f"name {name}: a character has no known pinyin; give --initials",
        )
    letters = "".join(s[0] for s in surname_syllables + given_syllables).upper()
    return MadeId(id="", initials=letters, warnings=_compound_warning(name, letters) + _heteronym_warnings(given))


def _compound_warning(name: str, letters: str) -> list[str]:
    """单于洋 may be Chanyu Yang or Shan Yuyang: say so when the two readings give other initials."""
    surname, _ = split_name(name)
    if len(surname) < 2:
        return []
    single = _surname_syllables(name[0]) + _syllables(name[1:])
    alternative = "".join(s[0] for s in single).upper()
    if alternative == letters:
        return []
    return [
        f"按复姓“{surname}”读作 {letters}；若姓“{name[0]}”，应为 {alternative}（可用 --initials）；"
        f"read with the compound surname {surname} as {letters}; with the surname {name[0]} it would be "
        f"{alternative} (use --initials)"
    ]


def _surname_syllables(surname: str) -> list[str]:
    if surname in COMPOUND_SURNAMES:
        return COMPOUND_SURNAMES[surname].split()
    if surname in SURNAME_READINGS:
        return [SURNAME_READINGS[surname]]
    return _syllables(surname, errors="default")


def _syllables(text: str, errors: str = "ignore") -> list[str]:
    """Toneless pinyin. pypinyin loads its dictionaries on import (0.3 s): only making an ID pays it,
    never checking one."""
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.NORMAL, errors=errors)


def _heteronym_warnings(given: str) -> list[str]:
    from pypinyin import Style, pinyin

    warnings = []
    for char in given:
        readings = pinyin(char, style=Style.NORMAL, heteronym=True)[0]
        letters = sorted({r[0].upper() for r in readings if r})
        if len(letters) > 1:
            warnings.append(
                Bilingual(
                    f"“{char}”有多个读音（{'/'.join(readings)}），首字母可能是 {'/'.join(letters)}，请核对",
                    f"“{char}” has several readings ({'/'.join(readings)}): check the initial",
                )
            )
    return warnings


def make(
    date: dt.date,
    name: str | None = None,
    initials: str | None = None,
    existing: set[str] | frozenset[str] = frozenset(),
    allow_suffix: bool = False,
    today: dt.date | None = None,
) -> MadeId:
    """Build an interview record ID from a date and a name (or explicit initials).

    A collision with an ``existing`` ID is refused unless ``allow_suffix``, in which case the first
    free visible suffix (``-2``, ``-3`` …) is used: two people must never share one record.
    """
    if initials:
        made = MadeId(id="", initials=initials.strip().upper())
    elif name:
        made = initials_of(name)
    else:
        raise IdError("需要姓名或首字母", "a name or --initials is required")
    base = f"{date:%Y%m%d}{made.initials}"
    parse(base, today=today)  # validates initials shape and the date
    made.id = base
    if base in existing:
        if not allow_suffix:
            raise IdError(
                f"记录编号 {base} 已存在（同日同首字母的另一位受访者）；如确为不同的人，请加后缀（--suffix）",
                f"record ID {base} already exists (another interviewee, same day and initials); "
                "use --suffix if this is a different person",
            )
        n = 2
        while f"{base}-{n}" in existing:
            n += 1
        made.id = f"{base}-{n}"
        made.warnings.append(Bilingual(f"与 {base} 重名，已加后缀 -{n}", f"collides with {base}: suffix -{n} added"))
    return made


def make_document(
    date: dt.date, kind: str, number: int | None = None, existing: set[str] | frozenset[str] = frozenset()
) -> str:
    """The ID of a policy text or media report: ``YYYYMMDD-P01`` / ``YYYYMMDD-M01``.

    The number runs through the project per kind (P01, P02 … whatever the dates), so "P03" alone
    names one document; without ``number`` the next free one after the ``existing`` IDs is used.
    """
    if kind not in DOCUMENT_LETTER:
        raise IdError(f"文献类型 {kind!r} 无效，应为 policy 或 media", f"document kind {kind!r}: use policy or media")
    if number is None:
        used = [m["number"] for m in map(_DOCUMENT.match, existing) if m and m["letter"] == DOCUMENT_LETTER[kind]]
        number = max(map(int, used), default=0) + 1
    return str(DocumentId(date, kind, number))


def make_record(
    date: dt.date,
    kind: str,
    existing: set[str] | frozenset[str] = frozenset(),
    name: str | None = None,
    initials: str | None = None,
    allow_suffix: bool = False,
) -> MadeId:
    """The ID ``qcoder id make`` gives for ``kind``: date + initials (:func:`make`) for an interview, the
    next document number (:func:`make_document`) otherwise; a date after today is refused either way."""
    if kind == "interview":
        return make(date, name=name, initials=initials, existing=existing, allow_suffix=allow_suffix)
    record_id = make_document(date, kind, existing=existing)
    parse(record_id)
    return MadeId(id=record_id, initials="")
