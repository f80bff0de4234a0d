"""Masking confirmed names in text that leaves qcoder, never in the stored text.

Rules, each with a reason:

* **Longer names win** (欧阳明 over 欧阳, 石桥镇人民政府 over 石桥镇): one Aho-Corasick pass finds every
  entry in the text, and overlapping mentions are taken longest first, then leftmost.
* **Words, not substrings**, as the tagger reads them (:mod:`coder.tagger`): a mention counts only where a
  private jieba tokenizer, told every entry, puts word boundaries at both of its ends — so an entry 张力 is
  left alone inside 扩张力度 (扩张 / 力度), while 马书记 in 马书记说 is masked.
* **A mention is masked whole**: a quote that begins or ends inside a name shows the whole replacement, never
  the part of the name it holds (what is read is the quote; what identifies is the name).
* **One person, one replacement**: every entry maps to one replacement, in every output.
"""

from __future__ import annotations

import bisect
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# jieba cuts runs of Han and alphanumeric characters; punctuation and spaces split its input first.
_RUN = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffffA-Za-z0-9]+")
_CACHED_TEXTS = 512  # whole texts whose mentions a masker keeps: an output reads each source many times
_CACHED_LENGTH = 500  # characters: shorter strings (citations, cells, labels) are cheaper to read again


@dataclass(frozen=True)
class Entry:
    """One confirmed mention and what is printed instead."""

    text: str
    replacement: str
    kind: str = "person"
    # Masked wherever it stands, word boundary or not: an interviewee's own name (王刚才来过 is 王刚's).
    anywhere: bool = False
    # Boundaries read as jieba's own dictionary cuts the text, not one told this entry: for forms nobody
    # confirmed (an interviewee's 区书记 must not win 老区书记 from 老区).
    strict: bool = False


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    entry: Entry


