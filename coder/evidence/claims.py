"""Claims: a finding in the researcher's words, linked to the codes or codings that support it.

The triangulation check treats a claim like a code: its evidence is every accepted or manual coding of
its codes (sub-codes included) plus the codings linked one by one.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlmodel import Session, delete, select

from coder import known
from coder.audit import coder_named, record
from coder.coding import sees
from coder.db.models import EVIDENCE, Claim, ClaimLink, Coder, Coding
from coder.errors import QcoderError


def add_claim(
    session: Session,
    text: str,
    codes: list[str],
    codings: list[int],
    coder: str | None = None,
    viewer: str | None = None,
) -> int:
    """Store a claim; every linked code and coding must exist, and codings must be evidence. A coding
    ``viewer`` may not see (see coder.rounds) is refused as a missing one: nobody learns of it by id."""
    text = text.strip()
    if not text:
        raise QcoderError("论断内容不能为空", "a claim needs its text")
    if not codes and not codings:
        raise QcoderError("论断至少要关联一个编码或一条编码记录", "link the claim to at least one code or coding")
    known.codes(session, codes)
    for coding_id in codings:
        coding = session.get(Coding, coding_id)
        if coding is None or not sees(session, viewer, coding_id):
            raise QcoderError(f"没有编号为 {coding_id} 的编码记录", f"no coding with id {coding_id}")
        if coding.status not in EVIDENCE:
            raise QcoderError(
                f"编码记录 {coding_id} 的状态为 {coding.status}，只有已接受或手工编码才能作为证据",
                f"coding {coding_id} is {coding.status}; only accepted or manual codings are evidence",
            )
    author = coder_named(session, coder)
    claim = Claim(text=text, coder_id=author.id)
    session.add(claim)
    session.flush()
    session.add_all(ClaimLink(claim_id=claim.id, code_id=code) for code in dict.fromkeys(codes))
    session.add_all(ClaimLink(claim_id=claim.id, coding_id=coding) for coding in dict.fromkeys(codings))
    record(session, author, "create", "claim", claim.id, after={"text": text, "codes": codes, "codings": codings})
    return claim.id


def delete_claim(session: Session, claim_id: int, coder: str | None = None) -> None:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise QcoderError(f"没有编号为 {claim_id} 的论断", f"no claim with id {claim_id}")
    links = session.exec(select(ClaimLink).where(ClaimLink.claim_id == claim_id)).all()
    before = _as_dict(claim, None, links)
    session.exec(delete(ClaimLink).where(ClaimLink.claim_id == claim_id))
    session.delete(claim)
    record(session, coder_named(session, coder), "delete", "claim", claim_id, before=before)


def list_claims(session: Session) -> list[dict[str, Any]]:
    """Every claim with its links, oldest first."""
    rows = session.exec(select(Claim, Coder.name).join(Coder, Coder.id == Claim.coder_id).order_by(Claim.id)).all()
    links: dict[int, list[ClaimLink]] = defaultdict(list)
    for link in session.exec(select(ClaimLink).order_by(ClaimLink.id)).all():
        links[link.claim_id].append(link)
    return [_as_dict(claim, author, links[claim.id]) for claim, author in rows]


def _as_dict(claim: Claim, author: str | None, links: list[ClaimLink]) -> dict[str, Any]:
    return {
        "id": claim.id,
        "text": claim.text,
        "author": author,
        "codes": [link.code_id for link in links if link.code_id],
        "codings": [link.coding_id for link in links if link.coding_id],
    }
