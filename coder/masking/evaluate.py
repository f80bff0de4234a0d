"""How well masking hides the names in a set of passages marked by hand, and how well the candidates find them.

A passage is a few sentences of transcript, policy or press wording with every mention a careful researcher
would mask listed (``names``), the false friends that must come out unchanged (``keep``: 马上, 高度, 村口那座
石桥, 小区 …), for some a coded quote whose edge cuts through a name (``quote``), and for some the
interviewee it is from (``interviewee``: name and initials, as the participant table holds them). Four scores:

* **confirmed entries in outputs, one passage at a time** — each passage masked with its own names as
  confirmed entries (default replacements) and its interviewee's derived entries (their name and surname
  forms, :func:`coder.masking.store.participant_entries_of`, standing in for a listed name of the same text:
  an interviewee needs no entry), as an export would print it, and each quote masked as a quote export
  would: every listed name still readable in an output is a miss (the target is none: a confirmed name never
  leaves qcoder), and every keep-word the masker touched is a mistake of the other kind;
* **confirmed entries in outputs, one masker for the project** — the same, with every passage's names and
  every interviewee's derived entries in one masker, as a real project has one list for all its texts: a
  name of one passage can now change a false friend of another (张力 the person in p19, 张力 the word in
  p18). This is the realistic score; the one-passage score is kept beside it because it tells a rule's
  failure (seen in both) from a collision between passages (seen only here);
* **derived forms** — each passage with an interviewee masked by that interviewee's derived entries alone,
  against the listed person names holding their surname (at the start, or after 老/小): what the participant
  table hides with nobody confirming anything, and which false friends it touches;
* **candidates** — :func:`coder.masking.candidates.candidates` run over all passages, its proposals compared
  with each passage's names: precision, recall and F1, overall and per kind, with the proposals wrong and the
  names missed (the interviewee field plays no part in it).

Run it with ``python -m coder.masking.evaluate tests/data/masking_passages.yaml`` (``--json`` for the counts
and every mistake). The passages live with the tests, not here: this module only reads and scores.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from coder.errors import QcoderError
from coder.masking.rules import KINDS, PREFIXES, default_replacement
from coder.sources.ids import split_name

if TYPE_CHECKING:
    from coder.masking.apply import Entry, Masker


@dataclass(frozen=True)
class Name:
    text: str
    kind: str


@dataclass(frozen=True)
class Interviewee:
    """What :func:`coder.masking.store.participant_entries_of` reads of a participant."""

    name: str
    initials: str


@dataclass(frozen=True)
class Passage:
    id: str
    text: str
    names: tuple[Name, ...]
    keep: tuple[str, ...] = ()
    quote: tuple[int, int] | None = None
    interviewee: Interviewee | None = None


def load(path: Path) -> list[Passage]:
    """The passages of a YAML file (see tests/data/masking_passages.yaml for the layout), checked: a name or a
    keep-word not in its text, or a quote that cuts no name, is a mistake in the set, not a score."""
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["passages"]
    passages, seen = [], set()
    for number, entry in enumerate(entries, 1):
        pid, text = str(entry.get("id", number)), entry.get("text") or ""
        where_zh, where_en = f"{path} 第 {number} 段（{pid}）", f"{path} passage {number} ({pid})"
        if pid in seen:
            raise QcoderError(f"{where_zh}：编号重复", f"{where_en}: the id is used twice")
        seen.add(pid)
        names = tuple(Name(str(n["text"]), n.get("kind", "")) for n in entry.get("names") or [])
        for name in names:
            if name.kind not in KINDS:
                raise QcoderError(
                    f"{where_zh}：“{name.text}”的类别“{name.kind}”应为 {'、'.join(KINDS)} 之一",
                    f"{where_en}: kind '{name.kind}' of '{name.text}' must be one of {', '.join(KINDS)}",
                )
        keep = tuple(str(k) for k in entry.get("keep") or [])
        for word in [n.text for n in names] + list(keep):
            if not word or word not in text:
                raise QcoderError(f"{where_zh}：“{word}”不在文本中", f"{where_en}: '{word}' is not in the text")
        quote = (int(entry["quote"][0]), int(entry["quote"][1])) if entry.get("quote") is not None else None
        if quote is not None:
            start, end = quote
            if not 0 <= start < end <= len(text) or not _cut_names(text, names, start, end):
                raise QcoderError(
                    f"{where_zh}：引文 [{start}, {end}] 应在文本之内并切开一个所列名称",
                    f"{where_en}: quote [{start}, {end}] must lie in the text and cut through a listed name",
                )
        interviewee = None
        if entry.get("interviewee") is not None:
            person = entry["interviewee"]
            if not isinstance(person, dict) or not str(person.get("name") or "").strip() or not person.get("initials"):
                raise QcoderError(
                    f"{where_zh}：受访者应写作 {{name: 姓名, initials: 首字母}}",
                    f"{where_en}: an interviewee is written {{name: NAME, initials: INITIALS}}",
                )
            interviewee = Interviewee(str(person["name"]).strip(), str(person["initials"]).strip())
        passages.append(Passage(pid, text, names, keep, quote, interviewee))
    return passages


def _occurrences(text: str, word: str) -> Iterator[tuple[int, int]]:
    at = text.find(word)
    while at >= 0:
        yield at, at + len(word)
        at = text.find(word, at + 1)


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e and (s, e) != span for s, e in spans)


def _spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    return [span for word in words for span in _occurrences(text, word)]


def _cut_names(text: str, names: tuple[Name, ...], start: int, end: int) -> list[tuple[int, int, str]]:
    """Occurrences of listed names that a quote [start, end) cuts through, with the part the quote holds."""
    cut = []
    for name in names:
        for s, e in _occurrences(text, name.text):
            if s < start < e:
                cut.append((s, e, text[start:e]))
            if s < end < e:
                cut.append((s, e, text[s:end]))
    return cut


def _visible(output: str, passage: Passage) -> list[str]:
    """Listed names readable in ``output``; one inside a keep-word (张力 in 扩张力度) is that word, not the name."""
    keep = _spans(output, list(passage.keep))
    return [
        name.text
        for name in passage.names
        for span in _occurrences(output, name.text)
        if not any(s <= span[0] and span[1] <= e and len(output[s:e]) > len(name.text) for s, e in keep)
    ]


def _mentions(text: str, passage: Passage) -> int:
    """How many name mentions ``text`` holds: an occurrence inside a longer listed name (欧阳 in 欧阳明) or
    inside a keep-word (张力 in 扩张力度) is not one of its own."""
    names = _spans(text, [n.text for n in passage.names])
    keep = [s for s in _spans(text, list(passage.keep)) if not _inside(s, names)]
    return sum(1 for span in names if not _inside(span, names) and not _inside(span, keep))


def derived_entries(interviewee: Interviewee | None) -> list[Entry]:
    """An interviewee's entries as a project's masker gets them from the participant table."""
    from coder.masking.store import participant_entries_of

    return participant_entries_of(interviewee) if interviewee is not None else []


def _listed(passage: Passage) -> list[Entry]:
    from coder.masking.apply import Entry

    return [Entry(n.text, default_replacement(n.kind, n.text), n.kind) for n in passage.names]


def _one_masker(entries: list[Entry], derived: list[Entry]) -> Masker:
    """A masker of ``entries`` and ``derived``: a listed name an interviewee's entry has already is theirs (no
    one adds an interviewee's name or surname form to the list), and the first listing of a text wins."""
    from coder.masking.apply import Masker

    chosen = {e.text: e for e in reversed(derived)}
    for entry in entries:
        chosen.setdefault(entry.text, entry)
    return Masker(chosen.values())


