"""Worker processes for tests/test_concurrency.py (a module of its own: spawned children import it).

Each worker opens the project itself, waits at a barrier so that all of them write at once, and sends
back what happened: ids written, the messages it got, and how many times a write was retried.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from coder.errors import QcoderError
from coder.project import Project


class RetryCounter(logging.Handler):
    """Counts the retries coder.db.engine.retrying logs (one INFO record per retry)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.retries = 0
        self.gave_up = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("write gave up"):
            self.gave_up += 1
        else:
            self.retries += 1


def _setup(env: dict[str, str]) -> RetryCounter:
    os.environ.update(env)
    counter = RetryCounter()
    logger = logging.getLogger("qcoder.db")
    logger.addHandler(counter)
    logger.setLevel(logging.INFO)
    return counter


def add_codings(url: str, worker: int, jobs: list[dict[str, Any]], env: dict[str, str], barrier, results) -> None:
    """Add each job's coding; a refusal (a duplicate) is a message, anything else an error."""
    counter = _setup(env)
    project = Project.open(url)
    added, refused, errors = [], [], []
    barrier.wait()
    for job in jobs:
        try:
            added.append(
                {**job, "id": project.add_coding(job["source"], job["start"], job["end"], job["code"], job["coder"])}
            )
        except QcoderError as exc:
            refused.append({**job, "zh": exc.zh, "en": exc.en})
        except Exception as exc:  # reported to the test, which fails on it
            errors.append(f"{type(exc).__name__}: {exc}")
    _report(results, worker, counter, added=added, refused=refused, errors=errors)


def adjust(url: str, worker: int, jobs: list[dict[str, Any]], env: dict[str, str], barrier, results) -> None:
    """Move each job's coding to the worker's span, expecting the version the job names."""
    counter = _setup(env)
    project = Project.open(url)
    won, refused, errors = [], [], []
    barrier.wait()
    for job in jobs:
        try:
            project.adjust_coding(job["id"], job["start"], job["end"], job["coder"], version=job["version"])
            won.append(job)
        except QcoderError as exc:
            refused.append({**job, "zh": exc.zh, "en": exc.en})
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
    _report(results, worker, counter, won=won, refused=refused, errors=errors)


def _report(results, worker: int, counter: RetryCounter, **outcome: list) -> None:
    results.put({"worker": worker, **outcome, "retries": counter.retries, "gave_up": counter.gave_up})


def _imports(url: str, worker: int, jobs: list[dict[str, Any]], env: dict[str, str], barrier, results, one) -> None:
    """Run ``one(project, job)`` → (imported?, what to report) for each job, at the same moment as the others."""
    counter = _setup(env)
    project = Project.open(url)
    added, refused, errors = [], [], []
    barrier.wait()
    for job in jobs:
        try:
            imported, fields = one(project, job)
        except Exception as exc:  # the imports report, never raise: anything here fails the test
            errors.append(f"{type(exc).__name__}: {exc}")
            continue
        (added if imported else refused).append({**job, **fields})
    _report(results, worker, counter, added=added, refused=refused, errors=errors)


def _import_file(project: Project, job: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    from coder.sources.corpus import import_file

    result = import_file(project.engine, Path(job["path"]), job.get("kind"))
    return result.status == "imported", {"id": result.id, "message": result.message}


def _import_qdpx(project: Project, job: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    from coder.export.qdpx_import import import_qdpx as run_import

    report = run_import(project.engine, Path(job["path"]), job["kind"], codebook_path=Path(job["codebook"]))
    fields = {"ids": sorted(report.renamed.values()), "codes": report.codes_added, "message": report.message}
    return report.status == "imported", fields


def _upload(project: Project, job: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    result = project.import_upload(Path(job["corpus"]), job["name"], job["data"].encode(), job["kind"])
    return result["status"] == "imported", {"id": result["id"], "path": result["path"], "message": result["message"]}


def import_files(*args) -> None:
    """Import each job's file (a path); the IDs given and any message."""
    _imports(*args, one=_import_file)


def import_qdpx(*args) -> None:
    """Import each job's .qdpx (a path, a kind, the codebook file); the IDs given and any message."""
    _imports(*args, one=_import_qdpx)


def upload_files(*args) -> None:
    """Upload each job's bytes as the app does, into the job's corpus folder."""
    _imports(*args, one=_upload)
