"""Cut a text into pieces for the reading view: each piece lies under the same set of codings.

Plain data, no HTML: the browser component fills each piece in with ``textContent``, so source text
can never become markup. Overlapping codings give a piece several colours (all stay visible).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any


def pieces(text: str, codings: Iterable[dict[str, Any]], colors: dict[str, str]) -> list[dict[str, Any]]:
    """``[{"start", "text", "colors", "codes"}]`` covering ``text`` exactly, in order.

    Each coding needs ``start``, ``end`` and ``code``; codes are listed in the order the codings start.
    """
    spans = sorted((c["start"], c["end"], c["code"]) for c in codings if 0 <= c["start"] < c["end"] <= len(text))
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    found = []
    for start, end in itertools.pairwise(cuts):
        codes = list(dict.fromkeys(code for s, e, code in spans if s <= start and end <= e))
        found.append(
            {
                "start": start,
                "text": text[start:end],
                "codes": codes,
                "colors": [colors.get(c, "#DDDDDD") for c in codes],
            }
        )
    return found
