"""Safe files for named arrays: atomic `.npz` writes and loads that never unpickle.

Models and optimisers save their state through these two functions, so a crash mid-save leaves
the old file intact, and a file from a stranger can hold numbers but never run code.
"""

from __future__ import annotations

import errno
import os
import secrets
import zipfile
from collections.abc import Mapping

import numpy as np


def save_arrays(path: str | os.PathLike, arrays: Mapping[str, np.ndarray]) -> None:
    """Write `arrays` to `path` as `.npz`: into a temporary file first, then renamed over `path`.

    The rename is atomic, so `path` holds either the old contents or the complete new ones.
    The file gets the mode any new file would (0666 less the umask), and an error names `path`.
    """
    path = os.fspath(path)
    for name, array in arrays.items():
        if not isinstance(array, np.ndarray) or array.dtype.kind not in "fiub":
            raise TypeError(f"save: {name!r} must be a numeric ndarray, got {type(array).__name__}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(errno.ENOENT, f"save: cannot write {path!r}: {folder!r} is not an existing folder")
    temporary = None
    try:
        handle, temporary = _create_beside(path)
        with os.fdopen(handle, "wb") as file:
            np.savez(file, **dict(arrays))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        if temporary is not None and os.path.exists(temporary):
            os.remove(temporary)
        if isinstance(error, OSError):  # it names the temporary file, or no file at all
            message = f"save: could not write {path!r}: {error.strerror or error}"
            raise (OSError(message) if error.errno is None else OSError(error.errno, message)) from None
        raise


def _create_beside(path: str) -> tuple[int, str]:
    """Open a new, uniquely named hidden file in `path`'s folder: (file descriptor, its path).

    Unlike `tempfile.mkstemp` (always mode 0600), the file is created with mode 0666 and the
    system applies the umask, as for any file the user creates; the rename keeps that mode.
    """
    folder, base = os.path.split(os.path.abspath(path))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        candidate = os.path.join(folder, f".{base[:64]}.{secrets.token_hex(6)}.tmp")  # short: names have a limit
        try:
            return os.open(candidate, flags, 0o666), candidate
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, f"no unused temporary name beside {path!r}")


def load_arrays(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read every array of a `.npz` file written by `save_arrays`, refusing pickled objects.

    ``allow_pickle=False``: an object array (the only way an `.npz` can carry code) is an error,
    raised before anything inside it is unpickled.
    """
    path = os.fspath(path)
    with open(path, "rb") as file:
        if file.read(4) != b"PK\x03\x04":
            raise ValueError(f"load: {path!r} is not a .npz file (it does not start like a zip archive)")
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except ValueError as error:
        if "pickle" in str(error).lower():
            raise ValueError(f"load: {path!r} holds pickled objects; refusing to unpickle them "
                             "(a model file contains only numeric arrays)") from None
        raise ValueError(f"load: {path!r} is not a valid .npz file: {error}") from None
    except (zipfile.BadZipFile, EOFError) as error:
        raise ValueError(f"load: {path!r} is not a valid .npz file ({error})") from None