def interviewee_forms(passage: Passage) -> tuple[Name, ...]:
    """The listed names of ``passage`` that are its interviewee's: their name, and every person name holding
    their surname at its start or after 老/小 (a set puts no one else of that surname in such a passage)."""
    if passage.interviewee is None:
        return ()
    surname, _ = split_name(passage.interviewee.name)
    return tuple(
        n
        for n in passage.names
        if n.kind == "person"
        and (n.text.startswith(surname) or (n.text[:1] in PREFIXES and n.text[1:].startswith(surname)))
    )


def confirmed(passages: list[Passage], project: bool = False) -> dict[str, Any]:
    """Every passage's names as confirmed entries and its interviewee's derived ones, in a masker of the
    passage's own (or, ``project``, in one masker of every passage's): mentions counted, names still visible in
    an output and keep-words the masker changed listed, and each masked quote (by passage id) to read. With
    ``project``, the texts listed in two passages with different kinds are listed too (the first one wins)."""
    if not project:
        return _outputs(passages, lambda p: _one_masker(_listed(p), derived_entries(p.interviewee)))
    listed = [e for p in passages for e in _listed(p)]
    derived = [e for p in passages for e in derived_entries(p.interviewee)]
    masker = _one_masker(listed, derived)
    result = _outputs(passages, lambda p: masker)
    kinds: dict[str, set[str]] = {}
    for entry in listed:
        kinds.setdefault(entry.text, set()).add(entry.kind)
    result["entries"] = len(masker.entries)
    result["conflicts"] = sorted(text for text, seen in kinds.items() if len(seen) > 1)
    return result


