"""Code suggestions from the codebook's keywords: explainable, scored, and cheap.

The unit is the **sentence** (see :mod:`coder.sources.segments`): a sentence is what a researcher quotes, and
speaker turns in interviews run long enough to mix several codes. Each suggestion names the code,
a score in [0, 1], the sentence's span, the matched terms with their offsets and the codebook version.

How a sentence is scored, and why each step is there:

1. **Candidates, character level.** One Aho-Corasick pass over the whole text finds every place a
   keyword or exclusion term occurs (pyahocorasick; millions of characters a second).
2. **Words, not substrings.** A candidate counts only where jieba's segmentation puts word boundaries
   at both of its ends, so 方阵 does not fire inside 地方阵地. Every term is registered in a *private*
   ``jieba.Tokenizer`` (never the process-global one, which other projects in the same server share).
   jieba segments each run of Han/alphanumeric characters on its own (punctuation splits its input
   first), so segmenting only the runs that hold a candidate gives exactly the tokens a full pass would
   — that is how tagging can cost less than segmenting the corpus.
3. **Weights.** A term's weight grows with its length (longer terms are more specific) and is divided
   among the codes that list it; once coders have accepted or rejected its suggestions, that history
   moves the weight (see :mod:`coder.priors`). Several matched terms combine as independent evidence:
   ``score = 1 - Π(1 - weight)``.
4. **Exclusion terms veto** their code's evidence in the same clause (between commas, colons …):
   a researcher lists 任前公示 under 结果运用公开化's exclusions because a clause about the notice before a
   promotion is not about publishing results, whatever else it says.
0. **What is not evidence is not scored**: the interviewer's own turns (问, 访谈者, 研究者 …: questions
   put to the informant) and headings of policy texts (（二）分类考核。 / 第四章　结果运用).
5. **Near negation** (没有 / 并非 / 不是 … in the few characters before a term, same clause) lowers that
   term's weight instead of removing it: “我们并没有搞一刀切” is still about one-size-fits-all.
"""

from __future__ import annotations

import bisect
import copy
import hashlib
import itertools
import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

import ahocorasick
import jieba

from coder.defaults import MIN_SCORE
from coder.priors import History, posterior
from coder.sources.segments import Span, segment

jieba.setLogLevel(logging.WARNING)

# Bump when scoring changes: every code's fingerprint changes with it, so `qcoder tag` re-tags.
SCORING_VERSION = "1"
NEGATION_FACTOR = 0.7
NEGATORS = ("并没有", "没有", "并非", "不是", "并不", "从未", "不再", "没", "未", "不", "别", "非")
NEGATION_WINDOW = 3  # characters between a negator's end and the term
_RUN = re.compile(jieba.re_han_default.pattern)  # what jieba segments as one unit
_CLAUSE_BREAK = re.compile(r"[，,、：:；;]")
INTERVIEWER = re.compile(r"^(问|Q|访谈者.*|研究者.*|主持人)$")
_HEADING = re.compile(
    r"^(第[一二三四五六七八九十百零〇\d]+[章节条]|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、)"
)


class CodeTerms(Protocol):
    """What the tagger needs of a code (both codebook.CodeSpec and db Code rows fit)."""

    id: str
    keywords: list[str]
    exclude: list[str]


@dataclass(frozen=True)
class Match:
    term: str
    start: int
    end: int
    weight: float
    negated: bool = False

    def as_dict(self) -> dict:
        return {"term": self.term, "start": self.start, "end": self.end, "negated": self.negated}


@dataclass
class Suggestion:
    code: str
    score: float
    start: int
    end: int
    terms: list[Match] = field(default_factory=list)
    codebook_version: str | None = None

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "score": round(self.score, 4),
            "start": self.start,
            "end": self.end,
            "terms": [m.as_dict() for m in self.terms],
            "codebook_version": self.codebook_version,
        }


def term_weight(term: str) -> float:
    """Longer terms say more: 2 characters 0.45, 3 → 0.55, 4 and more → 0.65."""
    return {1: 0.3, 2: 0.45, 3: 0.55}.get(len(term), 0.65)


