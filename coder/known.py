"""Codes, dimensions and sources a person names by id, checked against the project in one way.

Every command and page that takes a code, a dimension or a source refuses an unknown one here, with the
same message naming it and the command that lists the known ones. Without the check a filter with a typo
finds nothing, and ``qcoder code list --code structure.tierring`` printing no codings reads as
"nothing coded yet".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlmodel import Session, select

from coder.db.models import Code, Source
from coder.errors import QcoderError
from coder.sources.ids import canonical


def check_codes(codes: Mapping[str, Code], code_ids: Iterable[str] = (), dimensions: Iterable[str] = ()) -> None:
    """Refuse the ``code_ids`` (codes or dimensions) and ``dimensions`` that ``codes``, the whole codebook
    by id, lacks."""
    if missing := list(dict.fromkeys(c for c in code_ids if c not in codes)):
        raise _not_in_codebook(("代码", "code"), missing)
    roots = {c.id for c in codes.values() if c.parent_id is None}
    if missing := list(dict.fromkeys(d for d in dimensions if d not in roots)):
        raise _not_in_codebook(("维度", "dimension"), missing)


def codes(session: Session, code_ids: Iterable[str] = (), dimensions: Iterable[str] = ()) -> dict[str, Code]:
    """The codebook by id, once ``code_ids`` and ``dimensions`` are known to be in it."""
    found = {c.id: c for c in session.exec(select(Code)).all()}
    check_codes(found, code_ids, dimensions)
    return found


def code(session: Session, code_id: str, codable: bool = True) -> Code:
    """The code ``code_id``; with ``codable`` a dimension is refused too, since text is coded with codes."""
    found = session.get(Code, code_id)
    if found is None:
        raise _not_in_codebook(("代码", "code"), [code_id])
    if codable and found.parent_id is None:
        raise QcoderError(
            f"{code_id} 是维度，不是代码：维度不能直接编码，请选择它下面的一个代码（qcoder codes list）",
            f"{code_id} is a dimension, not a code: dimensions cannot be coded, pick one of its codes "
            "(qcoder codes list)",
        )
    return found


def check_sources(session: Session, source_ids: Iterable[str]) -> list[str]:
    """The source IDs in the form they are stored in (see :func:`_stored_form`), once all are known."""
    given = list(dict.fromkeys(source_ids))
    forms = {*given, *map(canonical, given)}
    present = set(session.exec(select(Source.id).where(Source.id.in_(forms))).all()) if forms else set()
    found = [_stored_form(s, present) for s in given]
    if missing := list(dict.fromkeys(canonical(s) for s, f in zip(given, found, strict=True) if f is None)):
        raise _no_sources(missing)
    return list(dict.fromkeys(f for f in found if f is not None))


def check_interviews(session: Session, source_ids: Iterable[str]) -> list[str]:
    """The IDs, in their stored form (see :func:`check_sources`), once each names an interview with a
    participant: a person is chosen by the record ID of any of their interviews."""
    stored = check_sources(session, source_ids)
    with_people = select(Source.id).where(Source.id.in_(stored), Source.participant_id.is_not(None))
    interviews = set(session.exec(with_people).all()) if stored else set()
    if others := [s for s in stored if s not in interviews]:
        raise QcoderError(
            f"来源 {'、'.join(others)} 不是有受访者的访谈记录：受访者须以其任一访谈编号选择"
            "（qcoder sources list 列出全部来源及其类型）",
            f"source {', '.join(others)} is no interview with a participant: a participant is chosen by the ID "
            "of any of their interviews (qcoder sources list lists all sources and their kinds)",
        )
    return stored


def source(session: Session, source_id: str) -> Source:
    """The source ``source_id`` names, looked up in its stored form (see :func:`_stored_form`)."""
    found = session.get(Source, canonical(source_id)) or session.get(Source, source_id)
    if found is None:
        raise _no_sources([canonical(source_id)])
    return found


def _stored_form(source_id: str, present: set[str]) -> str | None:
    """An ID as stored: normalised (see :func:`coder.sources.ids.canonical`), or as typed for a source imported
    before IDs were normalised (full width, ２０２４０１１５ＭＪＱ), so those stay reachable."""
    for form in (canonical(source_id), source_id):
        if form in present:
            return form
    return None


def _not_in_codebook(what: tuple[str, str], missing: list[str]) -> QcoderError:
    many = len(missing) > 1
    return QcoderError(
        f"{what[0]} {'、'.join(missing)} 不在编码簿中（qcoder codes list 列出编码簿的全部代码和维度）",
        f"{what[1]}{'s' if many else ''} {', '.join(missing)} {'are' if many else 'is'} not in the codebook "
        "(qcoder codes list lists all its codes and dimensions)",
    )


def _no_sources(missing: list[str]) -> QcoderError:
    return QcoderError(
        f"没有编号为 {'、'.join(missing)} 的来源（qcoder sources list 列出全部来源）",
        f"no source with ID {', '.join(missing)} (qcoder sources list lists them all)",
    )
