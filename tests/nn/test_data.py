"""Batches, splits and datasets: sizes, determinism, and the tutorial's rows."""

import builtins

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn


@given(n=st.integers(1, 40), batch_size=st.integers(1, 12), shuffle=st.booleans(), seed=st.integers(0, 100))
def test_batches_cover_every_example_once_with_a_partial_last_batch(n, batch_size, shuffle, seed):
    X, y = np.arange(2 * n, dtype=float).reshape(n, 2), np.arange(n)
    got = list(nn.batches(X, y, batch_size, shuffle=shuffle, seed=seed))
    assert [len(xb) for xb, _ in got] == [min(batch_size, n - i) for i in range(0, n, batch_size)]
    ys = np.concatenate([yb for _, yb in got])
    assert sorted(ys) == list(range(n))
    for xb, yb in got:
        np.testing.assert_array_equal(xb[:, 0], 2 * yb)   # rows stay paired with their labels
    if not shuffle:
        np.testing.assert_array_equal(ys, np.arange(n))
    again = np.concatenate([yb for _, yb in nn.batches(X, y, batch_size, shuffle=shuffle, seed=seed)])
    np.testing.assert_array_equal(ys, again)


def test_batches_check_their_arguments():
    with pytest.raises(ValueError, match="X has 3 examples but y has shape"):
        list(nn.batches(np.zeros((3, 2)), np.zeros(4), 2))
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        list(nn.batches(np.zeros((3, 2)), np.zeros(3), 0))
    assert [yb for _, yb in nn.batches(np.zeros((3, 2)), None, 2)] == [None, None]


def test_train_val_split_sizes_disjointness_and_stratification():
    X, y = np.arange(200.0).reshape(100, 2), np.repeat([0, 1, 2, 3], 25)
    Xtr, ytr, Xva, yva = nn.train_val_split(X, y, 0.2, seed=0, stratify=True)
    assert len(Xva) == 20 and len(Xtr) == 80
    assert np.bincount(yva).tolist() == [5, 5, 5, 5]
    assert set(Xtr[:, 0]).isdisjoint(Xva[:, 0])
    again = nn.train_val_split(X, y, 0.2, seed=0, stratify=True)
    np.testing.assert_array_equal(again[2], Xva)
    with pytest.raises(ValueError, match="val_fraction must lie in"):
        nn.train_val_split(X, y, 1.5)


def test_movies_hold_the_tutorials_table_and_gravity_is_apart():
    X, y, names = nn.datasets.movies()
    assert X.dtype == np.float64 and y.dtype == np.int64 and X.shape == (len(y), 2) == (len(names), 2)
    rows = {name: (tuple(x), int(label)) for name, x, label in zip(names, X, y, strict=True)}
    assert rows["Lord of the Rings II"] == ((1.0, 5.0), 0)
    assert rows["Star Wars I"] == ((4.5, 4.0), 1)
    assert "Gravity" not in names and not np.any(np.all(X == nn.datasets.GRAVITY, axis=1))
    np.testing.assert_array_equal(nn.datasets.GRAVITY, [3.0, 3.0])


@pytest.mark.parametrize("make", [nn.datasets.susan, nn.datasets.xor, nn.datasets.moons, nn.datasets.spirals,
                                  lambda: nn.datasets.xor(n_per_corner=10, noise=0.1)])
def test_generated_sets_have_the_documented_types_and_are_seeded(make):
    X, y = make()
    assert X.dtype == np.float64 and X.ndim == 2 and y.dtype == np.int64 and y.shape == (len(X),)
    X2, y2 = make()
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)


def test_xor_is_the_truth_table_and_spirals_have_their_classes():
    X, y = nn.datasets.xor()
    assert [(tuple(x), int(t)) for x, t in zip(X, y, strict=True)] == [
        ((0, 0), 0), ((0, 1), 1), ((1, 0), 1), ((1, 1), 0)]
    X, y = nn.datasets.spirals(n=300, classes=3)
    assert np.bincount(y).tolist() == [100, 100, 100]
    assert not np.array_equal(nn.datasets.moons(seed=1)[0], nn.datasets.moons(seed=2)[0])


def test_digits_are_scaled_and_split_stratified():
    pytest.importorskip("sklearn")
    Xtr, ytr, Xte, yte = nn.datasets.digits(split=0.25, seed=0)
    assert Xtr.shape[1] == 64 and len(Xtr) + len(Xte) == 1797
    assert abs(len(Xte) - 0.25 * 1797) <= 10
    assert Xtr.min() >= 0 and Xtr.max() <= 1 and Xtr.max() == 1
    assert ytr.dtype == np.int64 and set(np.unique(yte)) == set(range(10))


def test_digits_without_scikit_learn_says_how_to_install_it(monkeypatch):
    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError("No module named 'sklearn'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    with pytest.raises(ImportError, match="pip install scikit-learn"):
        nn.datasets.digits()