class Masker:
    """Finds and replaces a project's confirmed entries; build one per output (about 10 ms, and 0.7 s once per
    process for jieba's dictionary). A text's mentions are found once, in the whole text, and kept: every
    quote of a source is then masked from them (a long transcript is cut by jieba once, not once a quote)."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        import ahocorasick

        self.entries = {e.text: e for e in entries if e.text}
        self._automaton: Any = ahocorasick.Automaton()
        for text, entry in self.entries.items():
            self._automaton.add_word(text, entry)
        if self.entries:
            self._automaton.make_automaton()
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self._found: OrderedDict[str, tuple[list[Mention], list[int]]] = OrderedDict()

    def __bool__(self) -> bool:
        return bool(self.entries)

    def mentions(self, text: str) -> list[Mention]:
        """Every mention in ``text`` the rules above keep, in order."""
        return self._kept(text)[0]

    def mask(self, text: str) -> str:
        """``text`` with every mention replaced."""
        return self.mask_span(text, 0, len(text))

    def mask_span(self, text: str, start: int, end: int) -> str:
        """``text[start:end]`` masked, read in its whole text: a mention crossing either edge is replaced whole."""
        if start >= end:
            return ""
        out, at = [], start
        for mention in self.touching(text, start, end):
            out.append(text[at : max(at, mention.start)])
            out.append(mention.entry.replacement)
            at = max(at, mention.end)
        out.append(text[at:end] if at < end else "")
        return "".join(out)

    def touching(self, text: str, start: int, end: int) -> list[Mention]:
        """The mentions of ``text`` that overlap ``text[start:end]``, in order."""
        mentions, ends = self._kept(text)
        chosen = []
        for mention in mentions[bisect.bisect_right(ends, start) :]:
            if mention.start >= end:
                break
            chosen.append(mention)
        return chosen

    def offsets(self, text: str) -> OffsetMap:
        """How offsets into ``text`` move once it is masked (for exports that carry positions, .qdpx)."""
        return OffsetMap(text, self.mentions(text))

    def _kept(self, text: str) -> tuple[list[Mention], list[int]]:
        """A text's mentions and their ends; a long text's are kept, the least recently read evicted first
        (an export reads quotes code by code, its sources interleaved; citations and cells are short)."""
        kept = self._found.get(text)
        if kept is not None:
            self._found.move_to_end(text)
            return kept
        mentions = self._find(text)
        kept = (mentions, [m.end for m in mentions])
        if len(text) >= _CACHED_LENGTH:
            self._found[text] = kept
            if len(self._found) > _CACHED_TEXTS:
                self._found.popitem(last=False)
        return kept

    def _find(self, text: str) -> list[Mention]:
        if not self.entries:
            return []
        found = [Mention(end + 1 - len(entry.text), end + 1, entry) for end, entry in self._automaton.iter(text)]
        found.sort(key=lambda m: (-(m.end - m.start), m.start))
        runs = _Runs(text, self._cut)
        covered = bytearray(len(text))  # characters a longer mention took already
        taken: list[Mention] = []
        for mention in found:
            if any(covered[mention.start : mention.end]):
                continue
            if mention.entry.anywhere or runs.bound(mention):
                taken.append(mention)
                covered[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)
        return sorted(taken, key=lambda m: m.start)

    def _cut(self, run: str) -> list[str]:
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    self._tokenizer = _tokenizer_knowing(self.entries)
        return self._tokenizer.lcut(run, HMM=True)


class _Runs:
    """The runs of word characters of one text and where jieba cuts them, each run cut once: a mention
    counts where it starts and ends on a cut (or on punctuation and spaces, which split jieba's input)."""

    def __init__(self, text: str, cut: Callable[[str], list[str]]) -> None:
        self.text, self._cut = text, cut
        self._spans = [(m.start(), m.end()) for m in _RUN.finditer(text)]
        self._starts = [s for s, _ in self._spans]
        self._cuts: dict[tuple[int, bool], set[int]] = {}

    def bound(self, mention: Mention) -> bool:
        """Whether ``mention`` starts and ends on word boundaries. A strict entry's start is read by jieba's
        own dictionary (老区书记 is 老区 | 书记: no 区书记 there), its end by the tokenizer told every entry, as
        any entry's: jieba's dictionary alone reads 老陈说 as 老 | 陈说, and 老陈 must be found there."""
        return self.cut_at(mention.start, mention.entry.strict, ends=False) and self.cut_at(
            mention.end, False, ends=True
        )

    def cut_at(self, offset: int, strict: bool, ends: bool) -> bool:
        """Whether a mention starting (``ends`` False) or ending at ``offset`` has a word boundary there."""
        inside = offset - 1 if ends else offset  # the character on the mention's side of the boundary
        i = bisect.bisect_right(self._starts, inside) - 1
        if i < 0 or not self._spans[i][0] <= inside < self._spans[i][1]:
            return True  # punctuation or a space is a boundary
        start, end = self._spans[i]
        if offset in (start, end):
            return True
        key = (start, strict)
        if key not in self._cuts:
            at, found = start, {start}
            for token in _base_cut(self.text[start:end]) if strict else self._cut(self.text[start:end]):
                at += len(token)
                found.add(at)
            self._cuts[key] = found
        return offset in self._cuts[key]


_base: Any = None
_base_lock = threading.Lock()


def dictionary_frequency(word: str) -> int:
    """How often jieba's own dictionary counts ``word`` (0 when it does not know it)."""
    return _loaded_base().FREQ.get(word, 0)


def _base_cut(run: str) -> list[str]:
    return _loaded_base().lcut(run, HMM=True)


def _loaded_base() -> Any:
    """jieba's dictionary, loaded once per process (0.7 s) into a tokenizer of qcoder's own."""
    import jieba

    global _base
    if _base is None:
        with _base_lock:
            if _base is None:
                jieba.setLogLevel(logging.WARNING)
                base = jieba.Tokenizer()
                base.initialize()
                _base = base
    return _base


def _tokenizer_knowing(words: Iterable[str]) -> Any:
    """A private jieba tokenizer (jieba's global one is shared by the whole server) that knows ``words``.
    Its dictionary is copied from the one loaded once per process: loading it costs 0.7 s, copying it 10 ms,
    and every export builds its own masker."""
    import jieba

    base = _loaded_base()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(base.FREQ), base.total, True
    for word in words:
        tokenizer.add_word(word, freq=max(tokenizer.suggest_freq(word), 1000))
    return tokenizer


class OffsetMap:
    """Offsets of a text before masking, mapped to the masked text. A position inside a mention maps to
    its replacement's start (or end, for an end offset), so a span never cuts a replacement."""

    def __init__(self, text: str, mentions: Sequence[Mention]) -> None:
        self.text = text
        self._starts = [m.start for m in mentions]
        self._mentions = list(mentions)
        shifts, shift = [], 0
        for m in mentions:
            shift += len(m.entry.replacement) - (m.end - m.start)
            shifts.append(shift)
        self._shifts = shifts

    @property
    def masked(self) -> str:
        out, at = [], 0
        for m in self._mentions:
            out += [self.text[at : m.start], m.entry.replacement]
            at = m.end
        return "".join([*out, self.text[at:]])

    def start(self, offset: int) -> int:
        return self._moved(offset, at_end=False)

    def end(self, offset: int) -> int:
        return self._moved(offset, at_end=True)

    def _moved(self, offset: int, at_end: bool) -> int:
        i = bisect.bisect_right(self._starts, offset) - 1  # the last mention starting at or before offset
        if i < 0:
            return offset
        m = self._mentions[i]
        before = self._shifts[i - 1] if i else 0
        if offset >= m.end:
            return offset + self._shifts[i]
        if offset == m.start:
            return m.start + before
        replaced_start = m.start + before
        return replaced_start + len(m.entry.replacement) if at_end else replaced_start
