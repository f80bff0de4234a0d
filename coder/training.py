"""The learned suggester of a project: what it learns from, where its models live, when to retrain.

What counts as a label (the unit is the sentence, as for the tagger; see :mod:`coder.learned`):

* a sentence an accepted or manual coding covers is a **positive** for that code;
* a **rejected** suggestion is a negative for its code in its sentence, and only for that code;
* a source someone has coded (it holds an accepted or manual coding) and where no suggestion waits for
  a decision is taken as coded through: its other evidence sentences are negatives for every code they
  lack. Any other source contributes only its decisions, as partial labels.
* Sources of an open agreement round are left out, so a suggestion in a blind round never carries
  what another coder decided there.

Models are versioned folders ``suggester-0001``, ``suggester-0002`` … next to the project's SQLite file
(``db/models/qcoder/`` for the default ``db/qcoder.sqlite``), or under ``db/models/`` (or
``QCODER_MODELS_DIR``) for a PostgreSQL project; the database's ``suggester_model`` setting names the
one in use, so every process of a team server agrees on it. Nothing is sent anywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import time
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from coder import evaluation, learned, rounds
from coder.audit import coder_named, record
from coder.db import sqlite_file
from coder.db.engine import retrying
from coder.db.models import EVIDENCE, Code, Coding, Setting, Source
from coder.errors import QcoderError
from coder.sources.catalogue import sentences_of
from coder.tagger import MIN_SCORE, Tagger, is_evidence

SUGGESTERS = ("keywords", "combined")
MODEL_SETTING = "suggester_model"
MODE_SETTING = "suggester"
ATTEMPT_SETTING = "suggester_attempt"  # decisions counted when training last started
FAILURE_SETTING = "suggester_failure"
AUTO_SETTING = "suggester_auto"  # "off": the app does not retrain (and re-tag) in the background
RETRAIN_AFTER = 20  # new decisions before the app retrains in the background
KEEP_VERSIONS = 5


def models_dir(engine: Engine) -> Path:
    """Where this project's models are kept (see the module's docstring)."""
    url = engine.url
    configured = os.environ.get("QCODER_MODELS_DIR")
    database = sqlite_file.database_path(url) if url.get_backend_name() == "sqlite" else None
    if database is not None:
        database = database.resolve()
        if not configured:
            return database.parent / "models" / database.stem
        # One folder per database file, even for two files of the same name.
        return Path(configured) / f"{database.stem}-{hashlib.sha256(str(database).encode()).hexdigest()[:8]}"
    name = re.sub(r"[^\w.-]", "_", f"{url.get_backend_name()}-{url.host}-{url.port}-{url.database}")
    return Path(configured or "db/models") / name


def labels(session: Session) -> list[str]:
    """The codes a model can suggest: every code of the codebook (dimensions are not coded)."""
    return list(session.exec(select(Code.id).where(Code.parent_id.is_not(None)).order_by(Code.id)).all())


def decision_count(session: Session) -> int:
    """How many labels people have given: accepted, rejected and manual codings."""
    statuses = (*EVIDENCE, "rejected")
    return session.exec(select(func.count()).select_from(Coding).where(Coding.status.in_(statuses))).one()


def labelled_units(session: Session) -> tuple[list[learned.Labelled], dict[str, int]]:
    """The project's decisions as labelled sentences (rules in the module's docstring), and counts."""
    codes = set(labels(session))
    blind = rounds.blind_sources(session)
    rows = session.exec(
        select(Coding.source_id, Coding.code_id, Coding.start, Coding.end, Coding.status).where(
            Coding.status.in_((*EVIDENCE, "rejected", "suggested")), Coding.code_id.in_(codes)
        )
    ).all()
    by_source: dict[str, list] = defaultdict(list)
    for row in rows:
        if row.source_id not in blind:
            by_source[row.source_id].append(row)
    units: list[learned.Labelled] = []
    for source_id in sorted(by_source):
        text = session.exec(select(Source.text).where(Source.id == source_id)).one()
        sentences = sentences_of(session, source_id)
        cats: dict[int, dict[str, float]] = defaultdict(dict)
        decided = [row for row in by_source[source_id] if row.status != "suggested"]
        for row in sorted(decided, key=lambda r: r.status != "rejected"):  # positives win
            for index in evaluation.covered(sentences, row.start, row.end):
                cats[index][row.code_id] = 0.0 if row.status == "rejected" else 1.0
        if _coded_through(by_source[source_id]):
            for index, sentence in enumerate(sentences):
                if is_evidence(text, sentence):
                    cats[index] = {code: 0.0 for code in codes} | cats[index]
        units += [learned.Labelled(text[sentences[i].start : sentences[i].end], c) for i, c in sorted(cats.items())]
    counts = {
        "sources": sum(any(row.status != "suggested" for row in found) for found in by_source.values()),
        "units": len(units),
        "positives": sum(v == 1.0 for unit in units for v in unit.cats.values()),
        "negatives": sum(v == 0.0 for unit in units for v in unit.cats.values()),
    }
    return units, counts


def _coded_through(rows: list) -> bool:
    """Someone coded the source and no suggestion there waits for a decision: what is not coded is not there."""
    statuses = {row.status for row in rows}
    return bool(statuses & set(EVIDENCE)) and "suggested" not in statuses


def train(
    engine: Engine, tagger: Tagger, coder: str | None = None, progress: Callable[[int, int], None] | None = None
) -> dict:
    """Train a new model version from the project's decisions, store it and make it the one in use.

    The attempt is recorded first and a failure is kept (see :func:`last_failure`), so the app neither
    retries a training that cannot succeed after every decision nor fails silently."""
    with Session(engine) as session:
        units, counts = labelled_units(session)
        codes, decisions = labels(session), decision_count(session)
    retrying(engine, lambda session: _put(session, ATTEMPT_SETTING, str(decisions)))
    try:
        meta = _train(engine, tagger, units, counts, codes, decisions, progress)
    except (QcoderError, OSError) as exc:
        zh, en = getattr(exc, "zh", str(exc)), getattr(exc, "en", str(exc))
        retrying(engine, lambda session: _put(session, FAILURE_SETTING, json.dumps({"zh": zh, "en": en})))
        if isinstance(exc, QcoderError):
            raise
        raise QcoderError(f"模型未能保存：{exc}", f"the model could not be saved: {exc}") from None

    def use(session: Session) -> None:
        _put(session, MODEL_SETTING, meta["version"])
        _drop(session, FAILURE_SETTING)
        record(session, coder_named(session, coder), "train", "model", meta["version"], after=counts)

    retrying(engine, use)
    _prune(models_dir(engine), keep=meta["version"])
    return meta


def _train(engine: Engine, tagger: Tagger, units: list, counts: dict, codes: list[str], decisions: int,
           progress: Callable[[int, int], None] | None) -> dict:  # fmt: skip
    if not counts["positives"] or not counts["negatives"]:
        raise QcoderError(
            "还不能训练：需要正例（接受或手动的编码）和反例（拒绝的建议，或已审完全部建议的来源中未编码的句子）",
            "nothing to learn from yet: training needs positives (accepted or manual codings) and negatives "
            "(rejected suggestions, or the uncoded sentences of a source whose suggestions are all decided)",
        )
    started = time.perf_counter()
    nlp = learned.fit(tagger, units, codes, progress=progress)
    meta = {
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "codebook_version": tagger.version,
        "decisions": decisions,
        "seconds": round(time.perf_counter() - started, 2),
        "labels": codes,
        **counts,
    }
    meta["version"] = learned.save_new(nlp, models_dir(engine), meta)
    return meta


def active_model(engine: Engine, session: Session) -> tuple[Language, dict] | None:
    """The model the project uses (None before the first training); one the database names but this
    machine does not have is refused, naming where it was looked for."""
    setting = session.get(Setting, MODEL_SETTING)
    if setting is None:
        return None
    folder = models_dir(engine) / setting.value
    if not (folder / learned.META).is_file():
        raise QcoderError(
            f"项目使用的建议模型 {setting.value} 不在 {folder.resolve()}：请设置 QCODER_MODELS_DIR 指向模型所在文件夹，"
            "或重新训练（qcoder train），或改用关键词（qcoder suggester keywords）",
            f"the project's suggestion model {setting.value} is not in {folder.resolve()}: point QCODER_MODELS_DIR "
            "at the models folder, train again (qcoder train) or use keywords (qcoder suggester keywords)",
        )
    # Keyed by where and when: a relative folder means another one from another working directory.
    return _load(folder.resolve(), (folder / learned.META).stat().st_mtime_ns)


def active_meta(engine: Engine, session: Session) -> dict | None:
    """What the model in use was trained on (without loading the model); None when there is none here."""
    setting = session.get(Setting, MODEL_SETTING)
    meta = models_dir(engine) / setting.value / learned.META if setting else None
    return json.loads(meta.read_text(encoding="utf-8")) if meta and meta.is_file() else None


@lru_cache(maxsize=4)
def _load(folder: Path, _written: int) -> tuple[Language, dict]:
    return learned.load(folder)


def last_failure(session: Session) -> dict | None:
    """Why the last training failed ({"zh", "en"}), until one succeeds."""
    row = session.get(Setting, FAILURE_SETTING)
    return json.loads(row.value) if row else None


def mode(session: Session) -> str:
    """Which suggester ``qcoder tag`` uses: ``keywords`` (the default) or ``combined``."""
    setting = session.get(Setting, MODE_SETTING)
    return setting.value if setting else "keywords"


def threshold(session: Session) -> float:
    """The score from which the suggester in use suggests."""
    return learned.COMBINED_MIN if mode(session) == "combined" else MIN_SCORE


def set_mode(session: Session, value: str, coder: str | None) -> None:
    if value not in SUGGESTERS:
        raise QcoderError(
            f"建议方式 {value!r} 无效，应为 keywords 或 combined", f"suggester {value!r}: use keywords or combined"
        )
    before = mode(session)
    if value != before:
        _put(session, MODE_SETTING, value)
        record(
            session, coder_named(session, coder), "update", "setting", MODE_SETTING, {"value": before}, {"value": value}
        )


def auto_retrain(session: Session) -> bool:
    """Whether the app retrains and re-tags in the background after RETRAIN_AFTER decisions (the default):
    a project whose coders want the suggestions to hold still between explicit trainings turns it off."""
    setting = session.get(Setting, AUTO_SETTING)
    return setting is None or setting.value != "off"


def set_auto_retrain(session: Session, on: bool, coder: str | None) -> None:
    before = auto_retrain(session)
    if on != before:
        _put(session, AUTO_SETTING, "on" if on else "off")
        record(
            session, coder_named(session, coder), "update", "setting", AUTO_SETTING,
            {"value": "on" if before else "off"}, {"value": "on" if on else "off"},
        )  # fmt: skip


def retrain_due(engine: Engine) -> bool:
    """True once RETRAIN_AFTER decisions were made since the model in use was trained, or since the last
    attempt (a failed one included), or — with neither — once there are that many."""
    with Session(engine) as session:
        meta = active_meta(engine, session)
        attempt = session.get(Setting, ATTEMPT_SETTING)
        since = max(meta["decisions"] if meta else 0, int(attempt.value) if attempt else 0)
        return decision_count(session) - since >= RETRAIN_AFTER


def _prune(folder: Path, keep: str) -> None:
    """Keep the newest KEEP_VERSIONS models (the one in use among them); older ones only take space."""
    versions = sorted((p for p in folder.iterdir() if learned.VERSION.match(p.name)), key=lambda p: p.name)
    for old in versions[:-KEEP_VERSIONS]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)


def _put(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key) or Setting(key=key, value=value)
    row.value = value
    session.add(row)


def _drop(session: Session, key: str) -> None:
    row = session.get(Setting, key)
    if row is not None:
        session.delete(row)
