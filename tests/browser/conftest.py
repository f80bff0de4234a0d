"""A Streamlit server per test module on that module's ``database`` fixture, and Debian's Chromium."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from coder.serve import MAIN
from tests.browser.browsing import CHROMIUM, ROOT

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(database):
    """Streamlit serving the app on the module's project; its codebook.yaml and corpus/ are beside the database."""
    url = database
    codebook = Path(url.removeprefix("sqlite:///")).parent / "codebook.yaml"
    corpus = codebook.parent / "corpus"  # uploads are kept here, never in the repository's corpus/
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(MAIN), "--server.headless=true", f"--server.port={port}",
            "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
        ],
        cwd=ROOT,
        env={**os.environ, "QCODER_DB_URL": url, "QCODER_CODEBOOK": str(codebook), "QCODER_CORPUS": str(corpus)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("streamlit did not answer /_stcore/health within 60 s")
    yield base
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing: `make test` and .ci/run install it with apt (package chromium)"
        if os.environ.get("QCODER_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)  # CI: the browser tests are mandatory
        pytest.skip(reason)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.base = server
        page.goto(server)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=30_000)
        yield page
        browser.close()
