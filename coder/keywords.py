"""Propose new include terms for a code from the quotes people coded with it.

TF-IDF against the project's own corpus: a word scores high when it recurs in the code's accepted
and manual quotes but is rare across all sentences of all sources. Words the codebook already lists
(for any code), interview filler and one-character words are left out.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from sqlmodel import Session, select

from coder import known, rounds
from coder.db.models import EVIDENCE, Code, Coding, Segment, Source
from coder.errors import QcoderError
from coder.tagging import tagger_for

STOP_WORDS = frozenset(
    [
        "受访者",
        "访谈者",
        "访谈",
        "研究者",
        "我们",
        "你们",
        "他们",
        "她们",
        "它们",
        "这个",
        "那个",
        "这些",
        "那些",
        "就是",
        "然后",
        "还是",
        "但是",
        "所以",
        "因为",
        "如果",
        "而且",
        "或者",
        "已经",
        "可以",
        "没有",
        "一个",
        "一些",
        "什么",
        "怎么",
        "这样",
        "那样",
        "时候",
        "现在",
        "以前",
        "觉得",
        "知道",
        "其实",
        "反正",
        "比如",
        "可能",
        "应该",
        "自己",
        "大家",
        "不是",
        "还有",
        "这里",
        "那里",
        "对吧",
        "是吧",
        "嗯嗯",
        "的话",
        "一下",
        "一点",
        "有点",
        "东西",
        "事情",
        "问题",
        "方面",
        "工作",
        "进行",
    ]
)
_WORD = re.compile(r"^[\u4e00-\u9fff]{2,8}$")


def propose(session: Session, code_id: str, top: int = 20, viewer: str | None = None) -> list[dict]:
    """Candidate keywords for ``code_id`` with their TF-IDF score and counts, learnt from the codings
    ``viewer`` may see (in an open round the others' quotes would show through the words)."""
    known.code(session, code_id)
    tagger = tagger_for(session)
    texts = dict(session.exec(select(Source.id, Source.text)).all())
    coded = select(Coding.source_id, Coding.start, Coding.end).where(
        Coding.code_id == code_id, Coding.status.in_(EVIDENCE)
    )
    if (blind := rounds.visible(session, viewer)) is not None:
        coded = coded.where(blind)
    quotes = [texts[source][start:end] for source, start, end in session.exec(coded).all()]
    if not quotes:
        raise QcoderError(
            f"编码 {code_id} 还没有已接受或手工的编码，无从提取关键词",
            f"code {code_id} has no accepted or manual codings to learn keywords from",
        )
    terms_in_use = {term for code in session.exec(select(Code)).all() for term in code.keywords}
    sentences = session.exec(
        select(Segment.source_id, Segment.start, Segment.end).where(Segment.kind == "sentence")
    ).all()
    document_frequency: Counter[str] = Counter()
    for source, start, end in sentences:
        document_frequency.update(set(_words(tagger, texts[source][start:end])))
    in_code: Counter[str] = Counter(word for quote in quotes for word in _words(tagger, quote))
    candidates = [
        {
            "term": word,
            "score": round(count * math.log((1 + len(sentences)) / (1 + document_frequency[word])), 4),
            "in_code": count,
            "sentences_in_corpus": document_frequency[word],
        }
        for word, count in in_code.items()
        if word not in terms_in_use and word not in STOP_WORDS
    ]
    return sorted(candidates, key=lambda c: (-c["score"], c["term"]))[:top]


def _words(tagger, text: str) -> list[str]:
    return [w for w in tagger.words(text) if _WORD.match(w)]
