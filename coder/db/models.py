"""The tables of a qcoder project (SQLModel).

Offsets are code-point indices into ``Source.text``, half-open: ``text[start:end]`` is the quote.
Datetimes are timezone-aware UTC (sqlmodel refuses naive ones at flush).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, MetaData, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

# Named constraints make Alembic's batch mode on SQLite (which rebuilds tables) predictable.
SQLModel.metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

SOURCE_KINDS = ("interview", "policy", "media")
CODING_STATUSES = ("suggested", "accepted", "rejected", "manual")
EVIDENCE = ("accepted", "manual")  # what a person decided or coded; suggestions are not evidence


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(when: dt.datetime) -> dt.datetime:
    """A stored datetime as aware UTC: SQLite hands back naive ones, which are UTC here."""
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def _when() -> Any:
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


def _json(default: Any) -> Any:
    return Field(default_factory=default, sa_column=Column(JSON, nullable=False))


class Participant(SQLModel, table=True):
    """A person interviewed. ``name`` is private: it never leaves the database unasked."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, description="how imports recognise the same person again")
    initials: str
    name: str | None = None
    role: str | None = None
    organization: str | None = None


class Source(SQLModel, table=True):
    """One imported document; its text never changes after import."""

    id: str = Field(primary_key=True, description="record ID, e.g. 20240115MJQ or 20230110-P03")
    kind: str = Field(index=True)
    date: dt.date | None = None
    title: str | None = None
    text: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str = Field(index=True)
    filename: str
    meta: dict = _json(dict)
    participant_id: int | None = Field(default=None, foreign_key="participant.id", index=True)
    imported_at: dt.datetime = _when()
    guid: str | None = Field(default=None, index=True, description="another QDA tool's GUID, written back on export")


