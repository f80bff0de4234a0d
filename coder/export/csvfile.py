"""CSV files people edit in a spreadsheet and give back: written for Excel, read within the limits, in any encoding.

Written (:func:`csv_bytes`) as UTF-8 with a BOM, which Excel needs to show Chinese, every cell a
spreadsheet would run as a formula neutralised.

A spreadsheet saves CSV as UTF-8 with a BOM ("CSV UTF-8"), or in the system's code page (GB18030 on a
Chinese Windows), so a file is decoded as source files are (:func:`coder.sources.textfile.decode`), after
its size is checked (:func:`coder.limits.check_source_file`). Cells come back as stored text (NFC, ``\\n``),
trimmed, each row with the line it starts on, so a message can name the line a person sees. A cell that
qcoder wrote with a leading ``'`` against formula injection (:func:`coder.export.text.spreadsheet_cell`)
reads back without it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from coder import limits
from coder.errors import QcoderError
from coder.export.text import FORMULA_STARTS, spreadsheet_cell
from coder.sources.textfile import decode, normalise


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (lower case) and the rows of ``path``, each row with the line it starts on."""
    if not path.exists():
        raise QcoderError(f"找不到 {path}", f"{path} does not exist")
    limits.check_source_file(path)
    text = normalise(decode(path, path.read_bytes()))
    limits.check_source_text(str(path), text)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            rows.append((start, [_cell(c) for c in cells]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise QcoderError(
            f"{path} 第 {start} 行：不是有效的 CSV（{exc}）", f"{path} line {start}: not valid CSV ({exc})"
        ) from None
    if not rows:
        raise QcoderError(f"{path}：文件为空", f"{path}: the file is empty")
    return [c.lower() for c in rows[0][1]], rows[1:]


def _cell(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        value = value[1:]
    return value.strip()


def csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    """A CSV file Excel opens as UTF-8, no cell of which it runs as a formula."""
    out = io.StringIO()
    csv.writer(out).writerows([header, *([spreadsheet_cell(cell) for cell in row] for row in rows)])
    return out.getvalue().encode("utf-8-sig")
