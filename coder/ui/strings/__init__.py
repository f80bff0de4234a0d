"""Every interface string, in Chinese and English, one module a page family (``STRINGS`` in each);
coder.ui.i18n merges them. A key is defined once, in the family of the page that says it (or ``common``
when several do)."""

from __future__ import annotations

from coder.ui.strings import (
    agreement,
    analysis,
    codebook,
    coding,
    common,
    export,
    history,
    masks,
    memos,
    retrieve,
    team,
    triangulation,
)

FAMILIES = (common, coding, retrieve, triangulation, analysis, agreement, export, masks, memos, codebook, history, team)


def merged() -> dict[str, dict[str, str]]:
    """All families' strings in one dict; a key defined in two families is refused."""
    strings: dict[str, dict[str, str]] = {}
    for family in FAMILIES:
        twice = strings.keys() & family.STRINGS.keys()
        if twice:
            raise ValueError(
                f"界面文字键重复定义 / interface string keys defined twice: {sorted(twice)} ({family.__name__})"
            )
        strings.update(family.STRINGS)
    return strings
