"""Files uploaded in the app: the ID each will get, shown before anything is kept, then each file kept
once in the corpus folder and imported.

The corpus folder is what researchers keep in git and what ``qcoder import corpus`` rebuilds a project
from, so an uploaded file is kept under the folder of the kind it was imported as
(``corpus/policy/…``), and a file that carried no ID is kept under a name that starts with the one it
was given (``20220401-P05_关于印发….docx``): importing the folder again gives every file the same ID.
A file is kept only once its import has committed, so a failed one keeps nothing, and a file already in
the project (the same bytes) is neither kept again nor imported again. The ID a preview shows is drawn
again when the file is stored, in turn with other imports, so two uploads at once never share a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from coder.db.models import Source
from coder.errors import Bilingual, FileProblem, QcoderError, both
from coder.files import unwritable, write_atomically
from coder.sources import assign, ids
from coder.sources.catalogue import source_ids
from coder.sources.corpus import FileResult, ParsedSource, import_read, read_source

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


def preview(
    engine: Engine, name: str, data: bytes, kind: str, taken: frozenset[str] | set[str] = frozenset()
) -> UploadPlan:
    """The ID ``name`` would be imported under, read from its bytes beside the project's IDs and ``taken``
    (the IDs the files before it in the same upload will get, so that a batch shows P05, P06 …)."""
    name = Path(name).name  # no directories from the browser's file name
    try:
        parsed = read_source(Path(name), kind, raw=data)
    except QcoderError as problem:
        return UploadPlan(name, "failed", kind=kind, message=both(problem))
    except Exception as exc:  # a reader library's own failure: named, never a traceback on the page
        message = FileProblem(
            f"{name}：无法读取（{type(exc).__name__}）", f"{name}: cannot be read ({type(exc).__name__})"
        )
        return UploadPlan(name, "failed", kind=kind, message=both(message))
    upload = UploadPlan(name, "new", parsed.kind, parsed.id or None, declared=parsed.plan is None)
    upload.warnings = list(parsed.warnings)
    with Session(engine) as session:
        twin = session.exec(select(Source.id).where(Source.sha256 == parsed.sha256)).first()
        if twin is not None:
            upload.status, upload.id = "unchanged", twin
            return upload
        if parsed.plan is not None:
            made = parsed.plan.make(source_ids(session) | set(taken))
            upload.id, upload.assigned = made.id, Bilingual(*parsed.plan.explain(made.id), " / ")
            upload.warnings += made.warnings
        elif session.get(Source, parsed.id) is not None:
            upload.status = "failed"
            upload.message = both(
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
    """Import an uploaded file, then keep it in the corpus folder of its kind.

    Without ``record_id`` a file that carries no ID gets the next one when it is stored, as ``qcoder
    import`` gives it (drawn in turn with other imports: two uploads at once never share a number);
    ``record_id`` is one the person typed instead. The bytes are read and stored first and the file is
    kept only once the import committed, under ``corpus/<kind>/<ID>_<name>`` when qcoder named it: a
    failed import keeps nothing, and an existing file of the same name is never overwritten.
    """
    name = Path(name).name  # no directories from the browser's file name
    try:
        typed = _typed(name, record_id)
    except FileProblem as problem:
        return FileResult(name, "failed", message=both(problem))
    file_name = f"{typed}_{name}" if typed else name

    def read() -> ParsedSource:
        parsed = read_source(corpus / KIND_FOLDER_NAMES[kind] / file_name, kind, root=corpus, raw=data)
        if typed and parsed.id != typed:
            raise FileProblem(
                f"{name}：文件自带编号 {parsed.id}，不能改为 {typed}；请改文件名或元数据中的 id",
                f"{name}: the file carries the ID {parsed.id} and cannot be given {typed}; "
                "change its name or its front-matter id",
            )
        parsed.path = corpus / KIND_FOLDER_NAMES[parsed.kind] / file_name  # its own kind's folder
        parsed.name_with_id = parsed.plan is not None
        if typed:
            parsed.assigned = Bilingual(f"编号 {typed} 由上传者指定", f"ID {typed} given at upload", " / ")
        if parsed.plan is None:
            _refuse_other_file_at(parsed.path, data)
        return parsed

    result = import_read(engine, name, read, coder)
    if result.status == "imported":
        _keep(Path(result.path), data, result)
    return result


def _typed(name: str, record_id: str | None) -> str | None:
    """The ID the person typed, checked before anything is read or written; None when there is none to
    add (none typed, or the one the file's name carries already)."""
    if not record_id or not record_id.strip():
        return None
    typed = ids.canonical(record_id)
    try:
        ids.parse(typed)  # the shape; the kind is checked against the file's own when it is read
    except ids.IdError as exc:
        raise FileProblem(f"{name}：{exc.zh}", f"{name}: {exc.en}") from None
    own = assign.declared_id(Path(name), {})
    if own is not None and own != typed:
        raise FileProblem(
            f"{name}：文件名自带编号 {own}，不能改为 {typed}；请改文件名",
            f"{name}: the file's name carries the ID {own} and cannot be given {typed}; rename the file",
        )
    return None if own == typed else typed


def _refuse_other_file_at(target: Path, data: bytes) -> None:
    if target.exists() and target.read_bytes() != data:
        raise FileProblem(
            f"{target.name}：语料文件夹中已有同名但内容不同的文件 {target}，未覆盖",
            f"{target.name}: {target} already exists with other content; nothing was overwritten",
        )


def _keep(target: Path, data: bytes, result: FileResult) -> None:
    """Keep the imported bytes at ``target``; a file there already is never replaced. Not being able to
    keep it does not undo the import: the result says so."""
    if target.exists():
        if target.read_bytes() != data:
            result.warnings.append(
                Bilingual(
                    f"已导入，但 {target} 已存在且内容不同，文件未保存到语料文件夹",
                    f"imported, but {target} exists with other content, so the file was not kept in the corpus folder",
                )
            )
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, data)
    except OSError as exc:
        problem = unwritable(target, exc)
        result.warnings.append(
            Bilingual(f"已导入，但文件未能保存：{problem.zh}", f"imported, but the file was not kept: {problem.en}")
        )
    except QcoderError as problem:
        result.warnings.append(
            Bilingual(f"已导入，但文件未能保存：{problem.zh}", f"imported, but the file was not kept: {problem.en}")
        )
