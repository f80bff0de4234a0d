"""A quote as a Chinese paper prints it: in “”, the quotations inside it nested ‘’ / “” by depth (GB/T 15834-2011).

Transcribers type whatever marks their keyboard gives — curly or straight, “” inside “” — so the marks are
read for how they pair, not for which were typed; what cannot be paired for certain (a mark typed facing the
wrong way, an odd straight quote) is left as written.
"""

from __future__ import annotations

import unicodedata

_CURLY = {"“": ("double", True), "”": ("double", False), "‘": ("single", True), "’": ("single", False)}
_STRAIGHT = {'"': "straight double", "'": "straight single"}
_NESTED = (("‘", "’"), ("“", "”"))  # a quotation one level inside the outer “” takes ‘’, the next “” again, …


def quoted(text: str) -> str:
    """``text`` in “” as a Chinese paper prints a quote, the quotations inside it alternating ‘’ and “” by depth
    whatever marks the transcriber typed (GB/T 15834-2011 标点符号用法: 引号里面还要用引号时，外面一层用双引号，
    里面一层用单引号). Display only: the text keeps its length and every character but the marks that pair up.
    Left as written: a mark a shortened quote left open or closed, an apostrophe (don’t, O'Brien), straight
    quotes that touch no Chinese (code, URLs, English) or that an odd one out in their line makes ambiguous
    (5'10"), and 「」『』, which are neither changed nor counted."""
    chars = list(text)
    depth = 0
    events = ((index, n == 0, n == len(marks) - 1) for marks in _pairs(text) for n, index in enumerate(marks))
    for index, opens, closes in sorted(events):
        depth += opens
        chars[index] = _NESTED[(depth - 1) % 2][closes]
        depth -= closes
    return "“" + "".join(chars) + "”"


def _pairs(text: str) -> list[list[int]]:
    """The quotations whose marks pair up, each as the indices of its marks: the opening mark, the mark that
    reopens each further paragraph (GB/T 15834: 引文不止一段时，每段开头仅用前引号，只在最后一段末尾用后引号),
    the closing mark. Properly nested: a closing mark closes the nearest open mark of its kind, and what was
    opened inside it and never closed stays unpaired. Curly marks say which way they face, so they pair across
    lines; straight ones do not, so they pair only within a line, where a stray one cannot shift later pairs."""
    closable = _closable(text)
    open_marks: list[tuple[str, list[int]]] = []  # innermost last: kind, indices of the quotation's marks so far
    quotations = []
    start = 0
    for line in text.splitlines(keepends=True):
        open_marks = [mark for mark in open_marks if mark[0] in closable]  # straight ones stay in their line
        straight = _straight_marks(line, start)
        first = start + len(line) - len(line.lstrip())
        for index in range(start, start + len(line)):
            char = text[index]
            if char in _CURLY:
                kind, opens = _CURLY[char]
                after = closable[kind][index + 1]
                if opens and index == first and open_marks and open_marks[-1][0] == kind:
                    if _open(open_marks, kind) >= after:  # the rest could not close it as a quotation of its own
                        open_marks[-1][1].append(index)  # so it opens the next paragraph of the open one
                        continue
                elif not opens and _apostrophe(text, index) and _open(open_marks, kind) <= after:
                    continue  # no ‘ needs it to close (A‘B’A), so ’ between letters is an apostrophe (don’t)
            elif index in straight:
                kind = _STRAIGHT[char]
                opens = all(open_kind != kind for open_kind, _ in open_marks)  # a straight mark closes the open one
            else:
                continue
            if opens:
                open_marks.append((kind, [index]))
                continue
            for n in range(len(open_marks) - 1, -1, -1):
                if open_marks[n][0] == kind:
                    quotations.append([*open_marks[n][1], index])
                    del open_marks[n:]
                    break
        start += len(line)
    return [marks for marks in quotations if text[marks[0]] in _CURLY or _touches_chinese(text, marks[0], marks[-1])]


def _straight_marks(line: str, start: int) -> set[int]:
    """The straight quotes of ``line`` (which starts at ``start``) that may pair: each kind only when the line
    holds an even number of it, apostrophes apart; one odd mark (5'10", a quote the speaker never closed) would
    otherwise shift every later pair, so then the line's marks of that kind stay as typed."""
    marks: set[int] = set()
    for char in _STRAIGHT:
        found = [start + n for n, c in enumerate(line) if c == char and not _apostrophe(line, n)]
        if len(found) % 2 == 0:
            marks.update(found)
    return marks


def _closable(text: str) -> dict[str, list[int]]:
    """For each curly kind and index, how many marks of that kind opened before the index the marks from it on
    can close. A ’ between letters counts as neither: whether it closes is what this is asked to decide."""
    closable = {kind: [0] * (len(text) + 1) for kind, _ in _CURLY.values()}
    for index in range(len(text) - 1, -1, -1):
        for kind, counts in closable.items():
            step = 0
            if text[index] in _CURLY and _CURLY[text[index]][0] == kind:
                step = 1 if _CURLY[text[index]][1] else -(not _apostrophe(text, index))
            counts[index] = max(0, counts[index + 1] - step)
    return closable


def _open(open_marks: list[tuple[str, list[int]]], kind: str) -> int:
    return sum(open_kind == kind for open_kind, _ in open_marks)


def _apostrophe(text: str, index: int) -> bool:
    """’ or ' between two letters or digits of an alphabet reads as an apostrophe (don’t, O'Brien, 5'10)."""
    return (
        text[index] in "’'"
        and 0 < index < len(text) - 1
        and all(char.isalnum() and not _wide(char) for char in (text[index - 1], text[index + 1]))
    )


def _touches_chinese(text: str, start: int, end: int) -> bool:
    """Do straight quotes at ``start`` and ``end`` quote Chinese, or stand right next to it (说"OK"就走了)?"""
    around = text[start - 1 : start] + text[end + 1 : end + 2]
    return any(map(_wide, text[start + 1 : end] + around))


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")
