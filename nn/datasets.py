"""Small datasets: the tutorial's movie ratings (sections 2 and 6), toy 2-D sets, and 8×8 digits.

Every X is a float64 array of shape (n, features) and every y an int64 array of shape (n,).
Generated sets take a `seed` and give the same points for the same seed.
"""

from __future__ import annotations

import numpy as np

from .init import Seed, as_rng

#: Gravity's ratings (Mary 3, John 3): the movie of section 2 whose "I like?" is unknown.
GRAVITY = np.array([3.0, 3.0])

# (movie, Mary's rating, John's rating, I like?) — the first two rows are the tutorial's table;
# the rest are made up so that "I like" is linearly separable (roughly Mary + John > 7).
_MOVIES = [
    ("Lord of the Rings II", 1.0, 5.0, 0),
    ("Star Wars I", 4.5, 4.0, 1),
    ("The Matrix", 5.0, 4.5, 1),
    ("Inception", 4.0, 4.5, 1),
    ("Toy Story", 4.5, 5.0, 1),
    ("Jurassic Park", 5.0, 3.5, 1),
    ("Up", 4.0, 4.0, 1),
    ("Avatar", 3.5, 5.0, 1),
    ("Titanic", 2.0, 3.0, 0),
    ("Twilight", 1.5, 2.0, 0),
    ("Cats", 1.0, 1.5, 0),
    ("The Room", 2.5, 1.0, 0),
    ("Batman & Robin", 2.0, 2.5, 0),
    ("Waterworld", 3.0, 2.5, 0),
    ("Pearl Harbor", 3.5, 2.0, 0),
]

# Susan (section 6) likes movies that Mary and John both rate high and movies they both rate
# low, and dislikes the ones they disagree on. (1, 1) and (5, 5) are liked, (1, 5) and (5, 1)
# are not, and the two pairs share their midpoint (3, 3): no line can separate the classes.
_SUSAN = [
    (5.0, 5.0, 1), (4.5, 4.0, 1), (4.0, 4.5, 1), (5.0, 4.5, 1),   # both high
    (1.0, 1.0, 1), (1.5, 2.0, 1), (2.0, 1.5, 1), (1.0, 1.5, 1),   # both low
    (1.0, 5.0, 0), (5.0, 1.0, 0), (2.0, 4.5, 0), (4.5, 2.0, 0),   # they disagree
    (1.5, 4.0, 0), (4.0, 1.5, 0),
]


def movies() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """My movie table (section 2): X = (Mary's, John's) ratings, y = "I like?", and the names.

    15 movies; linearly separable. Gravity, the unlabelled one, is `GRAVITY`, not a row of X.
    """
    X = np.array([[m, j] for _, m, j, _ in _MOVIES], dtype=np.float64)
    y = np.array([like for *_, like in _MOVIES], dtype=np.int64)
    return X, y, [name for name, *_ in _MOVIES]


def susan() -> tuple[np.ndarray, np.ndarray]:
    """Susan's taste (section 6): 14 movies, liked when both ratings are high or both low.

    Not linearly separable: 0.5·(1, 1) + 0.5·(5, 5) = 0.5·(1, 5) + 0.5·(5, 1), so any linear
    h(x) = θᵀx + b has h(1,1) + h(5,5) = h(1,5) + h(5,1), and cannot be above the threshold on
    both liked movies while below it on both disliked ones.
    """
    X = np.array([[a, b] for a, b, _ in _SUSAN], dtype=np.float64)
    y = np.array([like for *_, like in _SUSAN], dtype=np.int64)
    return X, y


def xor(n_per_corner: int = 1, noise: float = 0.0, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """XOR (section 14): corners (0,0), (1,1) are class 0 and (0,1), (1,0) class 1.

    The default is the four-point truth table; `n_per_corner` copies of each corner get
    Gaussian `noise` (standard deviation) added when noise > 0.
    """
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    labels = np.array([0, 1, 1, 0], dtype=np.int64)
    X = np.repeat(corners, n_per_corner, axis=0)
    y = np.repeat(labels, n_per_corner)
    if noise > 0:
        X = X + as_rng(seed).normal(0.0, noise, X.shape)
    return X, y


def moons(n: int = 200, noise: float = 0.1, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: class 0 the upper arc, class 1 the lower, shifted one.

    Points are evenly spaced along each arc, then get Gaussian `noise`; n // 2 are class 0.
    """
    rng = as_rng(seed)
    n0 = n // 2
    t0 = np.linspace(0.0, np.pi, n0)
    t1 = np.linspace(0.0, np.pi, n - n0)
    upper = np.stack([np.cos(t0), np.sin(t0)], axis=1)
    lower = np.stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)], axis=1)
    X = np.concatenate([upper, lower]) + rng.normal(0.0, noise, (n, 2))
    y = np.concatenate([np.zeros(n0, dtype=np.int64), np.ones(n - n0, dtype=np.int64)])
    return X, y


def spirals(n: int = 300, classes: int = 2, noise: float = 0.2, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """`classes` interleaved spiral arms around the origin, n // classes points each.

    Arm k turns through 1.5 revolutions from radius 0 to 1, rotated by 2πk/classes; the angle
    gets Gaussian `noise` (in radians). A classic set that needs a nonlinear decision function.
    """
    if classes < 2:
        raise ValueError(f"spirals: classes must be >= 2, got {classes}")
    rng = as_rng(seed)
    per = n // classes
    X, y = [], []
    for k in range(classes):
        r = np.linspace(0.05, 1.0, per)
        angle = 3 * np.pi * r + 2 * np.pi * k / classes + rng.normal(0.0, noise, per)
        X.append(np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1))
        y.append(np.full(per, k, dtype=np.int64))
    return np.concatenate(X), np.concatenate(y)


def digits(split: float = 0.25, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """scikit-learn's bundled 8×8 handwritten digits (1797 images, section 11) as (Xtr, ytr, Xte, yte).

    Pixels (0–16) are scaled to [0, 1] and each image is flattened to 64 features. `split` is
    the test fraction, drawn per class (stratified) by scikit-learn's ``train_test_split`` with
    ``random_state=seed``, so the split is the one scikit-learn users know. Needs scikit-learn.
    """
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError:
        raise ImportError("nn.datasets.digits needs scikit-learn, which is not installed; "
                          "install it with `pip install scikit-learn` "
                          "(or `pip install autograd-lite[notebooks]`)") from None
    if not 0.0 < split < 1.0:
        raise ValueError(f"digits: split (the test fraction) must lie in (0, 1), got {split!r}")
    data = load_digits()
    X = np.asarray(data.data, dtype=np.float64) / 16.0
    y = np.asarray(data.target, dtype=np.int64)
    state = int(as_rng(seed).integers(2**31)) if isinstance(seed, np.random.Generator) else seed
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=split, random_state=state, stratify=y)
    return Xtr, ytr, Xte, yte
