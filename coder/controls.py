r"""Characters that act instead of showing: found in what people write, shown escaped to people.

A file name, a title, a code name or a transcript may carry an ANSI escape (``\x1b[2J`` clears the
screen), another C0 or C1 control, a bidi override that makes ``txt.exe`` read as ``exe.txt``, or, in a
Linux file name that is not UTF-8, a lone surrogate that cannot be written out at all. Printed raw, any
of these takes over the terminal or crashes the print.

:func:`escaped` shows each as a Python-style escape (``\x1b``, ``\u202e``, ``\udcd6``) and a backslash
as ``\\``, so an escape and a literal backslash never look alike. Tab and newline stay: they lay text out.
:func:`json_escaped` does the same for a JSON document in JSON's own notation, so ``--json`` output still
parses back to exactly the stored strings.
"""

from __future__ import annotations

import re

_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
CONTROL = re.compile(f"[{_UNSAFE}]")
_SHOWN = re.compile(f"[{_UNSAFE}\\\\]")
# json.dumps(ensure_ascii=False) escapes C0 itself; DEL, C1, bidi controls and lone surrogates it leaves raw.
_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def escaped(text: str) -> str:
    """``text`` as a terminal may show it: every control character (tab and newline apart) escaped."""
    return _SHOWN.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == ord("\\"):
        return "\\\\"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def json_escaped(document: str) -> str:
    """A JSON document from ``json.dumps(..., ensure_ascii=False)`` with the control characters it left
    raw written as ``\\uXXXX``: they occur only inside strings, so the data parse back unchanged."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", document)
