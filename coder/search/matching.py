"""How a search text is found in a text: as one substring, or as any of its words.

* **substring** (``match="substring"``): the text as typed (NFC, trimmed), anywhere — 考核 inside 考核办法 too.
* **any word** (``match="words"``): the text cut into words by the project's tagger tokenizer (the one
  coder.analysis.words counts with: jieba with every codebook term kept whole), and a place counts where one
  of those words is a whole token of the text — 考核排名 finds 考核 or 排名, never 考核 inside 考核办法 (one
  token) nor 名次 inside 排名次序. Tokens without a Han character, a letter or a digit (punctuation, spaces)
  are no words.

Latin letters match in either case where lower-casing keeps a text's length (offsets must stay the stored
text's); a text whose length it would change is compared as stored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

MATCHES = ("substring", "words")
_WORDY = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134fA-Za-z0-9]")

Tokenize = Callable[[str], list[str]]


class Matcher:
    """Finds one search text in texts; ``words`` are what is looked for (empty: nothing is)."""

    def __init__(self, text: str, match: str = "substring", tokenize: Tokenize | None = None) -> None:
        text = unicodedata.normalize("NFC", text or "").strip()
        self.match = match
        self._tokenize = tokenize
        if not text:
            self.words: list[str] = []
        elif match == "words":
            if tokenize is None:
                raise ValueError("an any-word search needs the tagger's tokenizer")
            self.words = list(dict.fromkeys(w.lower() for w in tokenize(text) if _WORDY.search(w)))
        else:
            self.words = [text.lower()]
        self._wanted = set(self.words)

    def __bool__(self) -> bool:
        return bool(self.words)

    def may_contain(self, text: str) -> bool:
        """Whether ``text`` holds one of the words as a substring (cheap; :meth:`find` decides)."""
        folded = _folded(text)
        return any(word in folded for word in self.words)

    def find(self, text: str) -> list[tuple[int, int]]:
        """Where the search text is found in ``text``: non-overlapping ``(start, end)`` offsets, in order."""
        folded = _folded(text)
        if not any(word in folded for word in self.words):
            return []
        if self.match != "words":
            word, found, at = self.words[0], [], folded.find(self.words[0])
            while at >= 0:
                found.append((at, at + len(word)))
                at = folded.find(word, at + len(word))
            return found
        found, at = [], 0
        for token in self._tokenize(text):
            if token.lower() in self._wanted:
                found.append((at, at + len(token)))
            at += len(token)
        return found

    def matches(self, text: str) -> bool:
        return bool(self.find(text))


def _folded(text: str) -> str:
    lower = text.lower()
    return lower if len(lower) == len(text) else text
