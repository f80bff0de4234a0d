"""Inter-coder agreement: percent agreement, Cohen's κ, Krippendorff's α and Gwet's AC1, per code and
pooled, with how far each coder has coded each source.

**Whose decisions.** The coders compared are the people named (default: everyone who decided anything in
the sources compared — see "takes part" below; the tagger never). A code is applied by a coder's accepted
and manual codings; unreviewed suggestions are nobody's decision. Consensus codings (origin ``consensus``, see
:mod:`coder.consensus`) never count: they are the outcome of comparing, not anyone's independent work.

**Which sources.** By default those that at least two of the coders took part in. A coder takes part in
a source by deciding anything there — a coding of their own, accepted or manual, or a rejected
suggestion. A coder who took no part in a source has *missing* values there: α and AC1 use the others'
values, κ and percent agreement use only units both coders decided. Sources named with ``sources``
(``--source``) or an agreement round's sources count as coded by every coder: whoever coded nothing there
decided that no code applies. Sources in an open agreement round are left out, and nobody's work there counts
towards who took part — the round is blind until an owner closes it; asking for an open round, or for
sources in one (a closed round's sources may be in an open one again), is refused.

**Units.** ``segment``: the stored segments, sentences (``segment="sentence"``) or speaker turns
(``segment="turn"``; texts without speaker turns, such as policy texts and reports, use their
paragraphs). A coder
applies a code to a segment when one of their codings of that code covers most of the segment or has
most of itself inside it — the rule ``qcoder eval`` uses for gold quotes, so a quote that runs a
character or two into the next sentence (a mouse selection, a closing quotation mark) does not code that
sentence too, and a short phrase inside a long sentence codes it; a quote split evenly between two
sentences codes both. ``character``: every character (code point) of the source text, applied when a
coding of the code covers it. Per code, each unit gets 1 (applied) or 0 (not) from each coder, so text
no coder coded counts as agreement on absence; ``coded_only`` keeps only the units at least one coder
applied some code to (any code, so a code's zeros inside coded text still count). Codes no coder applied
in these sources are left out: they would agree trivially and inflate every pooled figure.

**Statistics** (nominal, computed from counts):

* percent agreement — the share of agreeing coder pairs over all units (two coders: the share of units
  with the same decision);
* Cohen's κ — two coders only, ``(p_o − p_e) / (1 − p_e)`` from the 2 × 2 table (Cohen 1960); not
  defined for three or more coders (Fleiss' κ is a different statistic and not reported);
* Krippendorff's α — any number of coders, missing values allowed, ``1 − D_o / D_e`` from the
  coincidence matrix (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability");
* Gwet's AC1 — any number of coders, missing values allowed, ``(p_a − p_e) / (1 − p_e)`` (Gwet 2008,
  "Computing inter-rater reliability and its variance in the presence of high agreement"; Handbook of
  Inter-Rater Reliability, 4th ed., 2014): p_a is the mean, over the units at least two coders decided,
  of the share of agreeing coder pairs in the unit; p_e = Σ_k π_k (1 − π_k) / (q − 1), π_k the mean
  over the units anyone decided of the share of their values that are k, q = 2 (applied, not applied);
* pooled — every code × unit decision is one item: κ from the summed 2 × 2 tables, α from the summed
  coincidence matrices, AC1 from the summed sums behind p_a and π, agreement over all decisions (which,
  every code having the same units, is the mean of the per-code agreements).

κ or α is ``None`` when it is undefined: no unit two coders decided, or only one value occurs (all
"not applied"), where chance agreement is already perfect. AC1 is then p_a (its chance agreement is 0);
it is ``None`` only when no unit two coders decided.

**Rare codes, and coding not finished yet.** When nearly every unit is an agreed absence — a code that
is rare in the text — κ and α can be low although percent agreement is high: the prevalence paradox
(Feinstein & Cicchetti 1990), because their chance agreement approaches 1 when one value dominates.
AC1 is much less affected: its chance agreement becomes small then. The notes point this out only where
it shows: a code, or the pooled row, with percent agreement of at least 80 % (``PARADOX_AGREEMENT``, the
common rule of thumb for adequate agreement) and κ or α below 0.4 (``PARADOX_KAPPA``, "fair" at best on
Landis & Koch's 1977 scale) — a gap that wide is what the paradox looks like, and a smaller one is not
worth a caveat on every table. That is what AC1 is robust to, and only that: text a coder has not coded
yet counts as "not applied" for every one of these statistics, AC1 included. A comparison with
half-coded sources is premature, whatever the statistic; leave such sources out (below) or finish them.

**Coverage.** For each coder and compared source: ``units`` (its segments, or its characters at the
character unit), ``decided`` — the units with a decision of theirs, i.e. one of their codings that is
accepted, manual or a rejected suggestion (never a consensus coding) and codes the unit by the segment
rule above (at the character unit: the characters it covers), ``coverage`` = decided / units, ``reach`` —
how far through the source they coded, the share of its units up to and including the last one they
decided — ``furthest``, the largest reach of the coders compared there, and ``pending``, the source's
suggestions nobody has decided yet (the "suggested" count the Overview page shows), with
``pending_share``, the share of its units those suggestions code (by the same rule). Suggestions are
shared, not per coder: outside an open round a decision turns the suggestion into the reviewer's own
coding (:mod:`coder.review`), so a suggestion still there is one no coder has decided, and it is pending
for each of them; inside open rounds, where every coder decides the same suggestions separately, nothing
is compared.

A source is **unfinished** for a coder who takes part in it (see "Which sources") when they *stopped
early*: their reach there is below ``min_reach`` (default 80 %) of the furthest coder's reach. The rule is
relative because the end of a text often has nothing to code — an interview's closing courtesies, a
policy's 附则 — so coders who finished stop at the same place, well before the last sentence, and an
absolute share would call every one of them unfinished; a coder who stopped halfway stops well before
the others. In named sources and a round's, where every coder takes part, a coder who decided nothing
there has reached 0 % of it, and a source with text that none of them has decided anything in has not
been started: it is unfinished for every coder (its units would all count as agreed absences). What the
rule cannot see is coders who all stopped at the same early place;
the coverage table shows every reach for that. Pending suggestions do not count by default: they are
nobody's progress (shared, and a project that codes by hand never decides them — in the demo project,
after ``qcoder tag``, suggestions touch 20–82 % of each source's sentences, those scoring below 0.5
alone 12–64 %, so no default share would tell finished hand coding from unfinished review). A project that
codes by reviewing suggestions sets ``max_pending`` (``--max-pending``): a source whose pending
suggestions code more than that share of its units is unfinished for every coder taking part, and
``max_pending=0`` makes any pending suggestion count. Coverage itself is reported but is not the rule: a
finished coding may leave most sentences uncoded when little of the text bears on the codebook.

A comparison with unfinished sources carries a warning naming the sources and coders and stating the
rule, in both languages; ``skip_unfinished`` leaves those sources out — every coder's values there, since
a source half coded by one of two coders has nothing left to compare — and says which, and by what rule,
in the notes and the methods sentence. Coders are then chosen again: one not named who decided nothing in
the remaining sources is not compared (the notes and the methods sentence say so), as anyone picked by
default who decided nothing in the compared sources; a named one is an error. The coverage table still
lists every source and coder first chosen.

**Why not a library at run time.** Agreement data here is very repetitive (binary values, up to millions
of characters), so both statistics are computed from aggregated counts: the character unit becomes runs
between coding boundaries, each weighted by its length, and α's coincidence matrix and κ's table are
weighted sums. The ``krippendorff`` package (GPL-3.0, while qcoder is MIT) and scikit-learn's
``cohen_kappa_score`` (which brings SciPy) both need one row per unit — 75 million rows for 5 million
characters and 15 codes; so does irrCAC's AC1 (GPL-3.0 too). The formulas are a few lines of numpy; the
tests pin them to published worked examples and cross-check α against the ``krippendorff`` package and
AC1 against irrCAC (test-only dependencies).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlmodel import Session, func, select

from coder import known, rounds
from coder.db.models import EVIDENCE, Code, Coder, Coding, Round, RoundSource, Segment, Source
from coder.defaults import MIN_REACH
from coder.errors import QcoderError
from coder.evaluation import paragraphs

UNITS = ("segment", "character")
SEGMENTS = ("sentence", "turn")
CONSENSUS = "consensus"  # the origin of consensus codings, which never count as a coder's decisions
TOOK_PART = (*EVIDENCE, "rejected")  # a rejected suggestion is a decision too: the coder read that source
PARADOX_AGREEMENT, PARADOX_KAPPA = 0.8, 0.4  # high agreement with κ or α this low: the prevalence paradox note


# Statistics on counts --------------------------------------------------------------------------------


def cohen_kappa(table: Sequence[Sequence[float]] | np.ndarray) -> float | None:
    """Cohen's κ from a square contingency table (rows: coder A's category, columns: coder B's).

    None when it is undefined: an empty table, or chance agreement of 1 (both coders used one category).
    """
    counts = np.asarray(table, dtype=float)
    total = counts.sum()
    if total <= 0:
        return None
    observed = np.trace(counts) / total
    expected = float(counts.sum(axis=1) @ counts.sum(axis=0)) / total**2
    if expected >= 1:
        return None
    return float((observed - expected) / (1 - expected))


def value_counts(data: Sequence[Sequence[Hashable | None]]) -> tuple[np.ndarray, list[Hashable]]:
    """Reliability data (one row per coder, one column per unit, None or NaN for a missing value) as the
    number of coders giving each value to each unit: an array of shape (units, values), and the values."""
    values = sorted({v for row in data for v in row if not _missing(v)}, key=str)
    index = {v: i for i, v in enumerate(values)}
    units = len(data[0]) if data else 0
    counts = np.zeros((units, len(values)))
    for row in data:
        for unit, value in enumerate(row):
            if not _missing(value):
                counts[unit, index[value]] += 1
    return counts, values


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def coincidences(counts: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Krippendorff's coincidence matrix from value counts of shape (..., units, values).

    Each unit with ``m`` ≥ 2 values adds ``(n nᵀ − diag n) / (m − 1)`` times its weight (a unit of weight w
    counts as w identical units); units with fewer than two values are unpairable and add nothing.
    Leading dimensions (codes, say) are kept: the result has shape (..., values, values).
    """
    counts = np.asarray(counts, dtype=float)
    pairable = counts.sum(axis=-1)
    weight = np.ones(counts.shape[-2]) if weights is None else np.asarray(weights, dtype=float)
    scale = np.where(pairable >= 2, weight / np.maximum(pairable - 1, 1), 0.0)
    matrix = np.einsum("...uv,...uw,...u->...vw", counts, counts, scale)
    diagonal = np.einsum("...uv,...u->...v", counts, scale)
    return matrix - diagonal[..., None] * np.eye(counts.shape[-1])


