"""Record IDs for a .qdpx's sources, decided before anything is imported: ``--plan`` and ``--map``.

``qcoder import F.qdpx --plan plan.csv`` imports nothing. It writes one row per source of the file with
the record ID the import would give it (:mod:`coder.export.qdpx_import` says how), or an empty ID and
the reason there is none. Columns: ``name`` (the source's name in the other tool), ``id``, ``kind``,
``date``, ``title`` (what the source will be titled), ``guid`` (the other tool's), ``note`` (where the ID
comes from, or why it cannot be made). It is a spreadsheet for a researcher (:mod:`coder.export.csvfile`).

``qcoder import F.qdpx --map plan.csv`` imports with the researcher's decisions:

- a row names its source by ``guid`` when that cell is filled, else by ``name``; only ``name`` (or
  ``guid``) and ``id`` are required columns, ``kind`` and ``date`` are read when present, others ignored;
- ``kind`` is read as a kind variable is (``政策``, ``访谈``, ``媒体`` too);
- ``id`` filled: the source gets that record ID (it must be one; with ``kind`` filled too, of that kind);
- ``id`` empty: the ID is made as without a map, from the row's ``kind`` and ``date`` where they are
  filled (else the source's variables, ``--kind`` and its creation date);
- a source of the file the map has no row for is not imported, and is listed as skipped: deleting a
  row leaves a source out;
- a row that names no source of the file, names one another row names already, or names by a name two
  sources share; two rows with one ID; a bad ID, kind or date (``2023-01-10``; Excel's ``2023/1/10`` and
  ``20230110`` are read too; never after today) — each is an error with its line, all are listed at
  once, and nothing of the file is imported until the map is right.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coder.db.models import SOURCE_KINDS
from coder.errors import QcoderError
from coder.export.csvfile import csv_bytes, read_csv
from coder.export.qdpx_read import kind_of
from coder.export.refi import guid_key
from coder.sources import ids

PLAN_COLUMNS = ("name", "id", "kind", "date", "title", "guid", "note")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$|^(\d{4})(\d{2})(\d{2})$")


@dataclass(frozen=True)
class MapRow:
    """What one row of a map decides for its source (None: not decided there)."""

    line: int
    id: str | None
    kind: str | None
    date: dt.date | None

    @property
    def where_zh(self) -> str:
        return f"--map 第 {self.line} 行"

    @property
    def where_en(self) -> str:
        return f"--map line {self.line}"


def plan_csv(entries: list[dict[str, Any]]) -> bytes:
    """The plan as a CSV file, one row per source (entries as :class:`QdpxReport.sources` holds them)."""
    return csv_bytes(list(PLAN_COLUMNS), [[entry.get(column) or "" for column in PLAN_COLUMNS] for entry in entries])


def read_map(path: Path, sources: list[tuple[str, str]], today: dt.date | None = None) -> dict[str, MapRow]:
    """The map's row for each source it names, by the source's GUID; ``sources`` are the file's
    (GUID, name) pairs. Every problem of the map is raised at once (see the module docstring)."""
    header, rows = read_csv(path)
    problems: list[tuple[int, str, str]] = []
    if not ({"name", "guid"} & set(header)) or "id" not in header:
        raise QcoderError(
            f"{path} 第 1 行：表头须有 name（或 guid）和 id 列（可由 --plan 生成），现为 {'、'.join(header)}",
            f"{path} line 1: the header needs a name (or guid) column and an id column (--plan writes one); "
            f"it has {', '.join(header)}",
        )
    by_guid = {key: name for key, name in sources}
    names = Counter(name for _, name in sources)
    by_name = {name: key for key, name in sources}
    decided: dict[str, MapRow] = {}
    first_line: dict[str, int] = {}
    given_ids: dict[str, int] = {}
    for line, cells in rows:
        cell = dict(zip(header, cells, strict=False))
        if not any(cells):
            continue

        def problem(zh: str, en: str, line: int = line) -> None:
            problems.append((line, zh, en))

        key, name = guid_key(cell.get("guid")), cell.get("name", "")
        if key and key not in by_guid:
            problem(f"guid {cell['guid']} 不是文件中任何来源的 GUID", f"guid {cell['guid']} is no source's in the file")
            continue
        if not key:
            if name not in names:
                problem(f"文件中没有名为“{name}”的来源", f"no source in the file is named “{name}”")
                continue
            if names[name] > 1:
                problem(
                    f"文件中有 {names[name]} 个来源名为“{name}”：请填写 guid 列以区分",
                    f"{names[name]} sources in the file are named “{name}”: fill in the guid column to tell them apart",
                )
                continue
            key = by_name[name]
        if key in first_line:
            problem(
                f"来源“{by_guid[key]}”已由第 {first_line[key]} 行决定",
                f"source “{by_guid[key]}” is decided on line {first_line[key]} already",
            )
            continue
        first_line[key] = line
        kind = kind_of(cell.get("kind"))  # 访谈, 政策, 媒体 … as in a kind variable
        if kind is not None and kind not in SOURCE_KINDS:
            problem(
                f"类型 {cell['kind']!r} 无效，应为 interview、policy 或 media",
                f"kind {cell['kind']!r} is not interview, policy or media",
            )
        date = _date(cell.get("date", ""), today, problem)
        record_id = ids.canonical(cell.get("id", "")) or None
        if record_id is not None:
            try:
                parsed = ids.parse(record_id, today=today)
            except ids.IdError as exc:
                problem(exc.zh, exc.en)
            else:
                if kind is not None and kind != parsed.kind:
                    problem(
                        f"类型为 {kind}，但编号 {record_id} 属于 {parsed.kind} 的编号规则",
                        f"kind is {kind} but ID {record_id} follows the {parsed.kind} convention",
                    )
        taken = record_id or _name_id(by_guid[key])
        if taken is not None and taken in given_ids:
            problem(
                f"编号 {taken} 已用于第 {given_ids[taken]} 行",
                f"ID {taken} is given on line {given_ids[taken]} already",
            )
        elif taken is not None:
            given_ids[taken] = line
        decided[key] = MapRow(line, record_id, kind, date)
    if problems:
        problems.sort(key=lambda p: p[0])
        zh = "\n".join(f"{path} 第 {line} 行：{zh}" for line, zh, _ in problems)
        en = "\n".join(f"{path} line {line}: {en}" for line, _, en in problems)
        raise QcoderError(
            f"编号表有 {len(problems)} 处错误，未导入任何内容：\n{zh}",
            f"the map has {len(problems)} error(s); nothing was imported:\n{en}",
        )
    return decided


def _name_id(name: str) -> str | None:
    """The record ID a source's name is, if it is one (it keeps it when its row leaves ``id`` empty)."""
    try:
        return str(ids.parse(name))
    except ids.IdError:
        return None


def _date(written: str, today: dt.date | None, problem: Callable[[str, str], None]) -> dt.date | None:
    if not written:
        return None
    found = _DATE.match(written)
    try:
        parts = [int(p) for p in found.groups() if p is not None] if found else []
        day = dt.date(*parts) if len(parts) == 3 else None
    except ValueError:
        day = None
    if day is None or not ids.EARLIEST <= day <= (today or dt.date.today()):
        problem(
            f"日期 {written!r} 无效：应为真实存在、不晚于今天的 YYYY-MM-DD",
            f"date {written!r} is not a real YYYY-MM-DD date up to today",
        )
        return None
    return day
