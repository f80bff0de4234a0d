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
import sys
from collections.abc import Iterator
from dataclasses import dataclass

SPEAKER_LABEL = re.compile(
    r"^[ \t\u3000]*(?P<label>问|答|Q|A|访谈者[A-Z甲乙丙]?|研究者[A-Z甲乙丙]?|受访者[A-Z甲乙丙]?|主持人|记者"
    r"|[A-Z]{2,6}(?:-\d)?)[ \t]*[:：][ \t\u3000]*"
)
# The same label at any line start of a whole text: lines are scanned in place, never split out, so a
# transcript of a million short lines costs no list of a million strings.
_LINE_LABEL = re.compile(SPEAKER_LABEL.pattern, re.MULTILINE)
_SENTENCE_END = re.compile(r"(?:[。！？!?]|…+|\.{3,})+[”’」』）)】》\"']*")
_CUT = re.compile(rf"{_SENTENCE_END.pattern}|\n")  # where a sentence piece ends: end punctuation or a line end
_WORD = re.compile(r"[^\W_]")  # a character str.isalnum() accepts, found by the regex engine in C
_BLANK = " \t\u3000\n"


@dataclass(frozen=True, slots=True)
class Span:
    kind: str
    start: int
    end: int
    speaker: str | None = None


def turns(text: str) -> list[Span]:
    """Speaker turns: from after a label to the end of the last line before the next label."""
    found: list[Span] = []
    previous = None
    for match in _LINE_LABEL.finditer(text):
        if previous:
            _close_turn(found, text, previous, match.start())
        previous = match
    if previous:
        _close_turn(found, text, previous, len(text))
    return found


def _close_turn(found: list[Span], text: str, label: re.Match[str], end: int) -> None:
    start, end = _trim(text, label.end(), end)
    if end > start:
        # One shared string per speaker label, not one per turn.
        found.append(Span("turn", start, end, sys.intern(label["label"])))


def sentences(text: str, turn_spans: list[Span] | None = None) -> list[Span]:
    """Sentences line by line; given ``turn_spans`` (an interview) labels are skipped and speakers kept.

    Lines outside every turn — a transcript's preamble, say — still yield sentences, with no speaker.
    """
    return list(_sentences(text, turn_spans))


def _sentences(text: str, turn_spans: list[Span] | None) -> Iterator[Span]:
    skip_labels = turn_spans is not None
    turn_spans = turn_spans or []
    starts = [t.start for t in turn_spans]
    for start, end in _pieces(text, skip_labels):
        start, end = _trim(text, start, end)
        # Pure punctuation (a stray "……") is not a sentence.
        if _WORD.search(text, start, end):
            owner = bisect.bisect_right(starts, start) - 1
            inside = owner >= 0 and end <= turn_spans[owner].end
            yield Span("sentence", start, end, turn_spans[owner].speaker if inside else None)


def _pieces(text: str, skip_labels: bool) -> Iterator[tuple[int, int]]:
    """Untrimmed ``(start, end)`` between sentence ends and line ends, in one pass over the whole text.

    A sentence end never matches inside a speaker label (no label character ends a sentence), so the
    scan may run on through a label it has skipped.
    """
    start = _after_label(text, 0) if skip_labels else 0
    for cut in _CUT.finditer(text):
        if text[cut.start()] != "\n":
            yield start, cut.end()
            start = cut.end()
            continue
        if cut.start() > start:  # the empty rest after a line's last sentence end is common: skip it here
            yield start, cut.start()
        start = _after_label(text, cut.end()) if skip_labels else cut.end()
    yield start, len(text)


def _after_label(text: str, line_start: int) -> int:
    label = _LINE_LABEL.match(text, line_start)
    return label.end() if label else line_start


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _BLANK:
        start += 1
    while end > start and text[end - 1] in _BLANK:
        end -= 1
    return start, end


def segment(text: str, kind: str) -> list[Span]:
    """All segments of a source: turns (interviews only) followed by sentences."""
    return list(iter_segments(text, kind))


def iter_segments(text: str, kind: str) -> Iterator[Span]:
    """:func:`segment` one span at a time: only the turns are held, so an import can store them in batches."""
    if kind != "interview":
        yield from _sentences(text, None)
        return
    found_turns = turns(text)
    yield from found_turns
    yield from _sentences(text, found_turns)
