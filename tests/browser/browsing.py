"""What the browser tests share: where screenshots go, waiting for Streamlit, selecting like a mouse."""

from pathlib import Path

from coder.demo import CODEBOOK
from tests.helpers import Cli

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots of each page (git-ignored)
CHROMIUM = "/usr/bin/chromium"
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def tagged_project(folder: Path, *paths: Path) -> str:
    """A project in ``folder`` with its own copy of the codebook, ``paths`` imported and tagged: its database URL."""
    (folder / "codebook.yaml").write_text(CODEBOOK.read_text(encoding="utf-8"), encoding="utf-8")
    url = f"sqlite:///{folder / 'app.sqlite'}"
    cli = Cli(url, folder)
    assert cli("init").exit_code == 0
    assert cli("import", *map(str, paths)).exit_code == 0
    assert cli("tag").exit_code == 0
    return url


def settle(page) -> None:
    page.wait_for_selector(READY, timeout=30_000)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def select_in_reader(page, phrase: str, occurrence: int = 0) -> None:
    """Select ``phrase`` in the reading view as a mouse would, and release the button."""
    page.evaluate(
        """([phrase, occurrence]) => {
            const box = document.querySelector('[data-testid="qc-reader"]');
            const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
            let seen = 0;
            while (walker.nextNode()) {
                const node = walker.currentNode, at = node.textContent.indexOf(phrase);
                if (at < 0 || seen++ < occurrence) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + phrase.length);
                const selection = document.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                node.parentElement.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
                return;
            }
            throw new Error("phrase not in one piece of the reading view: " + phrase);
        }""",
        [phrase, occurrence],
    )


def click_in_reader(page, phrase: str) -> None:
    """Put the cursor in the middle of ``phrase`` with a click (no selection)."""
    page.evaluate(
        """(phrase) => {
            const box = document.querySelector('[data-testid="qc-reader"]');
            const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const node = walker.currentNode, at = node.textContent.indexOf(phrase);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at + 1);
                range.collapse(true);
                const selection = document.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                node.parentElement.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
                node.parentElement.dispatchEvent(new MouseEvent("click", { bubbles: true }));
                return;
            }
            throw new Error("phrase not in one piece of the reading view: " + phrase);
        }""",
        phrase,
    )
