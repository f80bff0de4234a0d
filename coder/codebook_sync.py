"""A codebook file in a project's database: sync it in (``qcoder init``, ``codebook sync``, the Codebook page)
and read the stored codes back.

Apart from :mod:`coder.codebook` so that checking a file (``qcoder codebook check``) needs no database
libraries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, delete, func, select, update

from coder.audit import record, snapshot
from coder.codebook import Codebook, CodeSpec, ordered
from coder.db.models import Code, Coder, Coding, FrameworkSummary, Memo, Setting, utcnow
from coder.errors import QcoderError


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    version: str = ""


def sync(session: Session, codebook: Codebook, coder: Coder | None = None, force: bool = False) -> SyncReport:
    """Make the database's codes match the codebook, keeping every coding that can be kept.

    Changing a code's name or keywords keeps its codings (they point at the id). A code listed under
    another's ``renamed_from`` hands its codings and framework summaries over (two summaries of one cell
    are joined). Removing a code that has codings or framework summaries is refused unless ``force``,
    which deletes them too (each removal is audited, so nothing disappears unlogged); its unreviewed
    suggestions never block the removal.
    """
    report = SyncReport(version=codebook.version)
    existing = {c.id: c for c in session.exec(select(Code)).all()}
    wanted = ordered(codebook)
    renames = {old: node.id for node in wanted for old in node.renamed_from if old in existing}

    for position, node in enumerate(wanted):
        values = _row_values(node, position)
        row = existing.get(node.id)
        if row is None:
            row = Code(**values)
            session.add(row)
            report.created.append(node.id)
            record(session, coder, "create", "code", node.id, after=snapshot(row))
        elif any(getattr(row, k) != v for k, v in values.items()):
            before = snapshot(row)
            for key, value in values.items():
                setattr(row, key, value)
            report.updated.append(node.id)
            record(session, coder, "update", "code", node.id, before=before, after=snapshot(row))
    session.flush()

    for old, new in renames.items():
        try:
            with session.begin_nested():
                moved = session.exec(update(Coding).where(Coding.code_id == old).values(code_id=new)).rowcount
        except IntegrityError:
            raise QcoderError(
                f"{codebook.path}：把 {old} 并入 {new} 会让同一编码者对同一段文字有两条相同编码；请先删除其中一条",
                f"{codebook.path}: merging {old} into {new} would give one coder two identical codings of the same span; "
                "delete one of them first",
            ) from None
        session.exec(update(Memo).where(Memo.code_id == old).values(code_id=new))
        _move_summaries(session, old, new, coder)
        report.renamed.append((old, new))
        record(session, coder, "rename", "code", old, before={"id": old}, after={"id": new, "codings_moved": moved})

    keep = {node.id for node in wanted}
    gone = [existing[i] for i in existing if i not in keep]
    in_use = _uses(session, [c.id for c in gone])
    if in_use and not force:
        zh = "、".join(f"{code_id}（{'、'.join(f'{n} 条{what[0]}' for what, n in uses)}）" for code_id, uses in in_use)
        en = ", ".join(f"{code_id} ({', '.join(f'{n} {what[1]}' for what, n in uses)})" for code_id, uses in in_use)
        raise QcoderError(
            f"编码簿 {codebook.path} 删除了仍有编码或框架摘要的代码：{zh}；确认一并删除请加 --force",
            f"codebook {codebook.path} removes codes that still have codings or framework summaries: {en}; "
            "use --force to delete them too",
        )
    # Children before parents, so foreign keys never point at a deleted row.
    for row in sorted(gone, key=lambda c: c.id.count("."), reverse=True):
        # Unreviewed suggestions are the tagger's, not evidence: they go with their code, counted once.
        dropped = session.exec(delete(Coding).where(Coding.code_id == row.id, Coding.status == "suggested")).rowcount
        if dropped:
            record(session, coder, "delete", "suggestions", row.id, before={"count": dropped})
        for coding in session.exec(select(Coding).where(Coding.code_id == row.id)).all():
            for memo in session.exec(select(Memo).where(Memo.coding_id == coding.id)).all():
                record(session, coder, "delete", "memo", memo.id, before=snapshot(memo))
                session.delete(memo)
            session.flush()  # memos first: the tables have no ORM relationship to order the deletes by
            record(session, coder, "delete", "coding", coding.id, before=snapshot(coding))
            session.delete(coding)
        session.exec(update(Memo).where(Memo.code_id == row.id).values(code_id=None))
        for summary in session.exec(select(FrameworkSummary).where(FrameworkSummary.code_id == row.id)).all():
            record(session, coder, "delete", "framework_summary", summary.cell, before=snapshot(summary))
            session.delete(summary)
        session.flush()  # the summaries before their code, as the memos before their codings
        record(session, coder, "delete", "code", row.id, before=snapshot(row))
        session.delete(row)
        report.removed.append(row.id)
        session.flush()

    setting = session.get(Setting, "codebook_version") or Setting(key="codebook_version", value="")
    setting.value = codebook.version
    session.add(setting)
    return report


def _move_summaries(session: Session, old: str, new: str, coder: Coder | None) -> None:
    """Hand ``old``'s framework summaries to ``new``. Where ``new`` has a summary of the same cell already
    (two codes merged into one), the two texts are joined, a blank line between, and audited as an update
    of that cell: a researcher's writing is never lost to a merge."""
    for row in session.exec(select(FrameworkSummary).where(FrameworkSummary.code_id == old)).all():
        kept = session.exec(
            select(FrameworkSummary).where(
                FrameworkSummary.row_kind == row.row_kind,
                FrameworkSummary.row_key == row.row_key,
                FrameworkSummary.code_id == new,
            )
        ).first()
        if kept is None:
            row.code_id = new
            session.add(row)
        else:
            before = {"text": kept.text}
            kept.text, kept.updated_at = f"{kept.text}\n\n{row.text}", utcnow()
            session.add(kept)
            session.delete(row)
            record(
                session,
                coder,
                "update",
                "framework_summary",
                kept.cell,
                before,
                {"text": kept.text, "merged_from": old},
            )
        session.flush()


