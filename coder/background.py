"""Retraining the learned suggester without anyone waiting for it.

The app starts ``qcoder train --retag`` as a child process: the page that noticed enough new decisions
returns at once, the server's own process keeps serving (training in a thread would hold the
interpreter's lock), and a crash in training cannot take the server down. One training per project
at a time from one server (two servers or the command line training at once still get two versions:
see coder.learned.save_new); its output goes to a log next to the project's models, and a failure is
kept in the database for the Codebook page (see coder.training.last_failure).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from sqlalchemy.engine import Engine

from coder.training import models_dir

_RUNNING: dict[str, subprocess.Popen] = {}
_STARTING = threading.Lock()  # the app's sessions are threads of one process
LOG_LIMIT = 1_000_000  # bytes: the log starts afresh beyond this


def retrain(engine: Engine, coder: str | None = None) -> bool:
    """Start training a new model for ``engine``'s project unless one is training already."""
    url = engine.url.render_as_string(hide_password=False)
    with _STARTING:
        running = _RUNNING.get(url)
        if running is not None and running.poll() is None:
            return False
        folder = models_dir(engine)
        folder.mkdir(parents=True, exist_ok=True)
        log_path = folder / "training.log"
        mode = "wb" if log_path.exists() and log_path.stat().st_size > LOG_LIMIT else "ab"
        command = [sys.executable, "-m", "coder.cli", "train", "--retag", *(["--coder", coder] if coder else [])]
        with open(log_path, mode) as log:  # the URL goes in the environment: not visible in a process list
            _RUNNING[url] = subprocess.Popen(
                command, env={**os.environ, "QCODER_DB_URL": url}, stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )
    return True


def training(engine: Engine) -> bool:
    """True while a training started from this process is still running."""
    running = _RUNNING.get(engine.url.render_as_string(hide_password=False))
    return running is not None and running.poll() is None