def alpha_from_coincidences(matrix: np.ndarray) -> float | None:
    """Nominal α = 1 − D_o / D_e = 1 − (n − 1)(n − Σ o_cc) / (n² − Σ n_c²); None when undefined."""
    matrix = np.asarray(matrix, dtype=float)
    marginals = matrix.sum(axis=1)
    n = marginals.sum()
    expected = n**2 - (marginals**2).sum()
    if n <= 1 or expected <= 1e-12 * max(n**2, 1):
        return None
    return float(1 - (n - 1) * (n - np.trace(matrix)) / expected)


def krippendorff_alpha(counts: np.ndarray, weights: np.ndarray | None = None) -> float | None:
    """Krippendorff's α for nominal data from value counts of shape (units, values) (see :func:`value_counts`)."""
    return alpha_from_coincidences(coincidences(counts, weights))


def pairwise_agreement(counts: np.ndarray, weights: np.ndarray | None = None) -> float | None:
    """The share of agreeing pairs of values within units (two coders: the share of units they agree on)."""
    counts = np.asarray(counts, dtype=float)
    pairable = counts.sum(axis=-1)
    weight = np.ones(counts.shape[-2]) if weights is None else np.asarray(weights, dtype=float)
    pairs = float((weight * pairable * (pairable - 1)).sum())
    if pairs <= 0:
        return None
    return float((weight * (counts * (counts - 1)).sum(axis=-1)).sum()) / pairs


