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
from coder.ids import canonical


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
    """The source IDs in the form they are stored in (see :func:`coder.ids.canonical`), once all are known."""
    wanted = list(dict.fromkeys(canonical(s) for s in source_ids))
    present = set(session.exec(select(Source.id).where(Source.id.in_(wanted))).all()) if wanted else set()
    if missing := [s for s in wanted if s not in present]:
        raise _no_sources(missing)
    return wanted


def source(session: Session, source_id: str) -> Source:
    """The source ``source_id`` names, looked up in its stored form (see :func:`coder.ids.canonical`)."""
    stored_id = canonical(source_id)
    found = session.get(Source, stored_id)
    if found is None:
        raise _no_sources([stored_id])
    return found


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
