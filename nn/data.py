"""Minibatches and held-out splits (tutorial section 10): plain numpy arrays in, arrays out.

Shuffling always goes through a seeded generator, so the same seed gives the same batches.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from .init import Seed, as_rng


def _check_pair(X: Any, y: Any, where: str) -> tuple[np.ndarray, np.ndarray | None]:
    X = np.asarray(X)
    if X.ndim == 0:
        raise ValueError(f"{where}: X must have at least one dimension (examples first), got a scalar")
    if y is None:
        return X, None
    y = np.asarray(y)
    if y.ndim == 0 or len(y) != len(X):
        raise ValueError(f"{where}: X has {len(X)} examples but y has shape {y.shape}")
    return X, y


def batches(X: Any, y: Any, batch_size: int, shuffle: bool = False,
            seed: Seed = None) -> Iterator[tuple[np.ndarray, np.ndarray | None]]:
    """Yield (X_batch, y_batch) numpy arrays of `batch_size` examples; the last may be smaller.

    ``batch_size=1`` is the tutorial's stochastic gradient descent; larger sizes are minibatch
    SGD (section 10). With ``shuffle=True`` the order is a permutation drawn from `seed`.
    `y` may be None, then the second item of each pair is None.
    """
    X, y = _check_pair(X, y, "batches")
    if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size < 1:
        raise ValueError(f"batches: batch_size must be a positive int, got {batch_size!r}")
    n = len(X)
    if shuffle:
        order = as_rng(seed).permutation(n)
        for start in range(0, n, batch_size):
            index = order[start:start + batch_size]
            yield X[index], (None if y is None else y[index])
    else:
        for start in range(0, n, batch_size):
            stop = start + batch_size
            yield X[start:stop], (None if y is None else y[start:stop])


def train_val_split(X: Any, y: Any, val_fraction: float = 0.2, seed: Seed = None,
                    stratify: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split into (X_train, y_train, X_val, y_val), holding out `val_fraction` of the examples.

    Section 10: keep a validation set that training never touches. ``stratify=True`` holds out
    the same fraction of every class (rounded per class), so class proportions match.
    """
    X, y = _check_pair(X, y, "train_val_split")
    if y is None:
        raise ValueError("train_val_split: y is required")
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"train_val_split: val_fraction must lie in (0, 1), got {val_fraction!r}")
    rng = as_rng(seed)
    n = len(X)
    if stratify:
        held = []
        for label in np.unique(y):
            members = rng.permutation(np.flatnonzero(y == label))
            held.append(members[:int(round(val_fraction * len(members)))])
        val = np.sort(np.concatenate(held))
    else:
        val = np.sort(rng.permutation(n)[:int(round(val_fraction * n))])
    if len(val) == 0 or len(val) == n:
        raise ValueError(f"train_val_split: val_fraction {val_fraction} of {n} examples leaves an empty side")
    mask = np.ones(n, dtype=bool)
    mask[val] = False
    return X[mask], y[mask], X[val], y[val]
