"""A project shaped as MAXQDA 24 exports one (synthetic text, written for these tests).

What makes it MAXQDA's: ``origin="MAXQDA 24"``; text sources named by their titles, with no variables
but a ``creationDateTime``; their texts as ``sources/<GUID>.txt`` named by ``plainTextPath``; GUIDs in
upper case and braces; a two-level codebook whose parents are codable and coded themselves; document
sets as ``Sets``.
"""

from __future__ import annotations

from pathlib import Path

from tests.refi import foreign

ORIGIN = "MAXQDA 24"
USER = "{7D2E0000-0000-4000-8000-0000000000A1}"


def _guid(kind: int, n: int) -> str:
    return f"{{7D2E{kind:04X}-0000-4000-8000-{n:012X}}}"


# code name → (GUID, parent name or None, colour)
CODES = {
    "政策执行": (_guid(1, 1), None, "#E15759"),
    "层层加码": (_guid(1, 2), "政策执行", "#F28E2B"),
    "选择性执行": (_guid(1, 3), "政策执行", None),
    "考核机制": (_guid(1, 4), None, "#4E79A7"),
    "排名公示": (_guid(1, 5), "考核机制", None),
    "末位约谈": (_guid(1, 6), "考核机制", None),
    "场景": (_guid(1, 7), None, None),  # named like a dimension of qcoder's default codebook
    "基层减负": (_guid(1, 8), "场景", None),
    "结果运用公开化": (_guid(1, 9), "考核机制", None),  # named as a code of qcoder's default codebook
}
DESCRIPTIONS = {"层层加码": "上级任务在逐级下达中被加重。"}

TITLES = [
    "关于印发干部绩效动态考核实施办法的通知",
    "关于进一步规范督查检查考核工作的意见",
    "青川区机关干部分类考核细则",
    "关于开展基层减负专项整治的通知",
    "考核结果运用办法（试行）",
    "关于建立末位约谈制度的通知",
    "年度绩效考核工作方案",
    "关于优化考核指标体系的意见",
    "乡镇干部实绩档案管理办法",
    "关于考核结果公开公示的规定",
]
# MAXQDA writes local time with its offset: 00:30 in Beijing on 1 March is still 28 February in UTC.
CREATED = [
    "2023-03-01T00:30:00+08:00",
    "2023-03-01T09:15:00+08:00",
    "2023-03-02T10:00:00+08:00",
    "2023-03-02T11:00:00Z",
    "2023-03-05T08:00:00+08:00",
    "2023-03-05T08:10:00+08:00",
    "2023-03-06T14:00:00+08:00",
    "2023-03-07T16:20:00+08:00",
    "2023-03-08T09:00:00+08:00",
    "2023-03-09T10:30:00+08:00",
]


def source_guid(n: int) -> str:
    return _guid(2, n)


def text(n: int) -> str:
    title = TITLES[n]
    return (
        f"{title}\n第一条　为推进考核工作，层层加码的做法应当纠正。\n"
        f"第二条　考核排名按季度公示，排名末位的单位由区委约谈。\n第三条　本文件第{n + 1}号，自印发之日起施行。\n"
    )


def _selection(n: int, m: int, raw: str, quote: str, code: str) -> str:
    start = raw.index(quote)
    return (
        f'<PlainTextSelection guid="{_guid(3, n * 10 + m)}" startPosition="{start}" endPosition="{start + len(quote)}" '
        f'creatingUser="{USER}" creationDateTime="2023-04-01T10:00:00+08:00">'
        f'<Coding guid="{_guid(4, n * 10 + m)}" creatingUser="{USER}" creationDateTime="2023-04-01T10:00:00+08:00">'
        f'<CodeRef targetGUID="{CODES[code][0]}"/></Coding></PlainTextSelection>'
    )


def _code_tree(parent: str | None) -> str:
    out = []
    for name, (code_guid, up, color) in CODES.items():
        if up != parent:
            continue
        colour = f' color="{color}"' if color else ""
        description = f"<Description>{DESCRIPTIONS[name]}</Description>" if name in DESCRIPTIONS else ""
        out.append(
            f'<Code guid="{code_guid}" name="{name}" isCodable="true"{colour}>{description}{_code_tree(name)}</Code>'
        )
    return "".join(out)


def project_xml(sources: range = range(10), sets: bool = True, codebook: bool = True) -> str:
    """The project.qde; ``sources`` picks which of the ten documents it holds."""
    body = []
    for n in sources:
        raw = text(n)
        selections = (
            _selection(n, 1, raw, "层层加码", "政策执行")  # the parent coded itself
            + _selection(n, 2, raw, "层层加码的做法", "层层加码")
            + _selection(n, 3, raw, "排名末位的单位由区委约谈", "末位约谈")
            + _selection(n, 4, raw, "考核工作", "场景")
            + _selection(n, 5, raw, "考核排名按季度公示", "结果运用公开化")
        )
        body.append(
            f'<TextSource guid="{source_guid(n)}" name="{TITLES[n]}" '
            f'plainTextPath="internal://{source_guid(n).strip("{}")}.txt" creatingUser="{USER}" '
            f'creationDateTime="{CREATED[n]}">{selections if codebook else ""}</TextSource>'
        )
    sets_xml = ""
    if sets:
        first = "".join(f'<MemberSource targetGUID="{source_guid(n)}"/>' for n in sources if n < 5)
        sets_xml = (
            f'<Sets><Set guid="{_guid(5, 1)}" name="第一批文件">{first}</Set>'
            f'<Set guid="{_guid(5, 2)}" name="重点代码"><MemberCode targetGUID="{CODES["层层加码"][0]}"/>'
            f'<MemberCode targetGUID="{CODES["末位约谈"][0]}"/></Set></Sets>'
        )
    book = f"<CodeBook><Codes>{_code_tree(None)}</Codes></CodeBook>" if codebook else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{foreign.NS}" name="考核研究" origin="{ORIGIN}">'
        f'<Users><User guid="{USER}" name="李研究员"/></Users>{book}<Sources>{"".join(body)}</Sources>{sets_xml}'
        "</Project>\n"
    )


def package(path: Path, sources: range = range(10), sets: bool = True, codebook: bool = True) -> Path:
    """The .qdpx: project.qde and one text file per source in sources/."""
    members: dict[str, str | bytes] = {"project.qde": project_xml(sources, sets, codebook)}
    for n in sources:
        members[f"sources/{source_guid(n).strip('{}')}.txt"] = text(n)
    return foreign.qdpx(path, members)