def derived(passages: list[Passage]) -> dict[str, Any]:
    """Each passage with an interviewee masked by their derived entries alone, scored against their forms
    (:func:`interviewee_forms`): what the participant table hides with no entry confirmed."""
    scored = [replace(p, names=interviewee_forms(p)) for p in passages if p.interviewee is not None]
    result = _outputs(scored, lambda p: _one_masker([], derived_entries(p.interviewee)))
    result["passages"] = len(scored)
    return result


def _outputs(passages: list[Passage], masker_of: Callable[[Passage], Masker]) -> dict[str, Any]:
    mentions, missed, changed, quotes = 0, [], [], {}
    for passage in passages:
        masker = masker_of(passage)
        moved = masker.offsets(passage.text)
        masked = moved.masked
        mentions += _mentions(passage.text, passage)
        missed += [{"passage": passage.id, "name": name, "output": masked} for name in _visible(masked, passage)]
        names = _spans(passage.text, [n.text for n in passage.names])
        for word in passage.keep:
            for start, end in _occurrences(passage.text, word):
                if _inside((start, end), names):
                    continue  # 石桥 in 石桥镇 goes with the name
                shown = masked[moved.start(start) : moved.end(end)]
                if shown != word:
                    changed.append({"passage": passage.id, "keep": word, "shown": shown, "output": masked})
        if passage.quote is not None:
            start, end = passage.quote
            quoted = quotes[passage.id] = masker.mask_span(passage.text, start, end)
            cut = _cut_names(passage.text, passage.names, start, end)
            # the quote's own mentions: those wholly inside it and those it cuts through
            mentions += _mentions(passage.text[start:end], passage) + len({(s, e) for s, e, _ in cut})
            missed += [{"passage": passage.id, "name": name, "output": quoted} for name in _visible(quoted, passage)]
            for s, e, part in cut:
                leaked = quoted.startswith(part) if s < start else quoted.endswith(part)
                if leaked:
                    missed.append({"passage": passage.id, "name": passage.text[s:e], "part": part, "output": quoted})
    recall = round(1 - len(missed) / mentions, 3) if mentions else None
    return {
        "mentions": mentions,
        "visible": len(missed),
        "recall": recall,
        "missed": missed,
        "changed": changed,
        "quotes": quotes,
    }


def _rates(c: dict[str, Any]) -> dict[str, Any]:
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else None
    return {
        **c,
        **{
            k: round(v, 3) if v is not None else None
            for k, v in (("precision", precision), ("recall", recall), ("f1", f1))
        },
    }


