"""``qcoder app``: the Streamlit app started from any folder, as ``make run`` starts it in the repository.

The folder it is started in is the project folder (``db/qcoder.sqlite``, ``codebook.yaml`` once saved,
``corpus/`` for uploads), whatever the OS and without ``make``. The settings of ``.streamlit/config.toml``
are passed on the command line, since Streamlit reads that file only from the folder it is started in.

Only the standard library at the top: ``qcoder --help`` imports this module.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

from coder.demo import Progress
from coder.errors import QcoderError

MAIN = Path(__file__).parent / "ui" / "main.py"
DEFAULT_PORT = 8501
# Only this computer: the app shows transcripts, and nobody logs in outside team mode. A team server is
# started with --server.address 0.0.0.0 on purpose (see the README's team setup).
DEFAULT_ADDRESS = "127.0.0.1"
STOP_SECONDS = 10  # how long a stopping Streamlit gets before it is ended outright


def streamlit_command(port: int = DEFAULT_PORT, address: str = DEFAULT_ADDRESS) -> list[str]:
    """The command that serves the app on ``port``: the settings of ``.streamlit/config.toml``, which
    Streamlit reads only when started in the repository.

    The database URL is not in it: a command line is visible to every user of the computer (``ps``), a
    PostgreSQL URL may hold a password, so it goes in the environment (:func:`app_environment`)."""
    return [
        sys.executable, "-m", "streamlit", "run", str(MAIN),
        "--server.headless=true",
        f"--server.port={port}",
        f"--server.address={address}",
        "--browser.gatherUsageStats=false",
        "--client.toolbarMode=minimal",
        # An unexpected error's full message (a database error quotes its SQL) goes to the server log, not the page.
        "--client.showErrorDetails=stacktrace",
        # An upload is held in memory whole: bounded here, then checked against coder.limits before it is kept.
        # 100 MB lets a policy PDF with scanned seals through; `qcoder import` takes PDFs up to QCODER_MAX_PDF_MB.
        "--server.maxUploadSize=100",
    ]  # fmt: skip


def app_environment(db_url: str | None = None) -> dict[str, str]:
    """The app's environment: this one, with ``QCODER_DB_URL`` set to ``db_url`` when given (the app opens
    the database the way the commands do, see coder.ui.state and coder.db.engine.database_url)."""
    return {**os.environ, "QCODER_DB_URL": db_url} if db_url else dict(os.environ)


def port_free(port: int, address: str = DEFAULT_ADDRESS) -> bool:
    """Whether a server could listen on ``address``:``port`` now."""
    try:
        _bind(port, address)
    except OSError:
        return False
    return True


def check_port(port: int, address: str = DEFAULT_ADDRESS) -> None:
    """Refuse a port that is out of range or taken, or an address this computer cannot listen on, saying
    what to change, before anything is built."""
    if not 1 <= port <= 65535:
        raise QcoderError(f"端口 {port} 无效：应为 1–65535", f"port {port} is not valid: use 1–65535")
    try:
        _bind(port, address)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            reason = exc.strerror or type(exc).__name__
            raise QcoderError(
                f"无法在 {address} 的端口 {port} 上监听（{reason}）：用 --address 换一个本机地址，或用 --port 换一个端口",
                f"cannot listen on {address} port {port} ({reason}): choose another --address of this computer, "
                "or another --port",
            ) from None
        other = port + 1 if port < 65535 else port - 1
        raise QcoderError(
            f"端口 {port} 已被占用（也许另一个 qcoder app 正在运行）：用 --port 换一个，例如 qcoder app --port {other}",
            f"port {port} is already in use (perhaps by another qcoder app): choose another with --port, "
            f"e.g. qcoder app --port {other}",
        ) from None


def _bind(port: int, address: str) -> None:
    """Bind ``address``:``port`` and let go at once; the OSError says why not."""
    with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET) as probe:
        if os.name != "nt":  # as Streamlit's server does; on Windows the option would let a taken port be shared
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((address, port))


def prepare(db_url: str | None = None, progress: Progress | None = None) -> list[str]:
    """Make the database ready for the app, as ``make run`` did before starting it: the demo project built
    into an empty one (:func:`coder.demo.build_demo`); an existing one brought to the newest schema and
    synced with the project's ``codebook.yaml`` when the folder has one (``qcoder init``). The warnings to
    show: a codebook the sync refused leaves the app to start, where the Codebook page can fix it."""
    from coder import codebook, codebook_sync
    from coder.audit import coder_named
    from coder.db import migrate
    from coder.db.engine import make_engine, retrying
    from coder.demo import build_demo

    if build_demo(db_url, progress):
        return []
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine)
        path = codebook.app_path()  # never the packaged default: it could take a project's own codes away
        if not path.exists():
            return []
        try:
            book = codebook.load(path)
            retrying(engine, lambda session: codebook_sync.sync(session, book, coder_named(session, None)))
        except QcoderError as exc:
            return [f"编码簿 {path} 未同步：{exc.zh} / codebook {path} was not synced: {exc.en}"]
        return []
    finally:
        engine.dispose()


def serve(
    port: int = DEFAULT_PORT,
    db_url: str | None = None,
    progress: Progress | None = None,
    address: str = DEFAULT_ADDRESS,
) -> int:
    """Serve the app until it is stopped (Ctrl-C); its exit code. The port is checked first and the
    database prepared (:func:`prepare`: the demo on first start) before Streamlit starts."""
    check_port(port, address)
    for warning in prepare(db_url, progress):
        print(f"注意 / warning: {warning}", file=sys.stderr)
    return run(port, db_url, address)


def run(port: int = DEFAULT_PORT, db_url: str | None = None, address: str = DEFAULT_ADDRESS) -> int:
    """Streamlit on a prepared database until it is stopped; its exit code (see :func:`wait`)."""
    return wait(subprocess.Popen(streamlit_command(port, address), env=app_environment(db_url)))


def wait(process: subprocess.Popen) -> int:
    """Wait for the app's process, passing a stop on to it: its exit code (128 + N for signal N).

    Ctrl-C in a terminal reaches Streamlit by itself (the whole foreground process group gets it); one
    sent to this process alone (``kill -INT``, an IDE's stop button) and a SIGTERM are passed on, so no
    server is left running without its parent. A second Ctrl-C ends it outright."""

    def terminated(_signum, _frame) -> None:
        process.terminate()

    previous = None
    if threading.current_thread() is threading.main_thread() and os.name != "nt":
        previous = signal.signal(signal.SIGTERM, terminated)
    interrupts = 0
    try:
        while True:
            try:
                if interrupts == 1:
                    _stop(process)
                elif interrupts > 1:
                    process.kill()
                code = process.wait()
                return 128 - code if code < 0 else code
            except KeyboardInterrupt:
                interrupts += 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _stop(process: subprocess.Popen) -> None:
    """Stop the app as Ctrl-C does, then outright if it has not stopped in STOP_SECONDS."""
    try:
        process.wait(timeout=1)  # a terminal's Ctrl-C reached it too: a second one would be a forced stop
        return
    except subprocess.TimeoutExpired:
        pass
    if os.name == "nt":
        process.terminate()
    else:
        process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