class Tagger:
    """Suggests codes for sentences; build one per codebook version and reuse it."""

    def __init__(self, codes: Iterable[CodeTerms], version: str | None = None, min_score: float = MIN_SCORE) -> None:
        self.version = version
        self.min_score = min_score
        self.include: dict[str, list[str]] = defaultdict(list)
        self.exclude: dict[str, list[str]] = defaultdict(list)
        for code in codes:
            for term in code.keywords:
                self.include[term].append(code.id)
            for term in code.exclude:
                self.exclude[term].append(code.id)
        self.codes = sorted({c for ids in [*self.include.values(), *self.exclude.values()] for c in ids})
        self._automaton = ahocorasick.Automaton()
        for term in {*self.include, *self.exclude}:
            self._automaton.add_word(term, term)
        if len(self._automaton):
            self._automaton.make_automaton()
        self._tokenizer = jieba.Tokenizer()
        for term in sorted({*self.include, *self.exclude}):
            # A high frequency makes jieba keep the term whole against neighbouring dictionary words.
            self._tokenizer.add_word(term, freq=max(self._tokenizer.suggest_freq(term), 1000))
        self._boundaries = lru_cache(maxsize=65536)(self._run_boundaries)
        self.priors: dict[tuple[str, str], History] = {}

    def with_priors(self, priors: dict[tuple[str, str], History]) -> Tagger:
        """The same tagger (sharing its dictionary) with term weights moved by the coders' decisions."""
        learned = copy.copy(self)
        learned.priors = priors
        return learned

    def fingerprints(self) -> dict[str, str]:
        """Per code, a hash of what decides its suggestions: its terms with their weights, and every other
        code's term that shares a character with them (adding 第一方阵 anywhere changes whether 方阵
        is a word in 第一方阵). A term without a shared character can still, rarely, move jieba's
        boundaries elsewhere in a run: ``qcoder tag --force`` re-tags everything when that matters."""
        every = sorted({*self.include, *self.exclude})
        prints = {}
        for code in self.codes:
            own = sorted(
                [(t, "+", self.weight(code, t)) for t, ids in self.include.items() if code in ids]
                + [(t, "-", 0.0) for t, ids in self.exclude.items() if code in ids]
            )
            characters = {ch for term, _, _ in own for ch in term}
            nearby = [t for t in every if characters & set(t)]
            payload = json.dumps([SCORING_VERSION, self.min_score, own, nearby], ensure_ascii=False)
            prints[code] = hashlib.sha256(payload.encode()).hexdigest()[:16]
        return prints

    def words(self, text: str) -> list[str]:
        """jieba tokens of ``text`` with the codebook's terms kept whole."""
        return self._tokenizer.lcut(text, HMM=True)

    def base_weight(self, term: str) -> float:
        """The codebook's own weight for a term: by its length, shared among the codes that list it."""
        return term_weight(term) / len(self.include[term])

    def weight(self, code: str, term: str) -> float:
        """The term's weight for ``code``, after the coders' decisions on its suggestions there."""
        history = self.priors.get((code, term))
        return posterior(self.base_weight(term), history) if history else self.base_weight(term)

    def suggest(
        self, text: str, sentences: Sequence[Span] | None = None, min_score: float | None = None
    ) -> list[Suggestion]:
        """Suggestions for every sentence of ``text`` (sentences are computed when not given), from
        ``min_score`` (the tagger's own threshold unless given)."""
        if sentences is None:
            sentences = [s for s in segment(text, "interview") if s.kind == "sentence"]
        starts = [s.start for s in sentences]
        per_sentence: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
        if len(self._automaton):
            for last, term in self._automaton.iter(text):
                start = last - len(term) + 1
                index = bisect.bisect_right(starts, start) - 1
                if index >= 0 and last < sentences[index].end:
                    per_sentence[index].append((term, start, last + 1))
        found = []
        for index, candidates in sorted(per_sentence.items()):
            if is_evidence(text, sentences[index]):
                found.extend(self._score(text, sentences[index], candidates, min_score))
        return found

    def _score(
        self, text: str, sentence: Span, candidates: list[tuple[str, int, int]], min_score: float | None
    ) -> list[Suggestion]:
        runs = [(m.start(), m.end()) for m in _RUN.finditer(text, sentence.start, sentence.end)]
        words = [(term, start, end) for term, start, end in candidates if self._is_word(text, runs, start, end)]
        vetoed = {
            (code, _clause(text, sentence, start)) for term, start, _ in words for code in self.exclude.get(term, ())
        }
        matches: dict[str, list[Match]] = defaultdict(list)
        for term, start, end in words:
            negated = self._negated(text, runs, start)
            for code in self.include.get(term, ()):
                if (code, _clause(text, sentence, start)) in vetoed:
                    continue
                weight = self.weight(code, term) * (NEGATION_FACTOR if negated else 1.0)
                matches[code].append(Match(term, start, end, weight, negated))
        suggestions = []
        for code, found in matches.items():
            strongest = {}
            for match in found:  # a term repeated in one sentence is one piece of evidence
                if match.term not in strongest or match.weight > strongest[match.term].weight:
                    strongest[match.term] = match
            remaining = 1.0
            for match in strongest.values():
                remaining *= 1.0 - match.weight
            score = 1.0 - remaining
            if score >= (self.min_score if min_score is None else min_score) and score > 0:
                suggestions.append(
                    Suggestion(
                        code, score, sentence.start, sentence.end, sorted(found, key=lambda m: m.start), self.version
                    )
                )
        return sorted(suggestions, key=lambda s: -s.score)

    def _is_word(self, text: str, runs: list[tuple[int, int]], start: int, end: int) -> bool:
        """True when jieba puts token boundaries at both ends of text[start:end].

        ``runs`` are the sentence's stretches of characters that jieba segments as one piece.
        """
        index = bisect.bisect_right(runs, (start, len(text))) - 1
        if index < 0 or runs[index][1] < end:
            return False  # the term crosses punctuation or white space: not one word
        run_start, run_end = runs[index]
        cuts = self._boundaries(text[run_start:run_end])
        return (start - run_start) in cuts and (end - run_start) in cuts

    def _run_boundaries(self, run: str) -> frozenset[int]:
        cuts = {0}
        position = 0
        for token in self._tokenizer.cut(run, HMM=True):
            position += len(token)
            cuts.add(position)
        return frozenset(cuts)

    def _negated(self, text: str, runs: list[tuple[int, int]], term_start: int) -> bool:
        """A negator *word* ends at most NEGATION_WINDOW characters before the term, in the same run
        (punctuation ends a run, so the same clause): 不 in 不搞 counts, 非常 and 不断 do not."""
        run_start, run_end = runs[bisect.bisect_right(runs, (term_start, len(text))) - 1]
        cuts = sorted(self._boundaries(text[run_start:run_end]))
        position = term_start - run_start
        return any(
            text[run_start + a : run_start + b] in NEGATORS
            for a, b in itertools.pairwise(cuts)
            if position - NEGATION_WINDOW <= b <= position
        )


def is_evidence(text: str, sentence: Span) -> bool:
    """False for an interviewer's turn and for a heading: a short numbered sentence opening its line,
    alone (第四章　结果运用) or run in before the provision's text (（二）分类考核。按照……)."""
    if sentence.speaker and INTERVIEWER.match(sentence.speaker):
        return False
    opens_line = text[text.rfind("\n", 0, sentence.start) + 1 : sentence.start].strip() == ""
    piece = text[sentence.start : sentence.end]
    return not (opens_line and len(piece) <= 16 and _HEADING.match(piece))


def _clause(text: str, sentence: Span, position: int) -> int:
    """The start of the clause (comma, colon or semicolon delimited) that holds ``position``."""
    before = text[sentence.start : position]
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(before)]
    return sentence.start + (breaks[-1] if breaks else 0)