def candidate_scores(passages: list[Passage]) -> dict[str, Any]:
    """The candidates over all passages against each passage's names. A proposal equal to a listed name of
    its passage is right whatever kind it says (the kinds it gets wrong are listed); a TP and an FN count
    under the listed kind, an FP under the kind proposed."""
    from coder.masking.candidates import candidates

    proposed: dict[str, dict[str, str]] = {p.id: {} for p in passages}
    for candidate in candidates((p.id, p.text) for p in passages):
        for source in candidate.sources:
            proposed[source][candidate.text] = candidate.kind
    counts = {kind: {"tp": 0, "fp": 0, "fn": 0} for kind in KINDS}
    fps, fns, kinds = [], [], []
    for passage in passages:
        truth = {n.text: n.kind for n in passage.names}
        for text, kind in sorted(proposed[passage.id].items()):
            if text in truth:
                counts[truth[text]]["tp"] += 1
                if kind != truth[text]:
                    kinds.append({"passage": passage.id, "text": text, "kind": truth[text], "proposed": kind})
            else:
                counts[kind]["fp"] += 1
                fps.append({"passage": passage.id, "text": text, "kind": kind})
        for text, kind in truth.items():
            if text not in proposed[passage.id]:
                counts[kind]["fn"] += 1
                fns.append({"passage": passage.id, "text": text, "kind": kind})
    total = {k: sum(c[k] for c in counts.values()) for k in ("tp", "fp", "fn")}
    return {
        "all": _rates(total),
        **{kind: _rates(c) for kind, c in counts.items()},
        "false_positives": fps,
        "false_negatives": fns,
        "wrong_kind": kinds,
    }


def score(passages: list[Passage]) -> dict[str, Any]:
    """Both scores of a set of passages (see the module docstring)."""
    return {
        "passages": len(passages),
        "names": sum(len(p.names) for p in passages),
        "interviewees": len({p.interviewee for p in passages if p.interviewee is not None}),
        "confirmed": confirmed(passages),
        "project": confirmed(passages, project=True),
        "derived": derived(passages),
        "candidates": candidate_scores(passages),
    }


def _show(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("passages", type=Path, nargs="+", help="YAML files of passages with their names marked")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    results = {str(path): score(load(path)) for path in options.passages}
    if options.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return
    for path, result in results.items():
        print(
            f"{path}: {result['passages']} passages, {result['names']} names listed, {result['interviewees']} interviewees"
        )
        for label, key in (
            ("confirmed entries in outputs, one passage at a time", "confirmed"),
            ("confirmed entries in outputs, one masker for the project", "project"),
            ("derived forms of the interviewees alone", "derived"),
        ):
            c = result[key]
            extra = f", {c['entries']} entries" if "entries" in c else ""
            extra += f", {c['passages']} passages" if "passages" in c else ""
            print(
                f"  {label}{extra}: recall {_show(c['recall'])} "
                f"({c['visible']} of {c['mentions']} mentions visible), keep-words changed {len(c['changed'])}"
            )
            for miss in c["missed"]:
                part = f" (part {miss['part']})" if "part" in miss else ""
                print(f"    {miss['passage']}: {miss['name']}{part} visible in “{miss['output']}”")
            for change in c["changed"]:
                print(f"    {change['passage']}: keep-word {change['keep']} shown as {change['shown']}")
            if c.get("conflicts"):
                print(f"    listed with two kinds (the first wins): {'，'.join(c['conflicts'])}")
        s = result["candidates"]
        print(f"  candidates  {'precision':>9} {'recall':>7} {'F1':>6} {'TP':>4} {'FP':>4} {'FN':>4}")
        for kind in ("all", *KINDS):
            k = s[kind]
            print(
                f"    {kind:<8}  {_show(k['precision']):>9} {_show(k['recall']):>7} {_show(k['f1']):>6}"
                f" {k['tp']:>4} {k['fp']:>4} {k['fn']:>4}"
            )
        for label, key in (("false positives", "false_positives"), ("false negatives", "false_negatives")):
            items = "，".join(f"{i['passage']} {i['text']}（{i['kind']}）" for i in s[key])
            print(f"  {label} ({len(s[key])}): {items or '—'}")
        if s["wrong_kind"]:
            items = "，".join(f"{i['passage']} {i['text']}（{i['kind']}→{i['proposed']}）" for i in s["wrong_kind"])
            print(f"  right text, wrong kind ({len(s['wrong_kind'])}): {items}")


if __name__ == "__main__":
    main()
