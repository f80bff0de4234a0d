"""Which codes occur together: the co-occurrence table researchers compare with ATLAS.ti's.

**The rule.** The unit is the sentence (see :mod:`coder.sources.segments`). A coding belongs to every sentence it
shares at least one character with, so two codings that overlap always share a sentence. Two codes
co-occur in a sentence when codings of both belong to it; each sentence counts once per pair of codes,
however many codings (or coders) put the codes there. ``n1`` is the number of sentences with code 1,
``n12`` the number with both, and the c-coefficient is ``n12 / (n1 + n2 − n12)`` (0 when neither occurs):
1 when two codes always occur together, 0 when never.

Each coding is placed in its sentences by a binary search over sorted offsets, and pairs are formed
within a sentence only, so the work grows with codings (times the few codes one sentence holds), never
with pairs of codings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlmodel import Session

from coder.analysis.loading import load, merge_spans, meta, names, units
from coder.export.quotes import Selection
from coder.sources.catalogue import texts

RULE = {
    "zh": "共现规则：以句子为单位。一条编码属于它至少覆盖一个字符的每个句子，因此相互重叠的两条编码必然共现；"
    "两个代码的编码出现在同一来源的同一句子中即为共现，每个句子每对代码只计一次。"
    "n₁ 为出现代码 1 的句子数，n₁₂ 为两者同时出现的句子数，c 系数 = n₁₂ ÷ (n₁ + n₂ − n₁₂)。",
    "en": "Co-occurrence rule: the unit is the sentence. A coding belongs to every sentence it shares at least one "
    "character with, so overlapping codings always co-occur; two codes co-occur when codings of both belong to "
    "the same sentence of the same source, counted once per sentence and pair of codes. n₁ is the number of "
    "sentences with code 1, n₁₂ the number with both; c-coefficient = n₁₂ ÷ (n₁ + n₂ − n₁₂).",
}


def cooccurrence(
    session: Session, chosen: Selection, level: str = "code", c_coefficient: bool = False, viewer: str | None = None
) -> pd.DataFrame:
    """Every pair of the selected codes (or dimensions), the diagonal included: ``a``, ``b``, their names,
    ``n_a``, ``n_b`` (sentences with each), ``n_ab`` (sentences with both) and ``c``. With
    ``c_coefficient`` the displays show ``c`` (``attrs["value"]``), otherwise the counts."""
    data = load(session, chosen, level, viewer)
    touched = units(session, data.frame)
    present = pd.DataFrame(
        {"unit": touched["unit"].to_numpy(), "column": data.frame["column"].to_numpy()[touched["row"].to_numpy()]}
    ).drop_duplicates()
    counts = present["column"].value_counts()
    both = present.merge(present, on="unit", suffixes=("_a", "_b")).groupby(["column_a", "column_b"]).size()
    label = names(data.codes, data.columns)
    grid = pd.MultiIndex.from_product([data.columns, data.columns], names=["a", "b"]).to_frame(index=False)
    grid["name_a"] = grid["a"].map(label["name"])
    grid["name_en_a"] = grid["a"].map(label["name_en"])
    grid["name_b"] = grid["b"].map(label["name"])
    grid["name_en_b"] = grid["b"].map(label["name_en"])
    grid["n_a"] = grid["a"].map(counts).fillna(0).astype(int)
    grid["n_b"] = grid["b"].map(counts).fillna(0).astype(int)
    pairs = pd.MultiIndex.from_frame(grid[["a", "b"]])
    grid["n_ab"] = both.reindex(pairs, fill_value=0).to_numpy().astype(int)
    union = grid["n_a"] + grid["n_b"] - grid["n_ab"]
    grid["c"] = np.where(union > 0, grid["n_ab"] / union.where(union > 0, 1), 0.0).round(4)
    grid.attrs = meta(data, "cooccurrence", rule=RULE, units=int(present["unit"].nunique()),
                      value="c" if c_coefficient else "count")  # fmt: skip
    return grid


def quotes(
    session: Session, a: str, b: str, chosen: Selection, level: str = "code", viewer: str | None = None
) -> pd.DataFrame:
    """The passages where ``a`` and ``b`` co-occur, by source and position: in each shared sentence, the
    stretch from the first start to the last end of the codings of either there, overlapping stretches
    merged. Columns ``source``, ``kind``, ``start``, ``end``, ``text``, ``citation``, ``statuses``."""
    data = load(session, chosen, level, viewer)
    frame = data.frame[data.frame["column"].isin([a, b])].reset_index(drop=True)
    touched = units(session, frame)
    touched["column"] = frame["column"].to_numpy()[touched["row"].to_numpy()]
    shared = touched.groupby("unit")["column"].nunique()
    wanted = shared[shared == (1 if a == b else 2)].index
    inside = frame.iloc[touched.loc[touched["unit"].isin(wanted), "row"].to_numpy()].assign(
        unit=touched.loc[touched["unit"].isin(wanted), "unit"].to_numpy()
    )
    spans = inside.groupby("unit").agg(
        source_id=("source_id", "first"), start=("start", "min"), end=("end", "max"), statuses=("status", set)
    )
    merged = merge_spans(spans.itertuples(index=False))
    text = texts(session, {source for source, *_ in merged})
    found = pd.DataFrame(
        [
            {
                "source": source,
                "kind": data.sources.at[source, "kind"],
                "start": start,
                "end": end,
                "text": text[source][start:end],
                "citation": data.sources.at[source, "citation"],
                "statuses": sorted(statuses),
            }
            for source, start, end, statuses in merged
        ],
        columns=["source", "kind", "start", "end", "text", "citation", "statuses"],
    )
    found.attrs = meta(data, "cooccurrence_quotes", a=a, b=b)
    return found
