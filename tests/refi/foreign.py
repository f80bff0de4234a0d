"""REFI-QDA packages written the way other tools write them, for the importer's tests.

Each test spells out the XML it imports; these helpers only wrap it in a project element and a zip,
and place selections by quote in the raw text (code points, CR LF counted as two).
"""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

NS = "urn:QDA-XML:project:1.0"
# GUIDs as Windows tools write them: upper case, in braces.
USER = "{0A1B2C3D-0000-4000-8000-00000000A001}"
BACKSTAGE = "{0A1B2C3D-0000-4000-8000-00000000C001}"
UNKNOWN = "{0A1B2C3D-0000-4000-8000-00000000C002}"
PUBLIC = "{0A1B2C3D-0000-4000-8000-00000000C003}"


def project(body: str, name: str = "田野调查") -> str:
    return f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{NS}" name="{name}" origin="OtherQDA 2024">\n{body}\n</Project>\n'


def codebook() -> str:
    """A tree like another tool's: a folder code, codes named as in qcoder's default codebook, one unknown."""
    return f"""<Users><User guid="{USER}" name="王老师"/></Users>
<CodeBook><Codes>
  <Code guid="{{0A1B2C3D-0000-4000-8000-00000000C000}}" name="场景" isCodable="false">
    <Code guid="{BACKSTAGE}" name="前置场景·求稳求安的幕后空间" isCodable="true" color="#abc"/>
  </Code>
  <Code guid="{PUBLIC}" name="结果运用公开化" isCodable="true"/>
  <Code guid="{UNKNOWN}" name="基层减负" isCodable="true" color="#112233"><Description>减轻基层负担的做法</Description></Code>
</Codes></CodeBook>"""


def windows_text(text: str) -> bytes:
    """UTF-8 with a BOM and CR LF line ends, as some tools write their source files."""
    return codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode("utf-8")


def span(raw: str, quote: str) -> str:
    """startPosition/endPosition attributes of ``quote`` in ``raw`` (the text as the file holds it)."""
    start = raw.index(quote)
    return f'startPosition="{start}" endPosition="{start + len(quote)}"'


def selection(n: int, raw: str, quote: str, code: str, note: str = "") -> str:
    """Selection number ``n`` of ``quote``, coded ``code`` by 王老师 (with a note on the coding, if given)."""
    ref = f'<NoteRef targetGUID="{note}"/>' if note else ""
    return (
        f'<PlainTextSelection guid="{{5E1EC710-0000-4000-8000-{n:012X}}}" {span(raw, quote)}>'
        f'<Coding guid="{{C0D1D600-0000-4000-8000-{n:012X}}}" creatingUser="{USER}" '
        f'creationDateTime="2024-03-01T09:30:00Z"><CodeRef targetGUID="{code}"/>{ref}</Coding>'
        "</PlainTextSelection>"
    )


def qdpx(path: Path, members: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path
