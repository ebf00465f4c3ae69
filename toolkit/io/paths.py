"""Check a command's paths before it does any long work, each failure one located line.

Every check raises ``InputError`` (file: what was found, what was expected). Output checks
probe the folder by creating (and removing) a temporary file there, because permission bits
say nothing for root: what fails for root is a read-only file system, ``/proc`` or ``/sys``,
or a file where a folder should be, and only trying finds those.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> output_file(folder / "new" / "out.jsonl", "the predictions")
>>> output_file(folder, "the predictions")
Traceback (most recent call last):
...
toolkit.problems.InputError: ...: found a folder, expected a file to write the predictions into
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..problems import InputError

#: the longest file name and path most systems take, where the system does not say its own
NAME_MAX, PATH_MAX = 255, 4096


def name_problem(path: str | os.PathLike) -> tuple[str, str] | None:
    """What makes ``path`` unusable on this system before any file is touched, as ``(found,
    expected)``: a name (one component) or a whole path past the system's limits
    (``os.pathconf`` of the nearest existing folder); None when it fits."""
    path = Path(os.path.abspath(path))
    existing = next((p for p in (path, *path.parents) if _exists(p)), Path("/"))
    name_max = _pathconf(existing, "PC_NAME_MAX", NAME_MAX)
    for part in path.parts[1:]:
        size = len(os.fsencode(part))
        if size > name_max:
            return (f"a file name of {size} bytes ({part[:24]}...)",
                    f"at most {name_max} bytes (the system's limit on one name)")
    size, path_max = len(os.fsencode(str(path))), _pathconf(existing, "PC_PATH_MAX", PATH_MAX)
    if size >= path_max:
        return f"a path of {size} bytes", f"fewer than {path_max} (the system's limit)"
    return None


def check_name(path: str | os.PathLike) -> None:
    """``name_problem`` raised as an ``InputError`` naming ``path``."""
    problem = name_problem(path)
    if problem is not None:
        raise InputError(path, f"found {problem[0]}, expected {problem[1]}")


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a name too long to look up does not exist
        return False


def _pathconf(path: Path, name: str, default: int) -> int:
    try:
        return os.pathconf(path, name)
    except (OSError, ValueError):
        return default


def input_file(path: str | os.PathLike, what: str) -> None:
    """``path`` must be an existing file (``what`` says what it should hold)."""
    check_name(path)
    path = Path(path)
    if path.is_dir():
        raise InputError(path, f"found a folder, expected {what}")
    if not path.exists():
        raise InputError(path, f"no such file, expected {what}")


def input_folder(path: str | os.PathLike, what: str) -> None:
    """``path`` must be an existing folder."""
    check_name(path)
    path = Path(path)
    if path.is_file():
        raise InputError(path, f"found a file, expected {what}")
    if not path.exists():
        raise InputError(path, f"no such folder, expected {what}")


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` both exist and are one file (links and relative paths too)."""
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _probe(path: Path, folder: Path) -> None:
    """The nearest existing folder at or above ``folder`` must take a new file (``path``)."""
    while not folder.exists() and folder != folder.parent:
        if folder.is_symlink():  # a dangling link: writing would create its target elsewhere
            break
        folder = folder.parent
    if not folder.is_dir():
        raise InputError(path, f"cannot write here: {folder} is a file, expected a folder")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".ecbench-probe.")
    except OSError as e:
        raise InputError(path, f"cannot write here: {folder} is not writable "
                         f"({e.strerror or e})") from None
    os.close(fd)
    os.unlink(tmp)


def output_file(path: str | os.PathLike, what: str, *,
                inputs: Iterable[str | os.PathLike | None] = ()) -> None:
    """``path`` can be written as a file: not a folder, not one of this command's ``inputs``,
    in a folder that exists (or can be made) and takes new files."""
    check_name(path)
    path = Path(path)
    if path.is_dir():
        raise InputError(path, f"found a folder, expected a file to write {what} into")
    for source in inputs:
        if source is not None and _same_file(path, Path(source)):
            raise InputError(path, f"is an input of this command; choose another file for {what}")
    _probe(path, path.resolve().parent if path.is_symlink() else path.parent)


def output_folder(path: str | os.PathLike, what: str) -> None:
    """``path`` can hold new files: a folder, or a path where one can be made."""
    check_name(path)
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputError(path, f"found a file, expected a folder to write {what} into")
    _probe(path, path)


def is_inside(folder: str | os.PathLike, path: str | os.PathLike) -> bool:
    """Whether ``path`` stays inside ``folder`` once every link on the way is followed (and
    ``..`` resolved): what a file an input names, or an output replaces, must do."""
    root, target = Path(folder).resolve(), Path(path).resolve()
    return target == root or root in target.parents


def check_inside(folder: Path, path: Path) -> None:
    """``path`` (in ``folder``) must stay inside ``folder`` (``is_inside``): else
    ``InputError``, before anything is read, written or removed through it."""
    if not is_inside(folder, path):
        raise InputError(path, f"leads outside {folder} through a link (to {path.resolve()}); "
                               "expected a file inside the folder: remove the link")
