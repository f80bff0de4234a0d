"""One error type for everything a user can get wrong.

Every message a researcher sees names the file, line or ID and the rule that was broken, in Chinese
first and English second, so the CLI and the app can show it without a stack trace.
"""

from __future__ import annotations


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
