"""How far to trust each keyword, learned from what the coders decided about the suggestions it made.

Every accepted or rejected suggestion is a label for the terms that produced it: a term that made
twenty suggestions for 揭榜挂帅 of which eighteen were rejected should count for little there. Each
(code, term) pair keeps its history — how many of its suggestions were accepted and how many rejected
(a suggestion given another code counts as rejected for the code it had) — and its weight in the
tagger's score is the mean of a Beta posterior whose prior is the codebook's own weight for the term:

    weight = (STRENGTH · base + accepted) / (STRENGTH + accepted + rejected)

so a term nobody has judged keeps its codebook weight, a few decisions move it a little, and a long
history decides. STRENGTH is how many decisions the codebook's weight is worth.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from sqlmodel import Session, select

from coder import rounds
from coder.db.models import Coding

STRENGTH = 4.0
DECIDED = ("accepted", "rejected")


@dataclass(frozen=True)
class History:
    """Decisions on the suggestions one term made for one code."""

    accepted: int = 0
    rejected: int = 0

    @property
    def decisions(self) -> int:
        return self.accepted + self.rejected


def posterior(base: float, history: History) -> float:
    """The term's weight after its history: the Beta posterior mean with prior mean ``base``."""
    return (STRENGTH * base + history.accepted) / (STRENGTH + history.decisions)


def histories(session: Session, leave_out: Collection[str] = ()) -> dict[tuple[str, str], History]:
    """(code, term) → its history, from every decided suggestion of the tagger — except in sources of an
    open agreement round (one coder's decisions there must not move the suggestions the others see) and
    in the sources ``leave_out`` names."""
    counts: Counter[tuple[str, str, str]] = Counter()
    skipped = rounds.blind_sources(session) | set(leave_out)
    rows = session.exec(
        select(Coding.source_id, Coding.code_id, Coding.status, Coding.terms).where(
            Coding.origin == "tagger", Coding.status.in_(DECIDED)
        )
    ).all()
    for source, code, status, terms in rows:
        if source in skipped:
            continue
        for term in {match["term"] for match in terms or ()}:  # a term repeated in one sentence is one label
            counts[(code, term, status)] += 1
    pairs = {(code, term) for code, term, _ in counts}
    return {
        (code, term): History(counts[(code, term, "accepted")], counts[(code, term, "rejected")])
        for code, term in sorted(pairs)
    }
