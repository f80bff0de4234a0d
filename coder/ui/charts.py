"""What the Altair charts share so every label can be read: a font with hanzi, no hidden or cut labels,
one row per bar.

Streamlit's chart theme cuts axis labels at 100 px ("前置场景·求稳…") and drops labels that would touch
(``labelOverlap``: every other word of a word list). Code names and words are what a chart is read by, so
they are never dropped, cut only past :data:`LABEL_LIMIT`, and each bar of a bar chart gets :data:`ROW` pixels.
"""

from __future__ import annotations

from typing import TypeVar

import altair as alt

# Streamlit's own font first (Latin letters and digits as on the rest of the page), then fonts with hanzi on
# Linux, macOS and Windows, so Chinese labels are drawn (and measured) in a CJK font wherever there is one.
FONT = (
    '"Source Sans", "Source Sans Pro", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", '
    '"WenQuanYi Zen Hei", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", sans-serif'
)
LABEL_LIMIT = 480  # px: about 40 hanzi at 12 px; a longer name is cut with "…" and shown whole in the tooltip
ROW = 24  # px a bar of a horizontal bar chart takes: a 12 px label and room above and below it
# The height of a horizontal bar chart: ROW pixels for each labelled bar, whatever the axes around them take
# (a plain number of pixels would be shared with the axis and its title: 18 px a bar for 15 codes).
BAR_ROWS = alt.Step(ROW)

Chart = TypeVar("Chart", bound=alt.TopLevelMixin)


def readable(chart: Chart) -> Chart:
    """``chart`` with every axis and legend label drawn whole in :data:`FONT` (settings on an encoding win).

    Only the axes of names (discrete: codes, words, kinds, periods) keep every label; a count axis may still
    thin out its numbers."""
    return (
        chart.configure(font=FONT)
        .configure_axis(labelLimit=LABEL_LIMIT, labelFont=FONT, titleFont=FONT)
        .configure_axisDiscrete(labelOverlap=False)
        .configure_legend(labelLimit=LABEL_LIMIT, labelFont=FONT, titleFont=FONT)
    )


def unique_labels(names: list[str], qualifiers: list[str]) -> list[str]:
    """``names`` as axis labels: a name used twice gets its qualifier (a dimension) so no two bars merge."""
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    return [f"{name} · {more}" if seen[name] > 1 else name for name, more in zip(names, qualifiers, strict=True)]
