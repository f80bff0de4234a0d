"""The learned suggester of a project: what it learns from, where its models live, when to retrain.

What counts as a label (the unit is the sentence, as for the tagger; see :mod:`coder.learned`):

* a sentence an accepted or manual coding covers is a **positive** for that code;
* a **rejected** suggestion is a negative for its code in its sentence, and only for that code;
* a source someone has coded (it holds an accepted or manual coding) is taken as coded through: its
  other evidence sentences are negatives for every code they lack. A source nobody has coded yet
  contributes only its rejections, as partial labels.
* Sources of an open agreement round are left out, so a suggestion in a blind round never carries
  what another coder decided there.

Models are versioned folders ``suggester-0001``, ``suggester-0002`` … next to the project's SQLite file
(``db/models/qcoder/`` for the default ``db/qcoder.sqlite``), or under ``db/models/`` (or
``QCODER_MODELS_DIR``) for a PostgreSQL project; the database's ``suggester_model`` setting names the
one in use, so every process of a team server agrees on it. Nothing is sent anywhere.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
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
from coder.db.engine import retrying
from coder.db.models import EVIDENCE, Code, Coding, Setting, Source
from coder.errors import QcoderError
from coder.sources import sentences_of
from coder.tagger import Tagger, is_evidence

SUGGESTERS = ("keywords", "combined")
MODEL_SETTING = "suggester_model"
MODE_SETTING = "suggester"
RETRAIN_AFTER = 20  # new decisions before the app retrains in the background
_FOLDER = re.compile(r"^suggester-(\d{4,})$")


def models_dir(engine: Engine) -> Path:
    """Where this project's models are kept (see the module's docstring)."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        database = Path(url.database)
        base = Path(os.environ.get("QCODER_MODELS_DIR") or database.parent / "models")
        return base / database.stem
    base = Path(os.environ.get("QCODER_MODELS_DIR") or "db/models")
    return base / re.sub(r"[^\w.-]", "_", f"{url.get_backend_name()}-{url.host}-{url.port}-{url.database}")


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
            Coding.status.in_((*EVIDENCE, "rejected")), Coding.code_id.in_(codes)
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
        for row in sorted(by_source[source_id], key=lambda r: r.status != "rejected"):  # positives win
            for index in evaluation.covered(sentences, row.start, row.end):
                cats[index][row.code_id] = 0.0 if row.status == "rejected" else 1.0
        if any(row.status in EVIDENCE for row in by_source[source_id]):  # coded through
            for index, sentence in enumerate(sentences):
                if is_evidence(text, sentence):
                    cats[index] = {code: 0.0 for code in codes} | cats[index]
        units += [learned.Labelled(text[sentences[i].start : sentences[i].end], c) for i, c in sorted(cats.items())]
    counts = {
        "sources": len(by_source),
        "units": len(units),
        "positives": sum(v == 1.0 for unit in units for v in unit.cats.values()),
        "negatives": sum(v == 0.0 for unit in units for v in unit.cats.values()),
    }
    return units, counts


def train(
    engine: Engine, tagger: Tagger, coder: str | None = None, progress: Callable[[int, int], None] | None = None
) -> dict:
    """Train a new model version from the project's decisions, store it and make it the one in use."""
    with Session(engine) as session:
        units, counts = labelled_units(session)
        codes, decisions = labels(session), decision_count(session)
    if not counts["positives"]:
        raise QcoderError(
            "还没有可学习的编码：先接受建议或手动编码，再训练", "nothing to learn from yet: accept or code first"
        )
    started = time.perf_counter()
    nlp = learned.fit(tagger, units, codes, progress=progress)
    folder = models_dir(engine)
    folder.mkdir(parents=True, exist_ok=True)
    version = 1 + max((int(m.group(1)) for p in folder.iterdir() if (m := _FOLDER.match(p.name))), default=0)
    meta = {
        "version": f"suggester-{version:04d}",
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "codebook_version": tagger.version,
        "decisions": decisions,
        "seconds": round(time.perf_counter() - started, 2),
        "labels": codes,
        **counts,
    }
    learned.save(nlp, folder / meta["version"], meta)

    def use(session: Session) -> None:
        _put(session, MODEL_SETTING, meta["version"])
        record(session, coder_named(session, coder), "train", "model", meta["version"], after=counts)

    retrying(engine, use)
    return meta


def active_model(engine: Engine, session: Session) -> tuple[Language, dict] | None:
    """The model the project uses, if one was trained and its folder is here."""
    folder = _active_folder(engine, session)
    # Keyed by where and when: a relative folder means another one from another working directory.
    return _load(folder.resolve(), (folder / learned.META).stat().st_mtime_ns) if folder else None


def active_meta(engine: Engine, session: Session) -> dict | None:
    """What the model in use was trained on (without loading the model)."""
    folder = _active_folder(engine, session)
    return json.loads((folder / learned.META).read_text(encoding="utf-8")) if folder else None


def _active_folder(engine: Engine, session: Session) -> Path | None:
    setting = session.get(Setting, MODEL_SETTING)
    folder = models_dir(engine) / setting.value if setting else None
    return folder if folder and (folder / learned.META).is_file() else None


@lru_cache(maxsize=4)
def _load(folder: Path, _written: int) -> tuple[Language, dict]:
    return learned.load(folder)


def mode(session: Session) -> str:
    """Which suggester ``qcoder tag`` uses: ``keywords`` (the default) or ``combined``."""
    setting = session.get(Setting, MODE_SETTING)
    return setting.value if setting else "keywords"


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


def retrain_due(engine: Engine) -> bool:
    """True once RETRAIN_AFTER decisions were made since the model in use was trained (or, with no
    model yet, once there are that many)."""
    with Session(engine) as session:
        meta = active_meta(engine, session)
        return decision_count(session) - (meta["decisions"] if meta else 0) >= RETRAIN_AFTER


def _put(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key) or Setting(key=key, value=value)
    row.value = value
    session.add(row)
