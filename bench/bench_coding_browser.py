"""The Coding workbench in Debian's Chromium, as a person sees it: click → drawn, not Python time.

Project: one 50,000-character interview (bench.synthetic, term templates drawn 4× as often so the
tagger finds ~1,270 suggestions), tagged; 250 suggestions accepted and 250 spans coded by hand
(500 codings of evidence), ~1,020 suggestions left pending. `streamlit run coder/ui/main.py` serves it.

Measured (median of RUNS each), targets in parentheses:
  - open: navigation click on the Coding page's link → stApp notRunning and the workbench drawn
    (`[data-testid="qc-workbench"][data-ready="1"]`) (1.5 s);
  - accept / reject / recode of the first pending suggestion: click → its list item gone (0.2 s), and
    click → its row's status changed in the database file (1.0 s);
  - a mouse selection released → the code picker shown with code buttons (0.2 s);
  - a code button clicked → the coded span drawn as `span.qc-mark.qc-ev` with that code (0.5 s);
  - resident memory of the server (and its children) with five browser sessions on the page.
Baseline, in the same run: a Streamlit page that shows one line of text (navigation click → drawn),
and a button that reruns such a page (click → drawn).

The sub-second times are taken inside the page: the click is `element.click()` in page.evaluate and
the wait is a MutationObserver plus polling there, finished one frame later (requestAnimationFrame,
then a task: after the browser could paint; `dom_median_s` is the DOM change itself), so Playwright's
round-trips are not counted. The mouse
selection is a real drag (page.mouse); its time starts at the `mouseup` event, seen by a capturing
listener on window. Database times start just before the click's evaluate call (they include one
round-trip, a few ms) and poll the SQLite file read-only every 5 ms.

The DOM contract of the workbench (coder/ui/coding_page.py) is in SELECTORS below (ON_OPEN and
DRAWN_MARKS are checked once on the opened page); a selector that never matches fails the bench within
WAIT_S, naming every selector still missing. Each result keeps the served commit and the machine's load.

`python -m bench.bench_coding_browser` runs this bench alone and writes bench/results/coding_browser.json;
`--checkout DIR` serves the app of another checkout (e.g. a worktree of an older commit) and
`--reader-only` measures what the old page has (open and memory, ready = its qc-reader drawn).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.processes import in_child
from bench.synthetic import document

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("results")
SOURCE = "20240301BCH"
CHARACTERS = 50_000
TERM_WEIGHT = 3  # term templates 4× as often: ~1,270 suggestions instead of ~880 (seed 3)
ACCEPTED, MANUAL = 250, 250
RUNS = 5
SESSIONS = 5
WAIT_S = 30
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
TARGETS = {"open": 1.5, "decision_visible": 0.2, "decision_stored": 1.0, "picker": 0.2, "coded_visible": 0.5}

NOT_RUNNING = '[data-testid="stApp"][data-test-script-state="notRunning"]'
SELECTORS = {
    "workbench": '[data-testid="qc-workbench"]',
    "ready": '[data-testid="qc-workbench"][data-ready="1"]',
    "reader": '[data-testid="qc-reader"]',
    "mark": "span.qc-mark",
    "list": '[data-testid="qc-suggestions"]',
    "item": '[data-testid="qc-suggestion"]',
    "accept": 'button[data-action="accept"]',
    "reject": 'button[data-action="reject"]',
    "recode": 'select[data-action="recode"]',
    "count": '[data-testid="qc-pending-count"]',
    "picker": '[data-testid="qc-picker"]',
    "code": "button.qc-code",
    "search": 'input[data-testid="qc-code-search"]',
}
# What the opened workbench must show (checked once, before the clicks are timed).
ON_OPEN = ("reader", "list", "item", "accept", "reject", "recode", "count")
DRAWN_MARKS = [
    f"{SELECTORS['reader']} {SELECTORS['mark']}.qc-sugg[data-codes]",
    f"{SELECTORS['reader']} {SELECTORS['mark']}.qc-ev[data-codes]",
]
# What "drawn" means: the new workbench says so itself; the old page (before issue 15) only has its reader.
READY = [SELECTORS["workbench"], SELECTORS["ready"], NOT_RUNNING]
OLD_READY = ['[data-testid="qc-reader"] span.qc-coded', NOT_RUNNING]


class ContractMissing(RuntimeError):
    """The page never showed what the bench measures: names the selector."""


# ---------------------------------------------------------------------------------------------- project


def build(folder: Path, checkout: Path = ROOT) -> tuple[str, dict[str, int]]:
    """The generated project in ``folder``: its SQLite URL and the real counts. Built in a child process
    by the served checkout's own code, so the database has that checkout's schema and suggestions."""
    made = in_child("bench.bench_coding_browser", "build", folder, str(checkout))
    return made["url"], made["counts"]


def _build(folder: Path, checkout: Path) -> dict[str, Any]:
    from coder import codebook, codebook_sync
    from coder.db import migrate
    from coder.db.engine import make_engine, transaction
    from coder.errors import QcoderError
    from coder.project import Project
    from coder.sources.corpus import import_paths
    from coder.sources.segments import segment

    url = f"sqlite:///{folder / 'workbench.sqlite'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    book = codebook.load(codebook_file(checkout))
    with transaction(engine) as session:
        codebook_sync.sync(session, book)
    text = document(random.Random(3), CHARACTERS, "interview", term_weight=TERM_WEIGHT)[:CHARACTERS]
    path = folder / "interviews" / f"{SOURCE}.txt"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    import_paths(engine, [path])
    project = Project.open(url)
    tagged = project.tag()["added"]
    suggested = sorted(project.codings(source=SOURCE, status="suggested"), key=lambda c: (c["start"], c["id"]))
    # Every fifth suggestion accepted: evidence spread through the text, the rest still pending.
    for coding in suggested[::5][:ACCEPTED]:
        project.decide(coding["id"], "accept", "bench", coding["version"])
    codes = [c.id for c in book.codes if c.parent]
    sentences = [s for s in segment(text, "interview") if s.kind == "sentence"]
    added = 0
    for s in sentences[1::3]:  # hand-coded spans, overlapping some suggestions
        if added == MANUAL:
            break
        try:
            project.add_coding(SOURCE, s.start, s.end, codes[added % len(codes)], "bench")
        except QcoderError:  # that span already accepted with that code
            continue
        added += 1
    statuses: dict[str, int] = {}
    for coding in project.codings(source=SOURCE):
        statuses[coding["status"]] = statuses.get(coding["status"], 0) + 1
    return {"url": url, "counts": {"characters": len(text), "tagged": tagged, "codes": len(codes), **statuses}}


# ---------------------------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    base: str
    pid: int


def entry_point(checkout: Path) -> Path:
    """The Streamlit script of ``checkout``: coder/ui/main.py, or app.py at the root before it moved there."""
    main = checkout / "coder" / "ui" / "main.py"
    return main if main.exists() else checkout / "app.py"


def codebook_file(checkout: Path) -> Path:
    """The default codebook of ``checkout``: coder/demo/codebook.yaml, or codebook.yaml at the root before."""
    packaged = checkout / "coder" / "demo" / "codebook.yaml"
    return packaged if packaged.exists() else checkout / "codebook.yaml"


@contextmanager
def serve(app: Path, env: dict[str, str], cwd: Path | None = None) -> Iterator[Server]:
    """``streamlit run`` of ``app`` from ``cwd`` (default: its folder), so that folder's
    .streamlit/config.toml applies."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless=true", f"--server.port={port}",
               "--server.address=127.0.0.1", "--browser.gatherUsageStats=false"]  # fmt: skip
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=cwd or app.parent, env={**os.environ, **env}, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                        break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        raise RuntimeError(
                            f"streamlit did not start for {app}:\n{log.read().decode()[-2000:]}"
                        ) from None
                    time.sleep(0.3)
            yield Server(base, process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants (background training runs in a child), MB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            todo.extend(int(child) for child in task.read_text().split())
    return total / 1024


BASELINE_APP = '''
"""The floor: a Streamlit page with one line of text, and one that a button reruns."""
import streamlit as st


def home():
    st.markdown("home")  # not st.text: the line page is drawn when an stText is there


def line():
    st.text("qcoder baseline: one line of text")


def again():
    st.button("again", key="again", on_click=lambda: st.session_state.update(n=st.session_state.get("n", 0) + 1))
    st.text(f"run {st.session_state.get('n', 0)}")


st.navigation([
    st.Page(home, title="home", url_path="home", default=True),
    st.Page(line, title="line", url_path="line"),
    st.Page(again, title="again", url_path="again"),
]).run()
'''

# ---------------------------------------------------------------------------------------------- in the page

# Installed in every document: a wait that checks on each DOM change and every 10 ms, and a stamp one
# frame after the condition held (after the browser could paint what satisfied it).
HELPERS = """
window.__qc = {
  missing(selectors) {  // every selector that matches nothing yet, or null
    const absent = selectors.filter((s) => !document.querySelector(s));
    return absent.length ? absent.join("`, `") : null;
  },
  visible(selector) {
    const el = document.querySelector(selector);
    return el && el.checkVisibility() ? el : null;
  },
  until(check, timeoutMs) {
    return new Promise((resolve) => {
      let last = null, done = false;
      const finish = (ok) => {
        if (done) return;
        done = true;
        observer.disconnect(); clearInterval(poll); clearTimeout(timer);
        const met = performance.now();
        requestAnimationFrame(() => setTimeout(() => resolve({ ok, met, painted: performance.now(), missing: last })));
      };
      const test = () => { if (done) return; last = check(); if (last === null) finish(true); };
      const observer = new MutationObserver(test);
      observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
      const poll = setInterval(test, 10);
      const timer = setTimeout(() => finish(false), timeoutMs);
      test();
    });
  },
};
"""

OPEN_JS = """
async ({ link, ready, timeoutMs }) => {
  const a = document.querySelector(link);
  if (!a) return { ok: false, missing: link };
  const t0 = performance.now();
  a.click();
  const r = await __qc.until(() => __qc.missing(ready), timeoutMs);
  return { ...r, seconds: (r.painted - t0) / 1000, dom_s: (r.met - t0) / 1000 };
}
"""

DECIDE_ARM_JS = """
({ action, sel, timeoutMs }) => {
  const item = document.querySelector(`${sel.list} ${sel.item}`);
  if (!item) return { ok: false, missing: `${sel.list} ${sel.item}` };
  const control = item.querySelector(sel[action]);
  if (!control) return { ok: false, missing: `${sel.item} ${sel[action]}` };
  let code = null;
  if (action === "recode") {
    const own = item.dataset.code || control.value;
    const other = Array.from(control.options).find((o) => o.value && o.value !== own && o.value !== control.value);
    if (!other) return { ok: false, missing: `${sel.recode} option other than ${own}` };
    code = other.value;
  }
  const id = item.dataset.id;
  window.__qcGo = () => {
    const t0 = performance.now();
    if (code) {
      control.value = code;
      control.dispatchEvent(new Event("input", { bubbles: true }));
      control.dispatchEvent(new Event("change", { bubbles: true }));
    } else control.click();
    const gone = `${sel.item}[data-id="${CSS.escape(id)}"]`;
    window.__qcResult = __qc.until(() => (document.querySelector(gone) ? `${gone} still shown` : null), timeoutMs)
      .then((r) => ({ ...r, seconds: (r.painted - t0) / 1000, dom_s: (r.met - t0) / 1000 }));
  };
  return { ok: true, id: Number(id), code };
}
"""

# Picks an uncoded stretch of the reader, scrolls it into view and returns where to drag the mouse;
# arms a capturing mouseup listener that starts the clock at the release.
SELECT_ARM_JS = """
({ sel, timeoutMs, skip }) => {
  const box = document.querySelector(sel.reader);
  if (!box) return { ok: false, missing: sel.reader };
  const whole = box.textContent;
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  let seen = 0;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest(sel.mark) || node.textContent.length < 16) continue;
    const phrase = node.textContent.slice(3, 11);
    if (/\\s/.test(phrase) || whole.indexOf(phrase) !== whole.lastIndexOf(phrase) || seen++ < skip) continue;
    node.parentElement.scrollIntoView({ block: "center", behavior: "instant" });
    const range = document.createRange();
    range.setStart(node, 3);
    range.setEnd(node, 11);
    const rects = Array.from(range.getClientRects());
    if (rects.length !== 1) continue;  // one line: a straight drag selects it
    const r = rects[0];
    window.__qcResult = new Promise((resolve) => {
      window.addEventListener("mouseup", () => {
        const t0 = performance.now();
        // What the drag really selected (a character more or less than aimed at), where, in the reader's text.
        const selection = document.getSelection();
        const got = selection.rangeCount ? selection.getRangeAt(0) : range;
        const before = document.createRange();
        before.setStart(box, 0);
        before.setEnd(got.startContainer, got.startOffset);
        window.__qcPhrase = { phrase: got.toString(), at: before.toString().length };
        const shown = () => {
          const picker = document.querySelector(sel.picker);
          if (!picker) return sel.picker;
          if (!picker.checkVisibility()) return `${sel.picker} (in the page, but hidden)`;
          return picker.querySelector(sel.code) ? null : `${sel.picker} ${sel.code}`;
        };
        __qc.until(shown, timeoutMs).then((res) => resolve({ ...res, seconds: (res.painted - t0) / 1000, dom_s: (res.met - t0) / 1000 }));
      }, { capture: true, once: true });
    });
    return { ok: true, phrase, x0: r.left + 1, x1: r.right - 1, y: r.top + r.height / 2 };
  }
  return { ok: false, missing: `an uncoded one-line stretch of ${sel.reader}` };
}
"""

CODE_JS = """
async ({ sel, timeoutMs }) => {
  const picker = __qc.visible(sel.picker);
  const button = picker && picker.querySelector(sel.code);
  if (!button) return { ok: false, missing: `${sel.picker} ${sel.code}` };
  const code = button.dataset.code;
  const { phrase, at } = window.__qcPhrase;
  const coded = () => {
    const box = document.querySelector(sel.reader);
    if (!box) return sel.reader;
    for (const span of box.querySelectorAll(`${sel.mark}.qc-ev`)) {
      if (!(span.dataset.codes || "").split(" ").includes(code) || !phrase.includes(span.textContent)) continue;
      const before = document.createRange();
      before.setStart(box, 0);
      before.setEnd(span, 0);
      const start = before.toString().length;
      if (start >= at && start < at + phrase.length) return null;
    }
    return `${sel.mark}.qc-ev[data-codes~="${code}"] over the selection`;
  };
  const t0 = performance.now();
  button.click();
  const r = await __qc.until(coded, timeoutMs);
  return { ...r, code, seconds: (r.painted - t0) / 1000, dom_s: (r.met - t0) / 1000, picker_closed: !__qc.visible(sel.picker) };
}
"""


def _checked(result: dict[str, Any], what: str) -> dict[str, Any]:
    if not result.get("ok"):
        raise ContractMissing(
            f"{what}: `{result.get('missing')}` not found within {WAIT_S} s — the Coding workbench's DOM contract "
            "(bench/bench_coding_browser.py SELECTORS) is not met by the page served"
        )
    return result


def wait_ready(page, ready: list[str], what: str) -> None:
    """Wait (in the page) until every selector of ``ready`` matches."""
    result = page.evaluate(
        "async ({ ready, timeoutMs }) => __qc.until(() => __qc.missing(ready), timeoutMs)",
        {"ready": ready, "timeoutMs": WAIT_S * 1000},
    )
    _checked(result, what)


def nav_link(page, path: str) -> str:
    """The sidebar's link to ``path`` (Streamlit's navigation: a client-side page switch)."""
    selector = f'[data-testid="stSidebarNav"] a[href$="/{path}"]'
    page.wait_for_selector(selector, state="attached", timeout=WAIT_S * 1000)
    return selector


def time_open(page, base: str, start: str, target: str, ready: list[str], what: str) -> float:
    """From the ``start`` page ("" for the default page: its own url_path would show Streamlit's "page not
    found" dialog over everything), click the link to ``target``: seconds until ``ready`` holds."""
    page.goto(f"{base}/{start}")
    page.wait_for_selector(NOT_RUNNING, timeout=WAIT_S * 1000)
    link = nav_link(page, target)
    page.wait_for_timeout(300)  # let the start page's own run finish settling
    wait_ready(page, [NOT_RUNNING], f"{start or 'default'} page")
    if dialog := page.evaluate("() => document.querySelector('[data-testid=\"stDialog\"]')?.textContent"):
        raise RuntimeError(f"a dialog covers the {start or 'default'} page before the click: {dialog[:200]}")
    result = page.evaluate(OPEN_JS, {"link": link, "ready": ready, "timeoutMs": WAIT_S * 1000})
    return _checked(result, what)["seconds"]


# ---------------------------------------------------------------------------------------------- measurements


def _query(db: Path, sql: str, *args: Any) -> tuple | None:
    """One row, read-only, on a connection of its own (what any other reader of the file would see)."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as connection:
        return connection.execute(sql, args).fetchone()


def _row(db: Path, coding_id: int) -> tuple | None:
    return _query(db, "SELECT status, version, code_id FROM coding WHERE id = ?", coding_id)


def _until_stored(check, started: float) -> float:
    """Seconds from ``started`` until ``check()`` holds, polling every 5 ms."""
    while not check():
        if time.perf_counter() - started > WAIT_S:
            raise ContractMissing(f"nothing stored in the database within {WAIT_S} s")
        time.sleep(0.005)
    return time.perf_counter() - started


class Frames:
    """What crosses the page's websocket: bytes each way and script runs started (ForwardMsg new_session)."""

    def __init__(self, page) -> None:
        self.received = self.sent = self.runs = 0
        page.on("websocket", self._attach)

    def _attach(self, ws) -> None:
        ws.on("framereceived", self._received)
        ws.on("framesent", lambda payload: setattr(self, "sent", self.sent + len(payload)))

    def _received(self, payload: bytes | str) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.received += len(payload)
        if isinstance(payload, bytes) and ForwardMsg.FromString(payload).WhichOneof("type") == "new_session":
            self.runs += 1

    def take(self, page) -> dict[str, int]:
        """The counts since the last take (after letting queued events arrive)."""
        page.wait_for_timeout(200)
        counts = {"received_bytes": self.received, "sent_bytes": self.sent, "script_runs": self.runs}
        self.received = self.sent = self.runs = 0
        return counts


def time_decision(page, db: Path, action: str) -> dict[str, Any]:
    """One accept / reject / recode of the first pending suggestion: seconds to gone and to stored."""
    armed = page.evaluate(DECIDE_ARM_JS, {"action": action, "sel": SELECTORS, "timeoutMs": WAIT_S * 1000})
    coding_id = _checked(armed, action)["id"]
    before = _row(db, coding_id)
    started = time.perf_counter()
    page.evaluate("() => window.__qcGo()")
    stored = _until_stored(lambda: _row(db, coding_id) != before, started)
    visible = _checked(page.evaluate("() => window.__qcResult"), f"{action}: suggestion #{coding_id} leaving the list")
    after = _row(db, coding_id)
    if action == "recode":
        recoded = _query(db, "SELECT count(*) FROM coding WHERE code_id = ? AND status = 'accepted' AND id > ?",
                         armed["code"], coding_id)  # fmt: skip
        after = (*(after or ()), f"accepted as {armed['code']}: {recoded[0] > 0}")
    return {
        "id": coding_id,
        "visible_s": visible["seconds"],
        "visible_dom_s": visible["dom_s"],
        "stored_s": stored,
        "stored_as": after,
    }


def time_selection_and_code(page, db: Path, skip: int) -> dict[str, Any]:
    """A real mouse drag over an uncoded stretch; then the picker's first code button clicked."""
    armed = page.evaluate(SELECT_ARM_JS, {"sel": SELECTORS, "timeoutMs": WAIT_S * 1000, "skip": skip})
    _checked(armed, "selection")
    page.mouse.move(armed["x0"], armed["y"])
    page.mouse.down()
    page.mouse.move(armed["x1"], armed["y"], steps=5)
    page.mouse.up()
    picker = _checked(page.evaluate("() => window.__qcResult"), "mouse selection released → code picker")
    wait_ready(page, [f"{SELECTORS['picker']} {SELECTORS['search']}"], "the code picker's search box")
    selected = page.evaluate("() => window.__qcPhrase.phrase")
    last = _query(db, "SELECT coalesce(max(id), 0) FROM coding")[0]
    started = time.perf_counter()
    coded = _checked(page.evaluate(CODE_JS, {"sel": SELECTORS, "timeoutMs": WAIT_S * 1000}), "code button → coded span")
    stored = _until_stored(
        lambda: _query(db, "SELECT count(*) FROM coding WHERE id > ? AND code_id = ?", last, coded["code"])[0] > 0,
        started,
    )
    return {
        "phrase": armed["phrase"],
        "selected": selected,
        "code": coded["code"],
        "picker_s": picker["seconds"],
        "picker_dom_s": picker["dom_s"],
        "coded_visible_s": coded["seconds"],
        "coded_dom_s": coded["dom_s"],
        "coded_stored_s": stored,
        "picker_closed": coded["picker_closed"],
    }


DOM_JS = """
(sel) => ({
  elements: document.querySelectorAll("*").length,
  streamlit_elements: document.querySelectorAll('[data-testid^="st"]').length,
  buttons: document.querySelectorAll("button").length,
  marks: document.querySelectorAll(`${sel.reader} ${sel.mark}, ${sel.reader} span.qc-coded`).length,
  listed: document.querySelectorAll(sel.item).length,
  pending_count: (document.querySelector(sel.count) || {}).textContent || null,
})
"""

RERUN_JS = """
async ({ timeoutMs, notRunning }) => {
  const text = () => Array.from(document.querySelectorAll('[data-testid="stText"]')).map((e) => e.textContent).join();
  const n = Number((text().match(/run (\\d+)/) || [0, -1])[1]);
  const button = document.querySelector('[data-testid="stButton"] button');
  if (!button || n < 0) return { ok: false, missing: "the baseline's button and its text" };
  const t0 = performance.now();
  button.click();
  const r = await __qc.until(() => (document.querySelector(notRunning) && text().includes(`run ${n + 1}`) ? null : `run ${n + 1}`), timeoutMs);
  return { ...r, seconds: (r.painted - t0) / 1000, dom_s: (r.met - t0) / 1000 };
}
"""


def stats(
    runs: list[float], target: float | None = None, baseline: float | None = None, dom: list[float] | None = None
) -> dict[str, Any]:
    """Median and runs; ``dom``: the same clicks timed to the DOM change, before the frame that paints it."""
    median = statistics.median(runs)
    out: dict[str, Any] = {"median_s": median, "runs_s": runs}
    if dom:
        out["dom_median_s"] = statistics.median(dom)
    if target is not None:
        out["target_s"] = target
    if baseline:
        out["ratio"] = median / baseline
    return out


def new_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(HELPERS)
    return context.new_page()


def measure_baseline(browser, server: Server) -> dict[str, Any]:
    page = new_page(browser)
    try:
        opened = [time_open(page, server.base, "", "line", [NOT_RUNNING, '[data-testid="stText"]'], "baseline")
                  for _ in range(RUNS + 1)][1:]  # fmt: skip
        page.goto(f"{server.base}/again")
        wait_ready(page, [NOT_RUNNING, '[data-testid="stButton"]'], "baseline rerun page")
        reruns = []
        for _ in range(RUNS + 1):
            reruns.append(_checked(page.evaluate(RERUN_JS, {"timeoutMs": WAIT_S * 1000, "notRunning": NOT_RUNNING}),
                                   "baseline rerun")["seconds"])  # fmt: skip
            page.wait_for_timeout(200)
        return {"open": stats(opened), "rerun": stats(reruns[1:])}
    finally:
        page.context.close()


def measure_app(browser, server: Server, db: Path, base: dict[str, Any], reader_only: bool) -> dict[str, Any]:
    ready = OLD_READY if reader_only else READY
    page = new_page(browser)
    frames = Frames(page)
    out: dict[str, Any] = {}
    try:
        out["first_open_s"] = time_open(page, server.base, "", "coding", ready, "open the Coding page")
        frames.take(page)
        opened, traffic = [], []
        for _ in range(RUNS):
            opened.append(time_open(page, server.base, "", "coding", ready, "open the Coding page"))
            traffic.append(frames.take(page))
        out["open"] = {**stats(opened, TARGETS["open"], base["open"]["median_s"]), "websocket_last_run": traffic[-1]}
        out["dom"] = page.evaluate(DOM_JS, SELECTORS)
        if reader_only:
            return out
        wait_ready(page, [SELECTORS[name] for name in ON_OPEN] + DRAWN_MARKS, "the workbench as opened")
        out["dom"]["pending_in_db"] = _query(db, "SELECT count(*) FROM coding WHERE status = 'suggested'")[0]
        for action in ("accept", "reject", "recode"):
            runs = []
            for _ in range(RUNS):
                wait_ready(page, READY, f"{action}: the workbench ready again")
                page.wait_for_timeout(300)
                frames.take(page)
                runs.append({**time_decision(page, db, action), "websocket": frames.take(page)})
            out[action] = {
                "visible": stats(
                    [r["visible_s"] for r in runs],
                    TARGETS["decision_visible"],
                    base["rerun"]["median_s"],
                    [r["visible_dom_s"] for r in runs],
                ),
                "stored": stats([r["stored_s"] for r in runs], TARGETS["decision_stored"], base["rerun"]["median_s"]),
                "runs": runs,
            }
        runs = []
        for number in range(RUNS):
            wait_ready(page, READY, "selection: the workbench ready again")
            page.wait_for_timeout(300)
            frames.take(page)
            runs.append({**time_selection_and_code(page, db, number), "websocket": frames.take(page)})
        rerun = base["rerun"]["median_s"]
        out["picker"] = stats(
            [r["picker_s"] for r in runs], TARGETS["picker"], rerun, [r["picker_dom_s"] for r in runs]
        )
        out["coded_visible"] = stats(
            [r["coded_visible_s"] for r in runs], TARGETS["coded_visible"], rerun, [r["coded_dom_s"] for r in runs]
        )
        out["coded_stored"] = {**stats([r["coded_stored_s"] for r in runs]), "runs": runs}
        return out
    finally:
        page.context.close()


def measure_memory(browser, server: Server, ready: list[str]) -> dict[str, Any]:
    """The server's memory with SESSIONS browser sessions open on the Coding page at once."""
    time.sleep(1)
    rss = {"sessions_0": rss_mb(server.pid)}  # after the measuring session closed: caches stay
    pages = []
    try:
        for number in range(1, SESSIONS + 1):
            page = new_page(browser)
            pages.append(page)
            page.goto(f"{server.base}/coding")
            wait_ready(page, ready, f"memory: session {number} on the Coding page")
            page.wait_for_timeout(500)
            rss[f"sessions_{number}"] = rss_mb(server.pid)
    finally:
        for page in pages:
            page.context.close()
    return {"sessions": SESSIONS, "rss_mb": rss[f"sessions_{SESSIONS}"], "rss_mb_by_sessions": rss}


def run(checkout: Path = ROOT, reader_only: bool = False) -> list[dict]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `make browser` installs it with apt (package chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "project").mkdir()
        load = round(os.getloadavg()[0], 2)
        url, counts = build(folder / "project", checkout)
        db = folder / "project" / "workbench.sqlite"
        (folder / "baseline").mkdir()
        (folder / "baseline" / "app.py").write_text(textwrap.dedent(BASELINE_APP), encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                with serve(folder / "baseline" / "app.py", {}) as server:
                    base = measure_baseline(browser, server)
                env = {"QCODER_DB_URL": url, "PYTHONPATH": str(checkout)}
                with serve(entry_point(checkout), env, checkout) as server:
                    measured = measure_app(browser, server, db, base, reader_only)
                    measured["memory"] = measure_memory(browser, server, OLD_READY if reader_only else READY)
            finally:
                browser.close()
    # Other work on the machine slows the browser most: keep the 1-minute load next to the numbers.
    measured["load_average"] = {"start": load, "end": round(os.getloadavg()[0], 2)}
    return [_result(counts, base, measured, checkout, reader_only)]


def _result(counts: dict, base: dict, m: dict, checkout: Path, reader_only: bool) -> dict[str, Any]:
    seconds, baseline = m["open"]["median_s"], base["open"]["median_s"]
    summary = (
        f"Coding page, {counts['characters']} chars / {counts.get('suggested', 0)} pending / "
        f"{counts.get('accepted', 0) + counts.get('manual', 0)} codings: open {seconds:.2f} s (target 1.5 s) = "
        f"{seconds / baseline:.1f} x a one-line page ({baseline * 1000:.0f} ms)"
    )
    if not reader_only:
        summary += "; " + ", ".join(
            f"{what} {m[what]['visible']['median_s'] * 1000:.0f}/{m[what]['stored']['median_s'] * 1000:.0f} ms"
            for what in ("accept", "reject", "recode")
        )
        summary += (
            f" (shown/stored; targets 200/1000); picker {m['picker']['median_s'] * 1000:.0f} ms (200), "
            f"coded {m['coded_visible']['median_s'] * 1000:.0f} ms (500)"
        )
    summary += f"; server {m['memory']['rss_mb']:.0f} MB with {SESSIONS} sessions"
    return {
        "name": "coding_browser" if not reader_only else "coding_browser_reader_only",
        "project": counts,
        "seconds": seconds,
        "baseline": "a Streamlit page showing one line of text: navigation click → drawn",
        "baseline_seconds": baseline,
        "ratio": seconds / baseline,
        "target_seconds": TARGETS["open"],
        "baseline_rerun_seconds": base["rerun"]["median_s"],
        "baselines": base,
        "ratios": "open against the one-line page; clicks against the button rerunning a one-line page",
        "checkout": str(checkout),
        "commit": _commit(checkout),
        "chromium": CHROMIUM,
        **m,
        "summary": summary,
    }


def _commit(checkout: Path) -> str:
    """The served commit, with "+changes" when its working tree differs (numbers of uncommitted code)."""
    git = ["git", "-C", str(checkout)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run([*git, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True)
    return head + ("+changes" if dirty.stdout.strip() else "")


def main() -> None:
    global WAIT_S
    if sys.argv[1:2] == ["build"]:  # the child of build(): the checkout's `coder` before this one's
        folder, checkout = Path(sys.argv[2]), Path(sys.argv[3])
        sys.path.insert(0, str(checkout))
        print(json.dumps(_build(folder, checkout)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkout", type=Path, default=ROOT, help="serve the app of this checkout")
    parser.add_argument("--reader-only", action="store_true", help="the old page: open and memory only")
    parser.add_argument("--wait", type=float, default=WAIT_S, help="seconds to wait for a selector (old page: 300)")
    parser.add_argument("--no-write", action="store_true", help="print the result, do not write bench/results")
    args = parser.parse_args()
    WAIT_S = args.wait
    for result in run(args.checkout.resolve(), args.reader_only):
        result["machine"] = {"python": sys.version.split()[0], "platform": platform.platform()}
        if not args.no_write:
            RESULTS.mkdir(exist_ok=True)
            (RESULTS / f"{result['name']}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
        print(
            json.dumps(result, ensure_ascii=False, indent=2)
            if args.no_write
            else f"{result['name']}: {result['summary']}"
        )


if __name__ == "__main__":
    main()
