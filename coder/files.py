"""Output files written whole or not at all, and plain words for why a place cannot be written.

An output goes to a hidden temporary file beside its target (the same folder, so the rename is atomic),
is flushed to the disk, and only then replaces the target. A crash, a full disk, a file-size limit or
Ctrl-C at any moment leaves the previous file exactly as it was; after ``kill -9`` a hidden
``.NAME.XXXXXXXXXXXX.tmp`` may remain beside it, recognisable by that name.
"""

from __future__ import annotations

import contextlib
import errno
import os
import resource
import secrets
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from coder.errors import QcoderError

TEMP_SUFFIX = ".tmp"
_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_DENIED = {errno.EACCES, errno.EPERM}


def write_atomically(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` whole or not at all; True when it replaced an existing file.

    A device or a pipe (``/dev/stdout``, ``/dev/full``) holds no previous file to keep, so it is written
    directly. A symbolic link keeps pointing where it did: the file it points to is replaced. A file
    that may not be written is refused, though its folder would allow replacing it. Any failure of the
    system becomes a QcoderError naming ``path`` and the cause.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise unwritable(path, exc) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise unwritable(path, IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path)))
    if info is not None and not os.access(path, os.W_OK):  # replacing it would ignore its owner's "keep this"
        raise unwritable(path, PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path)))
    if info is not None and not stat.S_ISREG(info.st_mode):
        try:
            with open(path, "wb") as stream:
                stream.write(data)
        except OSError as exc:
            raise unwritable(path, exc, kept=False) from None
        return False
    target = Path(os.path.realpath(path))
    temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}")
    try:
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise unwritable(path, exc) from None
    try:
        with os.fdopen(handle, "wb") as out:
            if info is not None:
                os.fchmod(out.fileno(), stat.S_IMODE(info.st_mode))
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException as exc:  # Ctrl-C too: never leave a half-written temporary file behind
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise unwritable(path, exc) from None
        raise
    _sync_folder(target.parent)
    return info is not None


@contextlib.contextmanager
def undone_on_failure(path: Path) -> Iterator[Callable[[bytes], None]]:
    """A writer of ``path`` for a block that can still fail after writing it (a database transaction
    whose commit comes last): when the block fails, a file it wrote is put back as it was before the
    block, or removed when there was none. Writing the same data again, as a retried block does, is
    harmless: what is put back is what was there before the first try."""
    try:
        before = path.read_bytes()
    except FileNotFoundError:
        before = None
    except OSError as exc:  # a folder, or a file this process may not read, is no file to write either
        raise unwritable(path, exc) from None
    written = False

    def write(data: bytes) -> None:
        nonlocal written
        write_atomically(path, data)
        written = True

    try:
        yield write
    except BaseException:
        if written:
            if before is None:
                path.unlink(missing_ok=True)
            else:
                write_atomically(path, before)
        raise


def _sync_folder(folder: Path) -> None:
    # The rename is on disk only once the folder is; some file systems cannot sync a folder, and the
    # new file is complete either way, so a refusal here is no reason to report a failed write.
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def unwritable(path: Path | str, exc: OSError, kept: bool = True) -> QcoderError:
    """The message for an output that could not be written: the path, the cause and, for a file that
    was written atomically (``kept``), that nothing was left half done."""
    zh, en = cause(Path(path), exc)
    if kept:
        zh, en = (
            f"{zh}；原有文件（如有）未改动，也没有留下不完整的文件",
            f"{en}; any previous file is unchanged and no partial file was left",
        )
    return QcoderError(f"无法写入 {path}：{zh}", f"cannot write {path}: {en}")


def cause(path: Path, exc: OSError) -> tuple[str, str]:
    """Why ``path`` could not be created or written, in Chinese and English, from the system's error."""
    folder = path.parent
    code = exc.errno
    if code in _FULL:
        return (
            "磁盘已满（或磁盘配额已用完），请腾出空间后重试",
            "the disk is full (or the disk quota is used up): free some space",
        )
    if code == errno.EFBIG:
        limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
        if limit == resource.RLIM_INFINITY:
            return "文件超过了该文件系统允许的最大文件大小", "the file is larger than the file system allows"
        return (
            f"文件超过了本进程可写的大小上限 {limit} 字节（ulimit -f {limit // 1024}）；用 ulimit -f unlimited 提高该上限",
            f"the file is larger than this process may write: the limit is {limit} bytes (ulimit -f {limit // 1024}); "
            "raise it with ulimit -f unlimited",
        )
    if code in (errno.ENOTDIR, errno.EEXIST) and (blocker := _file_in_the_way(path)) is not None:
        return f"{blocker} 是文件而不是文件夹", f"{blocker} is a file, not a folder"
    if code == errno.EISDIR:
        return f"{path} 是文件夹，请给出文件名", f"{path} is a folder: give a file name"
    if code == errno.ENOENT:
        if not folder.exists():
            return f"文件夹 {folder} 不存在，请先建立它", f"folder {folder} does not exist: create it first"
        return f"文件夹 {folder} 中不能建立文件", f"files cannot be created in folder {folder}"
    if code == errno.EROFS:
        return f"{folder} 位于只读文件系统上", f"{folder} is on a read-only file system"
    if code in _DENIED:
        if exc.filename == str(path):
            return f"没有建立或写入 {path} 的权限", f"no permission to create or write {path}"
        return f"没有在文件夹 {folder} 中写入的权限", f"no permission to write in folder {folder}"
    return f"系统报告：{exc.strerror}", f"the system reported: {exc.strerror}"


def _file_in_the_way(path: Path) -> Path | None:
    """The nearest existing one of ``path`` and its ancestors when it is a file where a folder should be."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return None if candidate.is_dir() else candidate
    return None
