"""What qcoder's REFI-QDA modules share: namespaces, stable GUIDs, timestamps, safe XML, the .qdpx zip.

REFI-QDA (QDA-XML 1.0) is the exchange standard NVivo, ATLAS.ti, MAXQDA and others read and write: a
project is a ``.qdpx`` (a zip of ``project.qde`` and ``sources/``), a codebook a ``.qdc``.

GUIDs are ``uuid5`` of one fixed namespace and the entity's natural key (a source's record ID, a code's
id, a coder's name …), never random: exporting the same project twice gives the same file, and when a
tool that keeps GUIDs sends a project back, qcoder recognises its own codes and codings in it. What came
from another tool keeps that tool's GUID instead (see :mod:`coder.export.qdpx_import`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from coder import limits
from coder.errors import QcoderError

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "qcoder"
# Fixed forever: a different namespace would give every code, source and coding a new GUID.
NAMESPACE = uuid.UUID("5d0c1c2e-7a43-5b7e-9a57-2f0b7f1e6c11")
_GUID = re.compile(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")


def guid(*key: object) -> str:
    """The stable GUID of an entity: ``guid("code", "structure.tiering")``."""
    return str(uuid.uuid5(NAMESPACE, json.dumps(key, ensure_ascii=False)))


def guid_key(value: str | None) -> str:
    """A GUID as written by any tool (upper case, in braces) in the form :func:`guid` gives."""
    return (value or "").strip().strip("{}").lower()


def is_guid(value: str) -> bool:
    """Whether ``value`` (as :func:`guid_key` gives it) is a GUID the standard allows: kept GUIDs must be."""
    return _GUID.fullmatch(value) is not None


def timestamp(value: dt.datetime) -> str:
    """An xsd:dateTime in UTC to the second (SQLite hands back naive datetimes, which are UTC here)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(value: str | None) -> dt.datetime | None:
    """An xsd:dateTime as an aware UTC datetime; None when absent or unreadable (the caller decides)."""
    try:
        parsed = dt.datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def parse_xml(data: bytes, where: str) -> etree._Element:
    """Parse XML from a file someone sent: no entity expansion, no DTDs, no network."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise QcoderError(f"{where}：不是有效的 XML（{exc}）", f"{where}: not valid XML ({exc})") from None
    limits.check_xml_tree(root, where)
    return root


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname


@dataclass
class Package:
    """An opened .qdpx: its project XML and its other files, looked up the way other tools write them."""

    path: Path
    archive: zipfile.ZipFile
    qde: str
    root: etree._Element

    def source_file(self, name: str) -> bytes | None:
        """The file an ``internal://name`` path points at: in ``sources/`` or ``Sources/`` (any case)."""
        wanted = {f"sources/{name}".lower(), name.lower()}
        member = next((m for m in self.archive.namelist() if m.lower() in wanted), None)
        return None if member is None else limits.read_member(self.archive, member, str(self.path))


@contextmanager
def open_qdpx(path: Path) -> Iterator[Package]:
    """Open a .qdpx and parse its project file: ``project.qde``, or the one ``*.qde`` at the top."""
    archive = limits.open_archive(path, str(path), ".qdpx")
    with archive:
        qde = _project_member(path, archive.namelist())
        root = parse_xml(limits.read_member(archive, qde, str(path)), f"{path}: {qde}")
        if local_name(root) != "Project":
            raise QcoderError(
                f"{path}: {qde} 的根元素是 {local_name(root)}，应为 Project",
                f"{path}: the root element of {qde} is {local_name(root)}, not Project",
            )
        yield Package(path, archive, qde, root)


def _project_member(path: Path, names: list[str]) -> str:
    """``project.qde`` as the standard says; else the only ``*.qde`` at the top (some tools name it
    after the project). Two candidates are refused: guessing could import the wrong project."""
    candidates = [n for n in names if "/" not in n and n.lower().endswith(".qde")]
    standard = [n for n in candidates if n.lower() == "project.qde"]
    if standard:
        return standard[0]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise QcoderError(
            f"{path}：zip 顶层没有 .qde 项目文件（应为 project.qde）",
            f"{path}: no .qde project file at the top of the zip (expected project.qde)",
        )
    listing = ", ".join(sorted(candidates))
    raise QcoderError(
        f"{path}：zip 顶层有多个 .qde 文件（{listing}），无法确定哪个是项目；请只保留一个或改名为 project.qde",
        f"{path}: several .qde files at the top of the zip ({listing}), so which one is the project is unclear; "
        "keep one or name it project.qde",
    )