def ac1_sums(counts: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """What Gwet's AC1 needs from value counts of shape (..., units, values), as sums that add up across
    codes (so the pooled AC1 is the AC1 of their sum): per leading index, [Σ w·(share of agreeing pairs)
    over units with ≥ 2 values, Σ w over those units, Σ w over units with ≥ 1 value, then for each value k
    Σ w·(share of the unit's values that are k)]. A unit of weight w counts as w identical units."""
    counts = np.asarray(counts, dtype=float)
    rated = counts.sum(axis=-1)
    weight = np.ones(counts.shape[-2]) if weights is None else np.asarray(weights, dtype=float)
    pairable = rated >= 2
    agreeing = (counts * (counts - 1)).sum(axis=-1) / np.maximum(rated * (rated - 1), 1)
    totals = [
        (weight * agreeing * pairable).sum(axis=-1),
        (weight * pairable).sum(axis=-1),
        (weight * (rated >= 1)).sum(axis=-1),
    ]
    shares = np.einsum(
        "...uv,...u->...v", counts / np.maximum(rated, 1)[..., None], np.broadcast_to(weight, rated.shape)
    )
    return np.concatenate([np.stack(totals, axis=-1), shares], axis=-1)


def ac1_from_sums(sums: np.ndarray, categories: int | None = None) -> float | None:
    """Gwet's AC1 = (p_a − p_e) / (1 − p_e), p_e = Σ π_k (1 − π_k) / (q − 1), from :func:`ac1_sums`; ``q``
    is ``categories``, by default the number of values counted. None without a unit two coders decided."""
    agreeing, pairable, rated, shares = sums[0], sums[1], sums[2], np.asarray(sums[3:], dtype=float)
    q = categories or len(shares)
    if pairable <= 0 or q < 2:
        return None
    share = shares / rated
    chance = float((share * (1 - share)).sum()) / (q - 1)
    return float((agreeing / pairable - chance) / (1 - chance))


def gwet_ac1(counts: np.ndarray, weights: np.ndarray | None = None, categories: int | None = None) -> float | None:
    """Gwet's AC1 for nominal data from value counts of shape (units, values) (see :func:`value_counts`),
    for any number of coders and missing values; ``categories``: the size of the scale when some of its
    values never occur."""
    return ac1_from_sums(ac1_sums(counts, weights), categories)


# What is compared ------------------------------------------------------------------------------------


@dataclass
class Material:
    """The coders, sources and codings an agreement run compares, with global offsets for vector work.

    Source ``s`` occupies ``[offsets[s], offsets[s + 1])`` of one line through all the texts, so the
    codings and units of every source can be searched in one sorted array.
    """

    coders: list[str]
    coder_ids: list[int]
    sources: list[str]
    rule: str  # shared | given | round
    round_name: str | None
    offsets: np.ndarray  # (S + 1,)
    present: np.ndarray  # (m, S): did coder c take part in source s (decisions there, missing if not)
    codes: list[str]  # in codebook order, only codes some coder applied here
    coding_id: np.ndarray  # the applied codings: id, coder index, code index, global start and end
    coder: np.ndarray
    code: np.ndarray
    start: np.ndarray
    end: np.ndarray
    excluded: list[str] = field(default_factory=list)  # sources left out because their round is open
    dropped: list[str] = field(default_factory=list)  # coders not named who decided nothing in these sources


@dataclass
class Decisions:
    """Per code, unit and coder: 1 applied, 0 not applied, −1 missing (the coder took no part there)."""

    values: np.ndarray  # (m, K, U) int8
    weights: np.ndarray  # (U,) how many characters a character run stands for; 1 for a segment
    unit_source: np.ndarray  # (U,) index into Material.sources
    unit_start: np.ndarray  # (U,) global offsets
    unit_end: np.ndarray
    hits: tuple[np.ndarray, np.ndarray] | None = None  # (applied coding index, unit) pairs, segments only


def coders_with_codings(session: Session) -> list[str]:
    """People with decisions of their own — accepted or manual codings, rejected suggestions; consensus
    codings are not anyone's decisions — by name. Decisions in an open round's sources do not count:
    they cannot be compared yet, and listing who made them would tell a coder of the round who else did."""
    rows = session.exec(
        select(Coder.name)
        .join(Coding, Coding.coder_id == Coder.id)
        .where(
            Coding.status.in_(TOOK_PART),
            Coding.origin != CONSENSUS,
            Coder.role != "system",
            Coding.source_id.not_in(rounds.blind_sources(session)),
        )
        .distinct()
    ).all()
    return sorted(rows)


def material(
    session: Session,
    coders: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
    round_id: int | None = None,
    leave_out: Collection[str] = (),
) -> Material:
    """Choose coders and sources by the rules in the module docstring: sources without those in
    ``leave_out``, then coders with a decision in what is left (:func:`_active_coders`); a clear error when
    nothing fits."""
    blind = rounds.blind_sources(session)
    round_name = None
    if round_id is not None:
        chosen: list[str] | None = _round_sources(session, round_id)
        round_name = session.get(Round, round_id).name
        rule = "round"
    elif sources:
        chosen = known.check_sources(session, sources)
        rule = "given"
    else:
        chosen, rule = None, "shared"
    # A closed round's source may be in an open round again: it is blind like any other there.
    if hidden := [s for s in chosen or () if s in blind]:
        listed = "、".join(hidden)
        raise QcoderError(
            f"来源 {listed} 在尚未结束的一致性轮次中：结束轮次后才能比较",
            f"source {', '.join(hidden)} is in an open agreement round: close the round to compare",
        )

    # An open round's sources are left out before anything is counted: who took part there is blind too.
    took_part, people = _participation(session, chosen, blind)
    excluded = sorted(blind) if chosen is None else []
    names = _pick_coders(coders, people, took_part, bool(excluded))
    if chosen is None:
        shared = defaultdict(int)
        for name in names:
            for source in took_part.get(people[name], ()):
                shared[source] += 1
        chosen = sorted(s for s, n in shared.items() if n >= 2 and s not in leave_out)
        if not chosen:
            done = "；".join(f"{n}：{len(took_part.get(people[n], ()))} 个来源" for n in names)
            done_en = "; ".join(f"{n}: {len(took_part.get(people[n], ()))} sources" for n in names)
            raise QcoderError(
                f"{'、'.join(names)} 没有共同编码过的来源（{done}）"
                + ("；进行中的一致性轮次里的来源不计入" if excluded else ""),
                f"{', '.join(names)} have no sources in common ({done_en})"
                + ("; sources in an open agreement round are left out" if excluded else ""),
            )
    else:
        chosen = [s for s in chosen if s not in leave_out]
    decided_in = {name: took_part.get(people[name], set()) for name in names}
    names, dropped = _active_coders(decided_in, bool(coders), chosen, bool(leave_out))
    ids = [people[name] for name in names]
    if rule == "shared":
        present = np.array([[s in took_part.get(c, ()) for s in chosen] for c in ids], dtype=bool)
    else:  # named sources or a round's: every coder decided there, coding nothing means no code applies
        present = np.ones((len(ids), len(chosen)), dtype=bool)

    lengths = dict(session.exec(select(Source.id, func.length(Source.text)).where(Source.id.in_(chosen))).all())
    offsets = np.concatenate([[0], np.cumsum([lengths[s] for s in chosen])]).astype(np.int64)
    index = {s: i for i, s in enumerate(chosen)}
    rows = (
        session.connection()
        .execute(
            select(Coding.id, Coding.coder_id, Coding.code_id, Coding.source_id, Coding.start, Coding.end).where(
                Coding.coder_id.in_(ids),
                Coding.source_id.in_(chosen),
                Coding.status.in_(EVIDENCE),
                Coding.origin != CONSENSUS,
            )
        )
        .all()
    )
    used = {row[2] for row in rows}
    codes = [c for c in session.exec(select(Code.id).order_by(Code.position)).all() if c in used]
    code_index = {c: i for i, c in enumerate(codes)}
    coder_index = {coder_id: i for i, coder_id in enumerate(ids)}
    columns = list(zip(*rows, strict=True)) if rows else [(), (), (), (), (), ()]
    source_offset = offsets[[index[s] for s in columns[3]]] if rows else np.zeros(0, np.int64)
    return Material(
        coders=names,
        coder_ids=ids,
        sources=chosen,
        rule=rule,
        round_name=round_name,
        offsets=offsets,
        present=present,
        codes=codes,
        coding_id=np.array(columns[0], dtype=np.int64),
        coder=np.array([coder_index[c] for c in columns[1]], dtype=np.int64),
        code=np.array([code_index[c] for c in columns[2]], dtype=np.int64),
        start=source_offset + np.array(columns[4], dtype=np.int64),
        end=source_offset + np.array(columns[5], dtype=np.int64),
        excluded=excluded,
        dropped=dropped,
    )


def _round_sources(session: Session, round_id: int) -> list[str]:
    found = session.get(Round, round_id)
    if found is None:
        raise QcoderError(f"没有编号为 {round_id} 的一致性轮次", f"no agreement round {round_id}")
    if found.closed_at is None:
        raise QcoderError(
            f"一致性轮次 {round_id}（{found.name}）尚未结束：结束后才能比较编码",
            f"agreement round {round_id} ({found.name}) is still open: close it to compare the codings",
        )
    chosen = sorted(session.exec(select(RoundSource.source_id).where(RoundSource.round_id == round_id)).all())
    if not chosen:
        raise QcoderError(f"一致性轮次 {round_id} 没有来源", f"agreement round {round_id} has no sources")
    return chosen


def _participation(
    session: Session, sources: list[str] | None, blind: set[str]
) -> tuple[dict[int, set[str]], dict[str, int]]:
    """Per person (coder id), the sources they took part in, ``blind`` ones (an open round's) left out;
    and every person's id by name."""
    query = (
        select(Coding.coder_id, Coding.source_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Coding.status.in_(TOOK_PART), Coding.origin != CONSENSUS, Coder.role != "system")
        .distinct()
    )
    if sources is not None:
        query = query.where(Coding.source_id.in_(sources))
    if blind:
        query = query.where(Coding.source_id.not_in(blind))
    took_part: dict[int, set[str]] = defaultdict(set)
    for coder_id, source in session.exec(query).all():
        took_part[coder_id].add(source)
    people = dict(session.exec(select(Coder.name, Coder.id).where(Coder.role != "system")).all())
    return took_part, people


def _pick_coders(
    coders: Sequence[str] | None, people: dict[str, int], took_part: dict[int, set[str]], blind: bool = False
) -> list[str]:
    """The coders named, or everyone who took part; ``blind``: an open round's sources were left out."""
    with_codings = sorted(name for name, coder_id in people.items() if took_part.get(coder_id))
    listed = "、".join(with_codings) or "（无）"
    listed_en = ", ".join(with_codings) or "(none)"
    if blind:
        listed += "；进行中的一致性轮次里的来源不计入"
        listed_en += "; sources in an open agreement round are left out"
    if coders:
        names = list(dict.fromkeys(name.strip() for name in coders if name.strip()))
        if unknown := [n for n in names if n not in people]:
            raise QcoderError(
                f"没有名为 {'、'.join(unknown)} 的编码者（有编码的编码者：{listed}）",
                f"no coder named {', '.join(unknown)} (coders with codings: {listed_en})",
            )
        if idle := [n for n in names if not took_part.get(people[n])]:
            raise QcoderError(
                f"{'、'.join(idle)} 在这些来源中没有任何编码（有编码的编码者：{listed}）",
                f"{', '.join(idle)} has no codings here (coders with codings: {listed_en})",
            )
    else:
        names = with_codings
    if len(names) < 2:
        raise QcoderError(
            f"至少需要两位有编码的编码者才能计算一致性，现有：{listed}",
            f"agreement needs at least two coders with codings; found: {listed_en}",
        )
    return names


def _active_coders(
    decided_in: dict[str, set[str]], named: bool, chosen: list[str], skipped: bool
) -> tuple[list[str], list[str]]:
    """The coders (``decided_in``: each one's sources with a decision of theirs) with a decision in the
    ``chosen`` sources, and those left out for having none there. A coder picked by default whose decisions
    are all elsewhere — in sources left out as unfinished (``skipped``), or in sources nobody else coded —
    would only add missing values, or zeros for text they never read in named sources; a coder the caller
    named who has nothing here is an error."""
    idle = [name for name, sources in decided_in.items() if not sources.intersection(chosen)]
    after, after_en = ("（不计未完成的来源后）", " once the unfinished sources are left out") if skipped else ("", "")
    if idle and named:
        raise QcoderError(
            f"{'、'.join(idle)} 在比较的来源中没有任何决定{after}：请不再指定这些编码者"
            + ("，或保留未完成的来源" if skipped else ""),
            f"{', '.join(idle)} made no decisions in the sources compared{after_en}: leave them out of the coders"
            + (", or keep the unfinished sources in" if skipped else ""),
        )
    active = [name for name in decided_in if name not in idle]
    if len(active) < 2:
        raise QcoderError(
            f"比较的来源中只有 {'、'.join(active) or '（无）'} 有决定{after}：至少需要两位编码者",
            f"only {', '.join(active) or '(nobody)'} made decisions in the sources compared{after_en}: agreement "
            "needs at least two coders",
        )
    return active, idle


# Decisions per unit ----------------------------------------------------------------------------------


def assign(unit_start: np.ndarray, unit_end: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple:
    """Which spans code which units, as (span index, unit index) arrays: the span covers most of the unit,
    or at least half of the span lies in the unit. Units are sorted and do not overlap."""
    first = np.searchsorted(unit_end, start, side="right")
    after = np.searchsorted(unit_start, end, side="left")
    counts = np.maximum(after - first, 0)
    span = np.repeat(np.arange(len(start)), counts)
    unit = np.repeat(first, counts) + np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    overlap = np.minimum(end[span], unit_end[unit]) - np.maximum(start[span], unit_start[unit])
    keep = (2 * overlap > unit_end[unit] - unit_start[unit]) | (2 * overlap >= end[span] - start[span])
    return span[keep], unit[keep]


def segment_units(session: Session, mat: Material, segment: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sentences or turns of the material's sources as (source index, global start, global end), sorted."""
    if segment not in SEGMENTS:
        raise QcoderError(
            f"单位 {segment!r} 无效，应为 sentence 或 turn", f"segment {segment!r} is not sentence or turn"
        )
    # Core rows, not ORM objects: a large project has hundreds of thousands of sentences.
    rows = (
        session.connection()
        .execute(
            select(Segment.source_id, Segment.start, Segment.end).where(
                Segment.source_id.in_(mat.sources), Segment.kind == segment
            )
        )
        .all()
    )
    index = {source: s for s, source in enumerate(mat.sources)}
    source_index = np.array([index[row[0]] for row in rows], np.int64)
    starts = np.array([row[1] for row in rows], np.int64)
    ends = np.array([row[2] for row in rows], np.int64)
    plain = sorted(set(mat.sources) - {row[0] for row in rows}) if segment == "turn" else []
    if plain:  # texts without speaker turns: their paragraphs (lines)
        extra = [
            (index[source], start, end)
            for source, text in session.exec(select(Source.id, Source.text).where(Source.id.in_(plain))).all()
            for start, end in paragraphs(text)
        ]
        if extra:
            more = np.array(extra, np.int64)
            source_index = np.concatenate([source_index, more[:, 0]])
            starts, ends = np.concatenate([starts, more[:, 1]]), np.concatenate([ends, more[:, 2]])
    starts, ends = mat.offsets[source_index] + starts, mat.offsets[source_index] + ends
    order = np.argsort(starts, kind="stable")
    return source_index[order], starts[order], ends[order]


def decisions(session: Session, mat: Material, unit: str = "segment", segment: str = "sentence") -> Decisions:
    """Every coder's decision on every code and unit (see the module docstring)."""
    if unit not in UNITS:
        raise QcoderError(
            f"分析单位 {unit!r} 无效，应为 segment 或 character", f"unit {unit!r} is not segment or character"
        )
    m, k = len(mat.coders), len(mat.codes)
    if unit == "segment":
        unit_source, unit_start, unit_end = segment_units(session, mat, segment)
        weights = np.ones(len(unit_start), np.int64)
        span, where = assign(unit_start, unit_end, mat.start, mat.end)
        values = np.where(mat.present[:, unit_source], 0, -1).astype(np.int8)[:, None, :].repeat(k, axis=1)
        values[mat.coder[span], mat.code[span], where] = 1
        return Decisions(values, weights, unit_source, unit_start, unit_end, (span, where))
    # Characters: between two consecutive boundaries (a source's ends, a coding's ends) every coder's
    # decision is the same, so each run stands for its length in characters.
    bounds = np.unique(np.concatenate([mat.offsets, mat.start, mat.end]))
    unit_start, unit_end = bounds[:-1], bounds[1:]
    unit_source = np.searchsorted(mat.offsets, unit_start, side="right") - 1
    runs = len(unit_start)
    steps = np.zeros((m * k, runs + 1), np.int32)
    np.add.at(steps, (mat.coder * k + mat.code, np.searchsorted(bounds, mat.start)), 1)
    np.add.at(steps, (mat.coder * k + mat.code, np.searchsorted(bounds, mat.end)), -1)
    covered = np.cumsum(steps[:, :runs], axis=1).reshape(m, k, runs) > 0
    missing = ~mat.present[:, unit_source][:, None, :]
    values = np.where(missing, -1, covered).astype(np.int8)
    return Decisions(values, unit_end - unit_start, unit_source, unit_start, unit_end)


# Coverage --------------------------------------------------------------------------------------------


def coverage(
    session: Session,
    mat: Material,
    found: Decisions,
    unit: str = "segment",
    min_reach: float = MIN_REACH,
    max_pending: float | None = None,
) -> list[dict[str, Any]]:
    """Per source and coder: ``units``, ``decided``, ``coverage``, ``reach``, ``furthest`` (the furthest
    reach of the coders compared there), ``pending`` and ``pending_share``, ``took_part``, and whether the
    source is ``unfinished`` for them — ``stopped_early`` or ``many_pending`` (see "Coverage" in the module
    docstring); shares are None for an empty text."""
    decisions = _spans(session, mat, Coding.coder_id.in_(mat.coder_ids), Coding.status.in_(TOOK_PART))
    suggestions = _spans(session, mat, Coding.status == "suggested")
    coder_index = {coder_id: c for c, coder_id in enumerate(mat.coder_ids)}
    m = len(mat.coders)
    who = np.array([coder_index[c] for c in decisions[0]] + [m] * len(suggestions[0]), np.int64)  # m: pending
    where, start, end = (np.concatenate([a, b]) for a, b in zip(decisions[1:], suggestions[1:], strict=True))
    counted = _segments_decided if unit == "segment" else _characters_decided
    units, decided, reached = counted(mat, found, (who, where, start, end), m + 1)
    pending = np.bincount(suggestions[1], minlength=len(mat.sources))
    furthest = reached[:m].max(axis=0)
    out = []
    for s, source in enumerate(mat.sources):
        n = int(units[s])
        pending_share = float(decided[m, s] / n) if n else None
        many_pending = max_pending is not None and pending_share is not None and pending_share > max_pending
        for c, coder in enumerate(mat.coders):
            took_part = bool(mat.present[c, s])
            # A relative tolerance: 0.7 × 10 is 7.000000000000001 in floating point, and 7 of 10 is enough.
            behind = reached[c, s] < min_reach * furthest[s] * (1 - 1e-12)
            stopped_early = took_part and bool(behind or (n > 0 and furthest[s] == 0))  # or nobody started
            out.append(
                {
                    "source": source,
                    "coder": coder,
                    "took_part": took_part,
                    "units": n,
                    "decided": int(decided[c, s]),
                    "coverage": float(decided[c, s] / n) if n else None,
                    "reach": float(reached[c, s] / n) if n else None,
                    "furthest": float(furthest[s] / n) if n else None,
                    "pending": int(pending[s]),
                    "pending_share": pending_share,
                    "stopped_early": stopped_early,
                    "many_pending": took_part and many_pending,
                    "unfinished": took_part and (stopped_early or many_pending),
                }
            )
    return out


def _spans(session: Session, mat: Material, *conditions: Any) -> tuple[np.ndarray, ...]:
    """The codings in the material's sources that meet ``conditions`` (consensus codings never), as
    (coder id, source index, global start, global end) arrays."""
    rows = (
        session.connection()
        .execute(
            select(Coding.coder_id, Coding.source_id, Coding.start, Coding.end).where(
                Coding.source_id.in_(mat.sources), Coding.origin != CONSENSUS, *conditions
            )
        )
        .all()
    )
    source_index = {source: s for s, source in enumerate(mat.sources)}
    where = np.array([source_index[row[1]] for row in rows], np.int64)
    return (
        np.array([row[0] for row in rows], np.int64),
        where,
        mat.offsets[where] + np.array([row[2] for row in rows], np.int64),
        mat.offsets[where] + np.array([row[3] for row in rows], np.int64),
    )


def _segments_decided(
    mat: Material, found: Decisions, spans: tuple[np.ndarray, ...], rows: int
) -> tuple[np.ndarray, ...]:
    """Per source its segments; per row of ``spans`` (a coder, or the pending suggestions) and source the
    segments those spans code (the segment rule) and the position (1-based) of the last of them."""
    who, _, start, end = spans
    count = len(mat.sources)
    units = np.bincount(found.unit_source, minlength=count)
    first = np.concatenate([[0], np.cumsum(units)[:-1]])  # units are sorted by offset: each source's in one run
    span, unit = assign(found.unit_start, found.unit_end, start, end)
    hit = np.zeros((rows, len(found.unit_start)), bool)
    hit[who[span], unit] = True
    row, unit = np.nonzero(hit)
    source = found.unit_source[unit]
    decided, reached = np.zeros((rows, count), np.int64), np.zeros((rows, count), np.int64)
    np.add.at(decided, (row, source), 1)
    np.maximum.at(reached, (row, source), unit - first[source] + 1)
    return units, decided, reached


def _characters_decided(
    mat: Material, found: Decisions, spans: tuple[np.ndarray, ...], rows: int
) -> tuple[np.ndarray, ...]:
    """Per source its characters; per row of ``spans`` (a coder, or the pending suggestions) and source the
    characters those spans cover (overlaps once) and where the last one ends."""
    who, where, start, end = spans
    count = len(mat.sources)
    decided, reached = np.zeros((rows, count), np.int64), np.zeros((rows, count), np.int64)
    group = who * count + where
    order = np.lexsort((start, group))
    cuts = np.flatnonzero(np.diff(group[order])) + 1
    for keys, starts, ends in zip(*(np.split(a[order], cuts) for a in (group, start, end)), strict=True):
        if not len(keys):  # no spans at all
            continue
        c, s = divmod(int(keys[0]), count)
        covered_before = np.maximum.accumulate(np.concatenate([starts[:1], ends[:-1]]))  # sorted by start
        decided[c, s] = int(np.maximum(ends - np.maximum(starts, covered_before), 0).sum())
        reached[c, s] = int(ends.max() - mat.offsets[s])
    return np.diff(mat.offsets), decided, reached


def unfinished_sources(covered: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sources unfinished for some coder, in order: ``source``, ``coders`` (those it is unfinished
    for), ``reach`` (coder → reach, for those who stopped early), ``furthest``, ``pending``,
    ``pending_share`` and ``many_pending`` (whether the pending suggestions made it unfinished)."""
    found: dict[str, dict[str, Any]] = {}
    for row in covered:
        if row["unfinished"]:
            entry = found.setdefault(
                row["source"],
                {"source": row["source"], "coders": [], "reach": {}}
                | {key: row[key] for key in ("furthest", "pending", "pending_share", "many_pending")},
            )
            entry["coders"].append(row["coder"])
            if row["stopped_early"]:
                entry["reach"][row["coder"]] = row["reach"]
    return list(found.values())


# Agreement -------------------------------------------------------------------------------------------


def agreement(
    session: Session,
    coders: Sequence[str] | None = None,
    unit: str = "segment",
    segment: str = "sentence",
    coded_only: bool = False,
    sources: Sequence[str] | None = None,
    round_id: int | None = None,
    lang: str = "zh",
    skip_unfinished: bool = False,
    min_reach: float = MIN_REACH,
    max_pending: float | None = None,
) -> dict[str, Any]:
    """Percent agreement, κ, α and AC1 per code and pooled, each coder's coverage of each source, warnings
    about unfinished sources and the methods sentence in ``lang``; ``skip_unfinished`` leaves out the
    sources unfinished for some coder, ``min_reach`` and ``max_pending`` say when one is (see the module
    docstring)."""
    _check_share(min_reach, "完成比例", "min_reach", "0.8")
    if max_pending is not None:
        _check_share(max_pending, "待审建议比例", "max_pending", "0.1")
    mat = material(session, coders, sources, round_id)
    found = decisions(session, mat, unit, segment)
    covered = coverage(session, mat, found, unit, min_reach, max_pending)
    unfinished = unfinished_sources(covered)
    skipped = [entry["source"] for entry in unfinished] if skip_unfinished else []
    if skipped:
        if len(skipped) == len(mat.sources):
            listed = _unfinished_list(unfinished)
            raise QcoderError(
                f"比较的 {len(skipped)} 个来源都尚未编码完成（{listed['zh']}），排除后没有可比较的来源："
                "请先完成编码，或保留未完成的来源",
                f"all {len(skipped)} sources compared are unfinished ({listed['en']}), so leaving them out "
                "leaves nothing to compare: finish the coding first, or keep them in",
            )
        mat = material(session, coders, sources, round_id, leave_out=skipped)
        found = decisions(session, mat, unit, segment)
    rows, pooled = _figures(session, mat, found, coded_only)
    result = {
        "unit": unit,
        "segment": segment if unit == "segment" else None,
        "coded_only": coded_only,
        "coders": mat.coders,
        "dropped_coders": mat.dropped,
        "sources": mat.sources,
        "source_rule": mat.rule,
        "round": round_id,
        "round_name": mat.round_name,
        "missing": bool((~mat.present).any()),
        "excluded_sources": mat.excluded,
        "codes": rows,
        "pooled": pooled,
        "min_reach": min_reach,
        "max_pending": max_pending,
        "coverage": covered,
        "unfinished": unfinished,
        "skipped_sources": skipped,
    }
    result["warnings"] = warnings(result)
    result["notes"] = notes(result, lang)
    result["method"] = method_sentence(result, lang)
    return result


def _check_share(value: float, name: str, option: str, example: str) -> None:
    if not 0 <= value <= 1:
        raise QcoderError(
            f"{name} {value} 无效，应在 0 到 1 之间（如 {example}）", f"{option} {value} is not between 0 and 1"
        )


def _figures(
    session: Session, mat: Material, found: Decisions, coded_only: bool
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The row of each code and the pooled row: units, agreement, κ, α, AC1, how often each coder applied it."""
    values, m = found.values, len(mat.coders)
    present = values[:, 0, :] >= 0 if values.shape[1] else mat.present[:, found.unit_source]
    pairable = present.sum(axis=0) >= 2
    if coded_only:
        pairable &= (values == 1).any(axis=(0, 1))
    weights = np.where(pairable, found.weights, 0).astype(float)
    applied = (values == 1).sum(axis=0)  # (K, U)
    counts = np.stack([present.sum(axis=0)[None, :] - applied, applied], axis=-1)  # (K, U, 2): not, applied
    matrices = coincidences(counts, weights)  # (K, 2, 2)
    gwet = ac1_sums(counts, weights)  # (K, 5)
    agree = (weights * (counts * (counts - 1)).sum(axis=-1)).sum(axis=-1)
    pairs = float((weights * present.sum(axis=0) * (present.sum(axis=0) - 1)).sum())
    tables = _tables(values, weights) if m == 2 else None
    names = {c.id: c for c in session.exec(select(Code).where(Code.id.in_(mat.codes))).all()}
    rows = []
    for k, code in enumerate(mat.codes):
        rows.append(
            {
                "code": code,
                "name": names[code].name,
                "name_en": names[code].name_en,
                "units": int(weights.sum()),
                "agreement": float(agree[k] / pairs) if pairs else None,
                "kappa": cohen_kappa(tables[k]) if tables is not None else None,
                "alpha": alpha_from_coincidences(matrices[k]),
                "ac1": ac1_from_sums(gwet[k]),
                "n_coded_by": {c: int(weights @ (values[i, k] == 1)) for i, c in enumerate(mat.coders)},
            }
        )
    pooled = {
        "codes": len(mat.codes),
        "units": int(weights.sum()),
        "decisions": int(weights.sum()) * len(mat.codes),
        "agreement": float(agree.sum() / (pairs * len(mat.codes))) if pairs and mat.codes else None,
        "kappa": cohen_kappa(tables.sum(axis=0)) if tables is not None and mat.codes else None,
        "alpha": alpha_from_coincidences(matrices.sum(axis=0)) if mat.codes else None,
        "ac1": ac1_from_sums(gwet.sum(axis=0)) if mat.codes else None,
        "n_coded_by": {c: sum(row["n_coded_by"][c] for row in rows) for c in mat.coders},
    }
    return rows, pooled


def _tables(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per code, the two coders' weighted 2 × 2 table (rows: first coder not / applied; columns: second)."""
    first, second = values[0], values[1]  # (K, U)
    both = (first >= 0) & (second >= 0)
    tables = np.zeros((values.shape[1], 2, 2))
    for a in (0, 1):
        for b in (0, 1):
            tables[:, a, b] = ((first == a) & (second == b) & both) @ weights
    return tables


# The methods sentence --------------------------------------------------------------------------------

_UNIT_NAMES = {  # unit → (name, "N of them", how texts without speaker turns are cut)
    "zh": {"sentence": ("句子", "个句子", ""), "turn": ("话轮", "个话轮", "；没有话轮的文本以段落为单位"),
           "character": ("字符", "个字符", "")},
    "en": {"sentence": ("sentence", "sentences", ""),
           "turn": ("speaker turn", "turns", "; texts without speaker turns were cut into paragraphs"),
           "character": ("character", "characters", "")},
}  # fmt: skip
_HOW_MANY = {2: "两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}


def unit_key(result: dict[str, Any]) -> str:
    """What a result counts in: ``sentence``, ``turn`` or ``character``."""
    return result["segment"] if result["unit"] == "segment" else "character"


def _number(value: float | None, lang: str) -> str:
    if value is None:
        return "无法计算" if lang == "zh" else "undefined"
    return f"{value:.3f}"


def _percent(value: float | None, lang: str) -> str:
    return _number(value, lang) if value is None else f"{value * 100:.1f}%"


def method_sentence(result: dict[str, Any], lang: str = "zh") -> str:
    """A paragraph for the methods section: unit, assignment rule, whether uncoded text counts, coders,
    sources, and the pooled figures."""
    if lang not in _UNIT_NAMES:
        raise QcoderError(f"不支持的语言“{lang}”：应为 zh 或 en", f"unknown language '{lang}': use zh or en")
    unit, measure, cut = _UNIT_NAMES[lang][unit_key(result)]
    pooled, m, sources = result["pooled"], len(result["coders"]), len(result["sources"])
    agreement, kappa, alpha, ac1 = (_percent(pooled["agreement"], lang), _number(pooled["kappa"], lang),
                                    _number(pooled["alpha"], lang), _number(pooled["ac1"], lang))  # fmt: skip
    skipped, dropped = result["skipped_sources"], result["dropped_coders"]
    unfinished = unfinished_rule(result["min_reach"], result["max_pending"], unit_key(result))[lang]
    if lang == "zh":
        who = "与".join(result["coders"]) if m == 2 else "、".join(result["coders"])
        where = {
            "shared": f" {sources} 份共同编码的材料",
            "given": f"指定的 {sources} 份材料",
            "round": f"一致性轮次“{result['round_name']}”的 {sources} 份材料",
        }[result["source_rule"]]
        rule = (
            f"（编码者的某一编码覆盖该单位的大半、或该编码的大半落在该单位内，即视为其对该单位使用了该代码{cut}）"
            if result["unit"] == "segment"
            else "（编码覆盖的每个字符视为使用了该代码）"
        )
        counted = (
            f"只计入至少一位编码者编码过的{unit}（共 {pooled['units']:,} {measure}），未编码的文本不计入。"
            if result["coded_only"]
            else f"全部{unit}均计入（共 {pooled['units']:,} {measure}），编码者均未使用某代码的{unit}计为一致，"
            "即未编码的文本也计入。"
        )
        figures = (
            f"{_HOW_MANY.get(m, str(m))}位编码者在 {pooled['codes']} 个代码上的平均{'两两' if m > 2 else ''}"
            f"一致率为 {agreement}，"
            + (f"Cohen's κ = {kappa}，" if m == 2 else "")
            + f"Krippendorff's α = {alpha}，Gwet's AC1 = {ac1}（名义尺度；按全部“代码 × {unit}”判断合并计算）。"
        )
        extra = ""
        if m > 2:
            extra += "编码者多于两位，Cohen's κ 不适用，故不报告。"
        if result["missing"]:
            extra += "编码者未参与编码的来源按缺失值处理。"
        if skipped:
            extra += (
                f"尚未编码完成的材料未计入（{len(skipped)} 份：{'、'.join(skipped)}）：{unfinished}，即视为未完成。"
            )
        if dropped:
            extra += f"{'、'.join(dropped)} 在比较的材料中没有任何编码决定，未计入。"
        return (
            f"以{unit}为分析单位{rule}，比较{who}在{where}中的已接受和手工编码：每个代码在每个{unit}上"
            f"记为“使用 / 未使用”，{counted}{figures}{extra}"
        )
    who = " and ".join(result["coders"]) if m == 2 else ", ".join(result["coders"])
    plural = "" if sources == 1 else "s"
    where = {
        "shared": f"{sources} source{plural} coded by {'both' if m == 2 else 'at least two of them'}",
        "given": f"{sources} selected source{plural}",
        "round": f"the {sources} source{plural} of agreement round “{result['round_name']}”",
    }[result["source_rule"]]
    rule = (
        "a coder applied a code to a unit when one of their codings of it covered most of the unit or lay mostly "
        f"inside it{cut}"
        if result["unit"] == "segment"
        else "a coder applied a code to every character one of their codings of it covered"
    )
    counted = (
        f"only {measure} at least one coder coded were counted ({pooled['units']:,} {measure}); uncoded text was "
        "left out."
        if result["coded_only"]
        else f"all {measure} were counted ({pooled['units']:,} {measure}), and a {unit} no coder applied a code to "
        "counts as agreement on that code, so uncoded text is included."
    )
    figures = (
        f"Across {pooled['codes']} codes the {'mean pairwise' if m > 2 else 'mean'} percent agreement was {agreement}"
        + (f", Cohen's κ = {kappa}" if m == 2 else "")
        + f", Krippendorff's α = {alpha} and Gwet's AC1 = {ac1} (nominal; pooled over all code × {unit} decisions)."
    )
    extra = ""
    if m > 2:
        extra += " With more than two coders Cohen's κ is not defined and is not reported."
    if result["missing"]:
        extra += " Sources a coder did not code count as missing values for that coder."
    if skipped:
        extra += (
            f" Sources whose coding was not finished were left out ({len(skipped)}: {', '.join(skipped)}); a source "
            f"counted as unfinished for a coder when {unfinished}."
        )
    if dropped:
        extra += f" {', '.join(dropped)} made no decisions in these sources and {_was(dropped)} not compared."
    return (
        f"Agreement was assessed with the {unit} as the unit of analysis, comparing the accepted and manual "
        f"codings of {who} on {where}; {rule}. Each code was recorded as applied or not applied on each {unit}; "
        f"{counted} {figures}{extra}"
    )


def _was(names: list[str]) -> str:
    return "was" if len(names) == 1 else "were"


def notes(result: dict[str, Any], lang: str = "zh") -> list[str]:
    """What a reader of the table should know besides the methods sentence."""
    found = []
    zh = lang == "zh"
    join = "、" if zh else ", "
    if len(result["coders"]) > 2:
        found.append(
            "编码者多于两位：Cohen's κ 只适用于两位编码者，不计算；α 和 AC1 适用于任意多位编码者。"
            if zh
            else "More than two coders: Cohen's κ is defined for two coders only and is not computed; α and AC1 are."
        )
    if result["excluded_sources"]:
        listed = join.join(result["excluded_sources"])
        found.append(
            f"进行中的一致性轮次里的来源不计入：{listed}"
            if zh
            else f"Sources in an open agreement round left out: {listed}"
        )
    if skipped := result["skipped_sources"]:  # every unfinished source
        listed, rule = _unfinished_list(result["unfinished"])[lang], _rule_sentences(result)[lang]
        found.append(
            f"未计入尚未编码完成的来源（{len(skipped)} 个）：{listed}。{rule}"
            if zh
            else f"Unfinished sources left out ({len(skipped)}): {listed}. {rule}"
        )
    if dropped := result["dropped_coders"]:
        found.append(
            f"未计入编码者 {join.join(dropped)}：在比较的来源中没有其任何决定。"
            if zh
            else f"Coders not compared: {join.join(dropped)}, who made no decisions in the sources compared."
        )
    if not result["codes"]:
        found.append("这些来源中没有编码可比较。" if zh else "No codings to compare in these sources.")
    if paradox := _prevalence_paradox(result, lang):
        found.append(
            f"{join.join(paradox)} 的一致率不低于 {PARADOX_AGREEMENT:.0%}，κ 或 α 却低于 {PARADOX_KAPPA}："
            "这些代码的单位大多取同一值（通常是编码者一致的“未使用”），机遇一致接近 1，κ、α 因而偏低（流行率悖论），Gwet's AC1 "
            "受此影响小得多；但任何统计量都不能弥补尚未完成的编码——未编码的部分一律计为“未使用”。"
            if zh
            else f"{join.join(paradox)}: percent agreement of {PARADOX_AGREEMENT:.0%} or more with κ or α below "
            f"{PARADOX_KAPPA}. Most units there have one value (usually an agreed absence), so chance agreement approaches 1 and κ and α "
            "fall (the prevalence paradox); Gwet's AC1 is much less affected. No statistic makes up for unfinished "
            "coding: text not coded yet counts as “not applied” in all of them."
        )
    return found


def _prevalence_paradox(result: dict[str, Any], lang: str) -> list[str]:
    """The codes (and the pooled row) whose percent agreement is high while κ or α is low: where the
    prevalence paradox shows (see "Rare codes" in the module docstring)."""
    pooled = "合计" if lang == "zh" else "pooled"
    return [
        row.get("code", pooled)
        for row in [*result["codes"], result["pooled"]]
        if (row["agreement"] or 0) >= PARADOX_AGREEMENT
        and any(value is not None and value < PARADOX_KAPPA for value in (row["kappa"], row["alpha"]))
    ]


def warnings(result: dict[str, Any]) -> list[dict[str, str]]:
    """The warning, in Chinese and English, that the comparison includes unfinished sources, naming each
    with the coders it is unfinished for and the rule; none once they were left out."""
    if not result["unfinished"] or result["skipped_sources"]:
        return []
    listed, rule = _unfinished_list(result["unfinished"]), _rule_sentences(result)
    return [
        {
            "zh": f"比较中包含尚未编码完成的来源：{listed['zh']}。{rule['zh']}"
            "未编码的部分计为“未使用”，一致性因此失真（Gwet's AC1 也不例外）；可排除这些来源后重新计算。",
            "en": f"This comparison includes unfinished sources: {listed['en']}. {rule['en']} What is not coded yet "
            "counts as “not applied”, which distorts every figure (Gwet's AC1 too); leave these sources out to "
            "recompute without them.",
        }
    ]


def _rule_sentences(result: dict[str, Any]) -> dict[str, str]:
    """The rule of :func:`unfinished_rule` for ``result`` as a sentence of its own, in both languages."""
    rule = unfinished_rule(result["min_reach"], result["max_pending"], unit_key(result))
    return {
        "zh": f"规则：{rule['zh']}，即视为未完成。",
        "en": f"Rule: a source is unfinished for a coder when {rule['en']}.",
    }


def unfinished_rule(min_reach: float, max_pending: float | None, unit_key: str) -> dict[str, str]:
    """The rule that makes a source unfinished for a coder, as a clause in both languages, with the
    thresholds and the unit (``sentence``, ``turn`` or ``character``)."""
    share = f"{min_reach:.0%}"
    unit_zh, unit_en = _UNIT_NAMES["zh"][unit_key][0], _UNIT_NAMES["en"][unit_key][1]
    rule = {
        "zh": f"编码者在来源中最后一处决定的位置不到各编码者中最靠后一处的 {share}（按{unit_zh}计）",
        "en": f"their last decision there comes before {share} of the way to the furthest coder's (counted in "
        f"{unit_en})",
    }
    if max_pending == 0:
        rule["zh"] += "，或其中仍有待审的建议"
        rule["en"] += ", or any suggestion there is still to review"
    elif max_pending is not None:
        rule["zh"] += f"，或尚无人审阅的建议覆盖其{unit_zh}的 {max_pending:.0%} 以上"
        rule["en"] += f", or suggestions nobody has reviewed cover more than {max_pending:.0%} of its {unit_en}"
    return rule


_LISTED = {  # how _unfinished_list words an entry: a coder who stopped early, the pending suggestions, joints
    "zh": {"early": "{name}（编码至 {reach:.0%}，最靠后者 {furthest:.0%}）", "names": "、", "entries": "；",
           "pending": "，{n} 条建议待审（覆盖 {share:.0%}）"},
    "en": {"early": "{name} (coded through {reach:.0%}; the furthest coder {furthest:.0%})", "names": ", ",
           "entries": "; ", "pending": ", {n} suggestion{s} still to review (covering {share:.0%})"},
}  # fmt: skip


def _unfinished_list(unfinished: list[dict[str, Any]]) -> dict[str, str]:
    """Each unfinished source with the coders it is unfinished for, how far those who stopped early coded
    against the furthest coder, and its pending suggestions when they made it unfinished, in both languages."""
    out = {}
    for lang, words in _LISTED.items():
        entries = []
        for entry in unfinished:
            who = words["names"].join(
                words["early"].format(name=name, reach=entry["reach"][name], furthest=entry["furthest"])
                if name in entry["reach"]
                else name
                for name in entry["coders"]
            )
            n = entry["pending"]
            waiting = words["pending"].format(n=n, s="" if n == 1 else "s", share=entry["pending_share"] or 0)
            entries.append(f"{entry['source']} — {who}" + (waiting if entry["many_pending"] else ""))
        out[lang] = words["entries"].join(entries)
    return out
