"""Files uploaded in the app: the ID each will get, shown before anything is kept, then each file kept
once in the corpus folder and imported.

The corpus folder is what researchers keep in git and what ``qcoder import corpus`` rebuilds a project
from, so an uploaded file is kept under the folder of the kind it was imported as
(``corpus/policy/…``), and a file that carried no ID is kept under a name that starts with the one it
was given (``20220401-P05_关于印发….docx``): importing the folder again gives every file the same ID.
Nothing is kept for a file that fails, and a file already in the project (the same bytes) is neither
kept again nor imported again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from coder.db.models import Source
from coder.errors import FileProblem, QcoderError
from coder.files import unwritable, write_atomically
from coder.sources import ids
from coder.sources.catalogue import source_ids
from coder.sources.corpus import FileResult, import_file, read_source

KIND_FOLDER_NAMES = {"interview": "interviews", "policy": "policy", "media": "media"}


@dataclass
class UploadPlan:
    """What importing one uploaded file would do; nothing has been kept or written yet."""

    name: str
    status: str  # new | unchanged (the same bytes are in the project) | failed
    kind: str | None = None  # the file's own kind (front matter) wins over the one chosen on the page
    id: str | None = None
    declared: bool = False  # the file carries its ID (front matter or name): it is not for the page to change
    assigned: str | None = None  # how qcoder chose the ID, zh / en
    message: str | None = None
    warnings: list[str] = field(default_factory=list)


def preview(engine: Engine, name: str, data: bytes, kind: str) -> UploadPlan:
    """The ID ``name`` would be imported under, read from its bytes beside the project's IDs."""
    name = Path(name).name  # no directories from the browser's file name
    try:
        parsed = read_source(Path(name), kind, raw=data)
    except FileProblem as problem:
        return UploadPlan(name, "failed", kind=kind, message=str(problem))
    upload = UploadPlan(name, "new", parsed.kind, parsed.id or None, declared=parsed.plan is None)
    upload.warnings = list(parsed.warnings)
    with Session(engine) as session:
        twin = session.exec(select(Source.id).where(Source.sha256 == parsed.sha256)).first()
        if twin is not None:
            upload.status, upload.id = "unchanged", twin
            return upload
        if parsed.plan is not None:
            made = parsed.plan.make(source_ids(session))
            upload.id, upload.assigned = made.id, " / ".join(parsed.plan.explain(made.id))
            upload.warnings += made.warnings
        elif session.get(Source, parsed.id) is not None:
            upload.status = "failed"
            upload.message = str(
                FileProblem(
                    f"{name}：编号 {parsed.id} 已被另一份内容不同的来源使用；不会覆盖",
                    f"{name}: ID {parsed.id} is taken by another source with other content; nothing is overwritten",
                )
            )
    return upload


def import_upload(
    engine: Engine,
    corpus: Path,
    name: str,
    data: bytes,
    kind: str,
    coder: str | None = None,
    record_id: str | None = None,
) -> FileResult:
    """Keep an uploaded file in the corpus folder of its kind, then import it like any file.

    ``record_id`` is the ID the person confirmed or typed for a file that carries none; without it the
    one :func:`preview` shows is used. An existing file of the same name is never overwritten; a failed
    import removes the copy it made.
    """
    upload = preview(engine, name, data, kind)
    if upload.status == "unchanged":
        return FileResult(upload.name, "unchanged", upload.id, upload.kind)
    if upload.status == "failed" and (upload.declared or not record_id):  # a typed ID may cure a missing one
        return FileResult(upload.name, "failed", upload.id, message=upload.message)
    chosen = ids.canonical(record_id) if record_id else upload.id
    if upload.declared and chosen != upload.id:
        message = FileProblem(
            f"{upload.name}：文件自带编号 {upload.id}，不能改为 {chosen}；请改文件名或元数据中的 id",
            f"{upload.name}: the file carries the ID {upload.id} and cannot be given {chosen}; "
            "change its name or its front-matter id",
        )
        return FileResult(upload.name, "failed", message=str(message))
    assigned = None
    if not upload.declared:
        assigned = (
            upload.assigned if chosen == upload.id else f"编号 {chosen} 由上传者指定 / ID {chosen} given at upload"
        )
    stored_kind = upload.kind or kind
    stem = upload.name if upload.declared else f"{chosen}_{upload.name}"
    return _keep_and_import(engine, corpus, stored_kind, stem, data, coder, assigned)


def _keep_and_import(
    engine: Engine, corpus: Path, kind: str, file_name: str, data: bytes, coder: str | None, assigned: str | None
) -> FileResult:
    folder = corpus / KIND_FOLDER_NAMES[kind]
    target = folder / file_name
    if target.exists() and target.read_bytes() != data:
        message = FileProblem(
            f"{file_name}：语料文件夹中已有同名但内容不同的文件 {target}，未覆盖",
            f"{file_name}: {target} already exists with other content; nothing was overwritten",
        )
        return FileResult(file_name, "failed", message=str(message))
    created = not target.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(target, data)
    except OSError as exc:
        return FileResult(file_name, "failed", message=str(unwritable(target, exc)))
    except QcoderError as exc:
        return FileResult(file_name, "failed", message=str(exc))
    result = import_file(engine, target, kind, root=corpus, coder=coder, assigned=assigned)
    if result.status == "failed" and created:
        target.unlink()
    return result
