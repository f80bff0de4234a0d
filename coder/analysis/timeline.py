"""When each theme appears, and in which kind of source: codes (or dimensions) by month or quarter.

A coding is dated by its source's ``date`` — the interview date, the policy text's issue date, the
report's date. Periods run without gaps from the first to the last dated coding, so a quiet month shows
as a zero, not as a missing column. Counts are passages (a span coded by two coders counts once).
Sources without a date cannot be placed: they are listed in ``attrs["undated"]`` with how many codings
each holds, never silently dropped.
"""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session

from coder.analysis.loading import load, meta, names, passages
from coder.db.models import SOURCE_KINDS
from coder.errors import QcoderError
from coder.export.quotes import Selection

PERIODS = {"month": "M", "quarter": "Q"}
COLUMNS = ["code", "name", "name_en", "period", "kind", "count"]


def timeline(
    session: Session, chosen: Selection, by: str = "month", level: str = "code", viewer: str | None = None
) -> pd.DataFrame:
    """One row per code (or dimension) × period × kind of source, zeros included: ``period`` reads
    ``2024-01`` by month or ``2024Q1`` by quarter."""
    if by not in PERIODS:
        raise QcoderError(f"--by {by} 无效，应为 month 或 quarter", f"--by {by} is not month or quarter")
    data = load(session, chosen, level, viewer)
    frame = passages(data.frame)
    dates = pd.to_datetime(frame["source_id"].map(data.sources["date"]))
    undated = frame.loc[dates.isna(), "source_id"].value_counts().sort_index()
    frame, dates = frame[dates.notna()], dates[dates.notna()]
    kinds = [k for k in SOURCE_KINDS if not chosen.kinds or k in chosen.kinds]
    periods = (
        pd.period_range(dates.min(), dates.max(), freq=PERIODS[by])
        if len(dates)
        else pd.PeriodIndex([], freq=PERIODS[by])
    )
    counted = (
        frame.assign(period=dates.dt.to_period(PERIODS[by]), kind=frame["source_id"].map(data.sources["kind"]))
        .groupby(["column", "period", "kind"])
        .size()
    )
    grid = pd.MultiIndex.from_product([data.columns, periods, kinds], names=["code", "period", "kind"])
    result = counted.reindex(grid, fill_value=0).rename("count").reset_index()
    code_names = names(data.codes, data.columns)
    result["name"] = result["code"].map(code_names["name"])
    result["name_en"] = result["code"].map(code_names["name_en"])
    result["period"] = result["period"].astype(str)
    result = result[COLUMNS]
    result.attrs = meta(data, "timeline", by=by, kinds=kinds, periods=[str(p) for p in periods],
                        undated={source: int(n) for source, n in undated.items()})  # fmt: skip
    return result