_USES = (("编码", "codings"), ("框架摘要", "framework summaries"))


def _uses(session: Session, ids: list[str]) -> list[tuple[str, list[tuple[tuple[str, str], int]]]]:
    """The codes among ``ids`` that removing would lose work of, each with its counts of codings (not
    the tagger's suggestions) and framework summaries, by code."""
    codings = dict(
        session.exec(
            select(Coding.code_id, func.count())
            .where(Coding.code_id.in_(ids), Coding.status != "suggested")
            .group_by(Coding.code_id)
        ).all()
    )
    summaries = dict(
        session.exec(
            select(FrameworkSummary.code_id, func.count())
            .where(FrameworkSummary.code_id.in_(ids))
            .group_by(FrameworkSummary.code_id)
        ).all()
    )
    found = []
    for code_id in sorted({*codings, *summaries}):
        counts = zip(_USES, (codings.get(code_id, 0), summaries.get(code_id, 0)), strict=True)
        found.append((code_id, [(what, n) for what, n in counts if n]))
    return found


def _row_values(node: CodeSpec, position: int) -> dict[str, Any]:
    return {
        "id": node.id, "name": node.name, "name_en": node.name_en, "dimension": node.dimension,
        "parent_id": node.parent, "brief": node.brief, "definition": node.definition,
        "when_to_use": node.when_to_use, "when_not_to_use": node.when_not_to_use, "example": node.example,
        "keywords": node.keywords, "exclude": node.exclude, "color": node.color, "position": position,
        "guid": node.guid,
    }  # fmt: skip


def stored(session: Session, full: bool = False) -> dict[str, Any]:
    """The codebook as the database holds it: its version and one row per code, tree order.

    ``full`` adds every text field and the term lists (for the Codebook page); otherwise the keyword
    count stands in for them.
    """
    version = session.get(Setting, "codebook_version")
    rows = []
    for c in session.exec(select(Code).order_by(Code.position)).all():
        row = {"id": c.id, "name": c.name, "name_en": c.name_en, "dimension": c.dimension, "parent": c.parent_id,
               "color": c.color, "keywords": len(c.keywords)}  # fmt: skip
        if full:
            row |= {"keywords": list(c.keywords), "exclude": list(c.exclude), "brief": c.brief,
                    "definition": c.definition, "when_to_use": c.when_to_use,
                    "when_not_to_use": c.when_not_to_use, "example": c.example}  # fmt: skip
        rows.append(row)
    return {"version": version.value if version else None, "codes": rows}
