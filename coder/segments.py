"""Speaker turns and Chinese sentences, as exact code-point spans of the stored text.

Every span satisfies ``text[start:end] == segment`` and carries no surrounding white space, so a
suggestion or an agreement unit can always be quoted back verbatim.

* A **turn** starts at a line that opens with a speaker label and a colon (``问：``, ``答：``, ``Q:``,
  ``访谈者A：``, ``受访者：`` or initials such as ``MJQ：``) and runs until the next such line. Its span
  is the speech only; the label is kept as ``speaker``.
* A **sentence** ends at 。！？!? or an ellipsis (closing quotes and brackets stay with it) or at a
  line end. Sentences never include a speaker label and never cross a turn boundary. A semicolon does
  not end one: in policy texts ；separates items of one provision, which is quoted as a whole.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

SPEAKER_LABEL = re.compile(
    r"^[ \t\u3000]*(?P<label>问|答|Q|A|访谈者[A-Z甲乙丙]?|研究者[A-Z甲乙丙]?|受访者[A-Z甲乙丙]?|主持人|记者"
    r"|[A-Z]{2,6}(?:-\d)?)[ \t]*[:：][ \t\u3000]*"
)
_SENTENCE_END = re.compile(r"(?:[。！？!?]|…+|\.{3,})+[”’」』）)】》\"']*")
_BLANK = " \t\u3000\n"


@dataclass(frozen=True)
class Span:
    kind: str
    start: int
    end: int
    speaker: str | None = None


def turns(text: str) -> list[Span]:
    """Speaker turns: from after a label to the end of the last line before the next label."""
    found: list[Span] = []
    open_turn: tuple[int, str] | None = None
    offset = 0
    for line in text.split("\n"):
        match = SPEAKER_LABEL.match(line)
        if match:
            if open_turn:
                found.extend(_closed_turn(text, *open_turn, offset))
            open_turn = (offset + match.end(), match["label"])
        offset += len(line) + 1
    if open_turn:
        found.extend(_closed_turn(text, *open_turn, len(text)))
    return found


def _closed_turn(text: str, start: int, speaker: str, end: int) -> list[Span]:
    start, end = _trim(text, start, end)
    return [Span("turn", start, end, speaker)] if end > start else []


def sentences(text: str, turn_spans: list[Span] | None = None) -> list[Span]:
    """Sentences line by line; given ``turn_spans`` (an interview) labels are skipped and speakers kept.

    Lines outside every turn — a transcript's preamble, say — still yield sentences, with no speaker.
    """
    skip_labels = turn_spans is not None
    turn_spans = turn_spans or []
    starts = [t.start for t in turn_spans]
    found: list[Span] = []
    offset = 0
    for line in text.split("\n"):
        match = SPEAKER_LABEL.match(line) if skip_labels else None
        start = offset + (match.end() if match else 0)
        for piece in _split_line(text, start, offset + len(line)):
            owner = bisect.bisect_right(starts, piece.start) - 1
            inside = owner >= 0 and piece.end <= turn_spans[owner].end
            found.append(Span("sentence", piece.start, piece.end, turn_spans[owner].speaker if inside else None))
        offset += len(line) + 1
    return found


def _split_line(text: str, start: int, end: int) -> list[Span]:
    cuts = [m.end() for m in _SENTENCE_END.finditer(text, start, end)]
    pieces = []
    for piece_start, piece_end in zip([start, *cuts], [*cuts, end], strict=True):
        piece_start, piece_end = _trim(text, piece_start, piece_end)
        # Pure punctuation (a stray "……") is not a sentence.
        if any(ch.isalnum() for ch in text[piece_start:piece_end]):
            pieces.append(Span("sentence", piece_start, piece_end))
    return pieces


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _BLANK:
        start += 1
    while end > start and text[end - 1] in _BLANK:
        end -= 1
    return start, end


def segment(text: str, kind: str) -> list[Span]:
    """All segments of a source: turns (interviews only) followed by sentences."""
    if kind != "interview":
        return sentences(text)
    found_turns = turns(text)
    return found_turns + sentences(text, found_turns)
