"""What a database URL or a database error may show a person: never SQL, its parameters or a password.

SQLAlchemy's text of a failed statement carries the statement and its parameters — an interviewee's
name, a transcript — and a driver's may echo connection settings, so messages and logs use
:func:`describe` and :func:`display_url`, never ``str(exc)`` or the URL as given.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, StatementError

SECRET_KEYS = ("password", "passwd", "pwd")  # URL query settings that carry a password, however spelled
MASK = "***"
MAX_DETAIL = 300  # characters of a driver's message: its first line may still quote a value at length
# user:password@ — a password may hold any character, "/" and "@" included, so it runs from the first ":"
# after "://" to the LAST "@" (greedy), wherever a parser would split it (SQLAlchemy ends it at the first
# "@" and takes the rest as part of the host name, which a driver then echoes).
_USERINFO = re.compile(r"(://[^/:]*:)(.*)@", re.DOTALL)
_QUERY_SECRET = re.compile(rf"([?&](?:{'|'.join(SECRET_KEYS)})=)([^&]*)", re.IGNORECASE)


def display_url(url: str | URL) -> str:
    """The URL for messages, its password hidden whether given as user:password@ or ?password= (passwd, pwd)."""
    text = url.render_as_string(hide_password=True) if isinstance(url, URL) else url
    return _QUERY_SECRET.sub(rf"\g<1>{MASK}", _USERINFO.sub(rf"\g<1>{MASK}@", text))


def describe(exc: BaseException, url: str | URL | None = None) -> str:
    """``Class: message`` of what the driver said — PostgreSQL's primary message, else the first line —
    without the statement, its parameters, a PostgreSQL DETAIL line (which quotes row values) or any
    password of ``url``."""
    cause = exc.orig if isinstance(exc, StatementError) and exc.orig is not None else exc
    primary = getattr(getattr(cause, "diag", None), "message_primary", None)
    lines = [line.strip() for line in str(primary or cause).splitlines() if line.strip()]
    detail = lines[0] if lines else ""
    if len(detail) > MAX_DETAIL:
        detail = detail[:MAX_DETAIL] + "…"
    for secret in _secrets(url):
        detail = detail.replace(secret, MASK)
    return f"{type(cause).__name__}: {detail}" if detail else type(cause).__name__


def _secrets(url: str | URL | None) -> list[str]:
    """Every password of ``url`` as typed, decoded, and in the pieces a parser splits it into at "@"."""
    if url is None:
        return []
    text = url.render_as_string(hide_password=False) if isinstance(url, URL) else url
    values = [found.group(2) for found in _QUERY_SECRET.finditer(text)]
    if userinfo := _USERINFO.search(text):
        pieces = userinfo.group(2).split("@")
        values += ["@".join(pieces[:i]) for i in range(1, len(pieces) + 1)]  # what SQLAlchemy takes, and more
        values += ["@".join(pieces[i:]) for i in range(1, len(pieces))]  # what it leaves in the host name
    parsed = _parsed(url)
    if parsed is not None:
        values.append(parsed.password)
        for key, value in parsed.query.items():
            if key.lower() in SECRET_KEYS:
                values.extend([value] if isinstance(value, str) else value)  # a repeated setting is a tuple
    values += [unquote(str(v)) for v in values if v]
    return sorted({str(v) for v in values if v}, key=len, reverse=True)  # a longer secret before its parts


def _parsed(url: str | URL) -> URL | None:
    if isinstance(url, URL):
        return url
    try:
        return make_url(url)
    except (ArgumentError, ValueError):
        return None
