"""One error type for everything a user can get wrong.

Every message a researcher sees names the file, line or ID and the rule that was broken, in Chinese
first and English second, so the CLI and the app can show it without a stack trace.
"""

from __future__ import annotations


class Bilingual(str):
    """A message in both languages that reads as ``zh<sep>en`` wherever a plain string goes (the command
    line, JSON, the audit log), and gives the app one language at a time: ``.zh`` and ``.en`` (as a
    QcoderError does; coder.ui.i18n.message shows either)."""

    zh: str
    en: str
    sep: str

    def __new__(cls, zh: str, en: str, sep: str = "；") -> Bilingual:
        made = super().__new__(cls, f"{zh}{sep}{en}")
        made.zh, made.en, made.sep = zh, en, sep
        return made

    def __getnewargs__(self) -> tuple[str, str, str]:  # pickled (Streamlit's cache) as its two languages
        return self.zh, self.en, self.sep


def both(problem: QcoderError) -> Bilingual:
    """A refusal's message as data a result can carry: ``zh / en`` as text, each language on its own."""
    return Bilingual(problem.zh, problem.en, " / ")


class QcoderError(Exception):
    """A user-facing error with a Chinese and an English message."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


class NotInitialised(QcoderError):
    """No project at this database URL yet (a missing SQLite file, no schema, or an older one)."""


class FileProblem(QcoderError):
    """A file that cannot be imported; the message names the file and the reason."""