class Segment(SQLModel, table=True):
    """A speaker turn or a sentence of a source: the unit suggestions and agreement work on."""

    __table_args__ = (Index("ix_segment_source_kind", "source_id", "kind", "start"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: str = Field(foreign_key="source.id", ondelete="CASCADE")
    kind: str
    start: int
    end: int
    speaker: str | None = None


class Code(SQLModel, table=True):
    """A node of the codebook tree; dimensions are the roots (``parent_id`` is None)."""

    id: str = Field(primary_key=True)
    name: str
    name_en: str | None = None
    dimension: str = Field(index=True)
    parent_id: str | None = Field(default=None, foreign_key="code.id")
    brief: str | None = None
    definition: str | None = Field(default=None, sa_column=Column(Text))
    when_to_use: str | None = Field(default=None, sa_column=Column(Text))
    when_not_to_use: str | None = Field(default=None, sa_column=Column(Text))
    example: str | None = Field(default=None, sa_column=Column(Text))
    keywords: list = _json(list)
    exclude: list = _json(list)
    color: str = "#DDDDDD"
    position: int = 0
    guid: str | None = Field(default=None, description="another QDA tool's GUID (codebook.yaml guid)")


ROLES = ("owner", "coder", "viewer")  # and "system" for the tagger, which never logs in


class Coder(SQLModel, table=True):
    """A person (or the tagger) who codes. In team mode a person logs in with a password, whose hash
    (never the password) is kept here."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    role: str = "coder"
    password_hash: str | None = None
    active: bool = True
    created_at: dt.datetime = _when()


class LoginThrottle(SQLModel, table=True):
    """Failed logins in a row for one account name or from one client address (see coder.throttle)."""

    key: str = Field(primary_key=True, description='"account:NAME", "account:?HASH" or "client:ADDRESS"')
    failures: int = 0
    locked_until: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    last_failure: dt.datetime = Field(sa_type=DateTime(timezone=True), description="a day later the count is forgotten")


class OpenMark(SQLModel, table=True):
    """The source one browser session shows, and when it last said so: a re-tag leaves it alone (see
    coder.open_marks). One row per session, overwritten; stale rows are pruned."""

    session: str = Field(primary_key=True, description="a hash of the page's per-session key")
    source_id: str = Field(foreign_key="source.id", ondelete="CASCADE")
    seen_at: dt.datetime = Field(sa_type=DateTime(timezone=True))


class Coding(SQLModel, table=True):
    """A code applied to a span of a source, by a coder or suggested by the tagger."""

    __table_args__ = (
        UniqueConstraint("source_id", "code_id", "start", "end", "coder_id", name="uq_coding_span"),
        Index("ix_coding_source", "source_id", "start"),
        Index("ix_coding_code_status", "code_id", "status"),
        Index("ix_coding_status", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: str = Field(foreign_key="source.id", ondelete="CASCADE")
    code_id: str = Field(foreign_key="code.id")
    start: int
    end: int
    status: str
    origin: str
    coder_id: int = Field(foreign_key="coder.id")
    score: float | None = None
    terms: list = _json(list)
    codebook_version: str | None = None
    version: int = Field(default=1, description="optimistic-concurrency counter")
    created_at: dt.datetime = _when()
    updated_at: dt.datetime = _when()
    # Another QDA tool's GUIDs of the coding and of the selection it sits in, written back on export.
    guid: str | None = None
    selection_guid: str | None = None


class MaskEntry(SQLModel, table=True):
    """A mention masked in everything that leaves qcoder (see coder.masking), or a candidate dismissed as
    no name. ``mention`` may be a real name: it never leaves the database unasked, as a participant's."""

    id: int | None = Field(default=None, primary_key=True)
    mention: str = Field(unique=True)
    replacement: str
    kind: str = Field(description="person | place | org")
    status: str = Field(default="confirmed", index=True, description="confirmed | dismissed")
    origin: str = Field(default="manual", description="manual | suggested")
    created_at: dt.datetime = _when()


class Memo(SQLModel, table=True):
    """A researcher's note on a coding, a source or a code."""

    id: int | None = Field(default=None, primary_key=True)
    coder_id: int = Field(foreign_key="coder.id")
    coding_id: int | None = Field(default=None, foreign_key="coding.id", ondelete="CASCADE", index=True)
    source_id: str | None = Field(default=None, foreign_key="source.id", ondelete="CASCADE", index=True)
    code_id: str | None = Field(default=None, foreign_key="code.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime = _when()


class AuditEvent(SQLModel, table=True):
    """Who changed what, when, with the state before and after (written in the same transaction)."""

    # A person's own newest events (recent codes, the last change to undo) are read on every decision.
    __table_args__ = (Index("ix_auditevent_coder_entity", "coder_id", "entity", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = _when()
    coder_id: int | None = Field(default=None, foreign_key="coder.id")
    action: str
    entity: str = Field(index=True)
    entity_id: str = Field(index=True)
    before: dict | None = Field(default=None, sa_column=Column(JSON))
    after: dict | None = Field(default=None, sa_column=Column(JSON))


class Setting(SQLModel, table=True):
    """Project-wide values such as the codebook version in use."""

    key: str = Field(primary_key=True)
    value: str


class TagState(SQLModel, table=True):
    """Which version of a code's terms the tagger last applied to a source (see coder.tagging)."""

    source_id: str = Field(foreign_key="source.id", primary_key=True, ondelete="CASCADE")
    code_id: str = Field(foreign_key="code.id", primary_key=True, ondelete="CASCADE")
    fingerprint: str


class Claim(SQLModel, table=True):
    """A finding stated in the researcher's words, checked against the evidence it is linked to."""

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    coder_id: int = Field(foreign_key="coder.id")
    created_at: dt.datetime = _when()


class ClaimLink(SQLModel, table=True):
    """One piece of a claim's support: a whole code (with its sub-codes) or one coding."""

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", ondelete="CASCADE", index=True)
    code_id: str | None = Field(default=None, foreign_key="code.id", ondelete="CASCADE")
    coding_id: int | None = Field(default=None, foreign_key="coding.id", ondelete="CASCADE")


class Round(SQLModel, table=True):
    """An agreement round: while it is open, each coder sees only their own codings of its sources."""

    id: int | None = Field(default=None, primary_key=True)
    name: str
    opened_by: int = Field(foreign_key="coder.id")
    opened_at: dt.datetime = _when()
    closed_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class RoundSource(SQLModel, table=True):
    round_id: int = Field(foreign_key="round.id", primary_key=True, ondelete="CASCADE")
    source_id: str = Field(foreign_key="source.id", primary_key=True, ondelete="CASCADE")


class ConsensusLink(SQLModel, table=True):
    """A consensus coding and one of the original codings it resolves (the originals are kept)."""

    consensus_id: int = Field(foreign_key="coding.id", primary_key=True, ondelete="CASCADE")
    original_id: int = Field(foreign_key="coding.id", primary_key=True, ondelete="CASCADE")


class FrameworkSummary(SQLModel, table=True):
    """A researcher's summary of one framework-matrix cell — what this participant (organisation, role,
    kind of source) says about this code, in the researcher's words (see coder.analysis.framework)."""

    __table_args__ = (UniqueConstraint("row_kind", "row_key", "code_id", name="uq_frameworksummary_cell"),)

    id: int | None = Field(default=None, primary_key=True)
    row_kind: str = Field(description="participant | organization | role | kind")
    row_key: str = Field(description="an interview record ID, an organisation, a role or a kind; never a name")
    code_id: str = Field(foreign_key="code.id", ondelete="CASCADE")
    text: str = Field(sa_column=Column(Text, nullable=False))
    coder_id: int = Field(foreign_key="coder.id")
    updated_at: dt.datetime = _when()

    @property
    def cell(self) -> str:
        """How the audit trail names this summary (see :func:`summary_cell`)."""
        return summary_cell(self.row_kind, self.row_key, self.code_id)


def summary_cell(row_kind: str, row_key: str, code_id: str) -> str:
    """A framework cell as the audit trail names it, ``row_kind:row_key:code``: one name for the cell
    whether its summary is written, merged into another code or removed with its code."""
    return f"{row_kind}:{row_key}:{code_id}"
