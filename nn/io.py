"""Safe files for named arrays: atomic `.npz` writes and loads that never unpickle.

Models and optimisers save their state through these two functions, so a crash mid-save leaves
the old file intact, and a file from a stranger can hold numbers but never run code.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Mapping

import numpy as np


def save_arrays(path: str | os.PathLike, arrays: Mapping[str, np.ndarray]) -> None:
    """Write `arrays` to `path` as `.npz`: into a temporary file first, then renamed over `path`.

    The rename is atomic, so `path` holds either the old contents or the complete new ones.
    """
    path = os.fspath(path)
    for name, array in arrays.items():
        if not isinstance(array, np.ndarray) or array.dtype.kind not in "fiub":
            raise TypeError(f"save: {name!r} must be a numeric ndarray, got {type(array).__name__}")
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=folder)
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(file, **dict(arrays))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


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
