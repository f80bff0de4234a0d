"""Record-ID checks and the fieldwork window: the bookkeeping a case study's sources must pass.

The date in an ID matches the source's metadata date, the initials match the interviewee's stored name
(reported without the name), IDs are unique even ignoring letter case, the ID's kind is the source's,
and interviews fall inside the fieldwork window when one is set (``qcoder fieldwork``). Each warning
names the source and the rule, in Chinese and English.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from coder.audit import record
from coder.db.models import Coder, Participant, Setting, Source
from coder.errors import QcoderError
from coder.sources import ids

FIELDWORK = ("fieldwork_start", "fieldwork_end")


def fieldwork(session: Session) -> tuple[dt.date | None, dt.date | None]:
    """The configured fieldwork window (``qcoder fieldwork``), or (None, None)."""
    values = dict(session.exec(select(Setting.key, Setting.value).where(Setting.key.in_(FIELDWORK))).all())
    try:
        return tuple(dt.date.fromisoformat(values[key]) if values.get(key) else None for key in FIELDWORK)
    except ValueError:
        raise QcoderError(
            f"项目设置中的田野调查期无效：{values}；请用 qcoder fieldwork 重新设置",
            f"the stored fieldwork window is not a pair of dates: {values}; set it again with qcoder fieldwork",
        ) from None


def set_fieldwork(session: Session, start: dt.date | None, end: dt.date | None, coder: Coder) -> None:
    """Store the fieldwork window (both ends or neither), audited like any other change."""
    if (start is None) != (end is None):
        raise QcoderError("田野调查期需要同时给出开始和结束日期", "the fieldwork window needs both a start and an end")
    if start and end and start > end:
        raise QcoderError(
            f"田野调查期的开始 {start.isoformat()} 晚于结束 {end.isoformat()}",
            f"the fieldwork window starts ({start.isoformat()}) after it ends ({end.isoformat()})",
        )
    before = [v.isoformat() if v else None for v in fieldwork(session)]
    for key, value in zip(FIELDWORK, (start, end), strict=True):
        row = session.get(Setting, key)
        if value is None:
            if row is not None:
                session.delete(row)
        else:
            session.add(Setting(key=key, value=value.isoformat()) if row is None else _set(row, value.isoformat()))
    after = [v.isoformat() if v else None for v in (start, end)]
    if after != before:
        record(session, coder, "update", "setting", "fieldwork", before={"window": before}, after={"window": after})


def _set(row: Setting, value: str) -> Setting:
    row.value = value
    return row


def record_id_warnings(session: Session, window: tuple[dt.date | None, dt.date | None]) -> list[dict[str, str]]:
    """Record-ID rules: ID date = metadata date, initials = the interviewee's name, one ID per record,
    interviews inside the fieldwork window. Each warning names the source and the rule."""
    warnings = []
    seen: dict[str, str] = {}
    start, end = window
    rows = session.exec(
        select(Source.id, Source.kind, Source.date, Participant.name)
        .outerjoin(Participant, Participant.id == Source.participant_id)
        .order_by(Source.id)
    ).all()
    for source_id, kind, date, name in rows:
        canonical = source_id.upper()
        if canonical in seen:
            warnings.append(warning("id-unique", source_id,
                f"编号 {source_id} 与 {seen[canonical]} 只差大小写，应为同一编号",
                f"ID {source_id} differs from {seen[canonical]} only in letter case"))  # fmt: skip
        seen[canonical] = source_id
        try:
            parsed = ids.parse(source_id)
        except ids.IdError as exc:
            warnings.append(warning("id-format", source_id, exc.zh, exc.en))
            continue
        if parsed.kind != kind:
            warnings.append(warning("id-kind", source_id,
                f"编号 {source_id} 是{_KIND_ZH[parsed.kind]}编号，但来源类型为{_KIND_ZH[kind]}",
                f"ID {source_id} is a {parsed.kind} ID but the source is a {kind}"))  # fmt: skip
        if date and parsed.date != date:
            warnings.append(warning("id-date", source_id,
                f"编号 {source_id} 的日期 {parsed.date.isoformat()} 与元数据日期 {date.isoformat()} 不一致",
                f"the date in ID {source_id} ({parsed.date.isoformat()}) differs from its metadata date ({date.isoformat()})"))  # fmt: skip
        if isinstance(parsed, ids.InterviewId) and name:
            _check_initials(source_id, parsed, name, warnings)
        if kind == "interview" and start and end and not start <= (date or parsed.date) <= end:
            warnings.append(warning("fieldwork", source_id,
                f"访谈 {source_id} 的日期 {(date or parsed.date).isoformat()} 不在田野调查期 {start.isoformat()} 至 {end.isoformat()} 之内",
                f"interview {source_id} dated {(date or parsed.date).isoformat()} falls outside the fieldwork window {start.isoformat()} to {end.isoformat()}"))  # fmt: skip
    return warnings


def _check_initials(source_id: str, parsed: ids.InterviewId, name: str, warnings: list[dict[str, str]]) -> None:
    """The initials in the ID against the stored name — reported without the name itself."""
    try:
        made = ids.initials_of(name)
    except ids.IdError:
        return
    derived = made.initials
    if derived != parsed.initials and not made.warnings:  # a name with several readings may be either
        warnings.append(warning("id-initials", source_id,
            f"编号 {source_id} 的首字母 {parsed.initials} 与受访者姓名的拼音首字母 {derived} 不一致",
            f"the initials in ID {source_id} ({parsed.initials}) differ from the interviewee's name ({derived})"))  # fmt: skip


_KIND_ZH = {"interview": "访谈", "policy": "政策文本", "media": "媒体报道"}


def warning(rule: str, source: str, zh: str, en: str) -> dict[str, str]:
    return {"rule": rule, "source": source, "zh": zh, "en": en}
