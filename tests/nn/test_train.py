"""fit and evaluate: histories, one-output targets, early stopping, dropout off for validation.

(Hyper-parameter search, and fit reporting to its trials: tests/nn/test_search_*.py.)
"""

import numpy as np
import pytest

import nn


def _blobs(seed=0):
    rng = np.random.default_rng(seed)
    X = np.concatenate([rng.normal(-1, 0.5, (40, 2)), rng.normal(1, 0.5, (40, 2))])
    return X, np.repeat([0, 1], 40)


def test_fit_returns_a_history_per_epoch_and_learns():
    X, y = _blobs()
    model = nn.MLP(2, [8, 2], seed=0)
    history = nn.fit(model, nn.cross_entropy, (X, y), val=(X, y), optimizer=nn.SGD(model.parameters(), lr=0.5),
                     epochs=5, batch_size=16, progress=False)
    assert set(history) == {"epoch", "loss", "accuracy", "lr", "val_loss", "val_accuracy"}
    assert history["epoch"] == [1, 2, 3, 4, 5] and all(len(v) == 5 for v in history.values())
    assert history["loss"][-1] < history["loss"][0]
    assert history["val_accuracy"][-1] > 0.9
    loss, acc = nn.evaluate(model, nn.cross_entropy, X, y)
    assert loss == pytest.approx(history["val_loss"][-1]) and acc == history["val_accuracy"][-1]


def test_fit_gives_one_output_models_column_targets_and_is_deterministic():
    X, y = _blobs()
    runs = []
    for _ in range(2):
        model = nn.MLP(2, [1], output_activation="sigmoid", seed=0)
        runs.append(nn.fit(model, nn.squared_error, (X, y), epochs=3, batch_size=8, seed=4, progress=False))
    assert runs[0]["loss"] == runs[1]["loss"]
    model = nn.MLP(2, [1], seed=0)
    history = nn.fit(model, nn.binary_cross_entropy_with_logits, (X, y), epochs=20, progress=False)
    assert history["accuracy"][-1] > 0.9   # logits: accuracy thresholds at 0


def test_early_stopping_stops_and_restores_the_best_weights():
    X, y = _blobs()
    Xv, yv = _blobs(seed=1)
    yv = 1 - yv   # a validation set that training makes worse: the best epoch is the first
    model = nn.MLP(2, [4, 2], seed=0)
    history = nn.fit(model, nn.cross_entropy, (X, y), val=(Xv, yv), optimizer=nn.SGD(model.parameters(), lr=0.5),
                     epochs=50, early_stopping=3, progress=False)
    best = history["best_epoch"][0]
    assert len(history["epoch"]) == best + 3 < 50
    loss, _ = nn.evaluate(model, nn.cross_entropy, Xv, yv)
    assert loss == pytest.approx(min(history["val_loss"]))
    with pytest.raises(ValueError, match="early_stopping needs a validation set"):
        nn.fit(model, nn.cross_entropy, (X, y), early_stopping=2, progress=False)


def test_fit_turns_dropout_off_for_validation():
    X, y = _blobs()
    model = nn.Sequential(nn.Linear(2, 16, seed=0), nn.ReLU(), nn.Dropout(0.5, seed=0), nn.Linear(16, 2, seed=1))
    history = nn.fit(model, nn.cross_entropy, (X, y), val=(X, y), epochs=2, progress=False)
    assert model.training   # left in training mode
    model.eval()
    assert nn.evaluate(model, nn.cross_entropy, X, y)[0] == pytest.approx(history["val_loss"][-1])


def test_fit_writes_a_few_progress_lines_to_a_log_not_one_per_step(capsys):
    X, y = nn.datasets.moons(200, seed=0)
    model = nn.MLP(2, [8, 2], seed=0)
    nn.fit(model, nn.cross_entropy, (X, y), val=(X, y), epochs=30, batch_size=10)   # 600 steps
    err = capsys.readouterr().err   # captured: not a terminal, as in CI or a nohup log
    updates = err.count("\r") + err.count("\n")
    assert "fit: 100%" in err and "600/600" in err   # the bar still says where training got to
    assert 2 <= updates <= 25, f"{updates} progress updates for 600 steps"   # a terminal redraws ~5 per second


def test_fit_compiled_equals_eager_on_digits_with_the_same_seed():
    """compile=True replays a traced step: the same losses (to 1e-9), accuracies and weights as eager."""
    Xtr, ytr, Xte, yte = nn.datasets.digits(split=0.25, seed=0)

    def train(compiled):
        model = nn.Sequential(nn.Linear(64, 128, seed=1), nn.ReLU(), nn.Dropout(0.1, seed=2),
                              nn.Linear(128, 64, seed=3), nn.ReLU(), nn.Linear(64, 10, seed=4))
        optimizer = nn.SGD(model.parameters(), lr=0.1, momentum=0.9)
        history = nn.fit(model, nn.cross_entropy, (Xtr, ytr), val=(Xte, yte), optimizer=optimizer, epochs=4,
                         batch_size=32, seed=5, progress=False, compile=compiled)
        return history, model

    eager, eager_model = train(False)
    compiled, compiled_model = train(True)
    np.testing.assert_allclose(compiled["loss"], eager["loss"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(compiled["val_loss"], eager["val_loss"], rtol=0, atol=1e-9)
    assert compiled["val_accuracy"] == eager["val_accuracy"] and eager["val_accuracy"][-1] > 0.9
    for p, q in zip(compiled_model.parameters(), eager_model.parameters(), strict=True):
        np.testing.assert_allclose(p.numpy(), q.numpy(), rtol=0, atol=1e-9)


def test_fit_compiled_with_logits_and_float_targets():
    X, y = _blobs()
    for loss, targets in ((nn.binary_cross_entropy_with_logits, y), (nn.squared_error, y.astype(float))):
        runs = []
        for compiled in (False, True):
            model = nn.MLP(2, [8, 1], activation="prelu", seed=0)
            runs.append(nn.fit(model, loss, (X, targets), epochs=3, batch_size=16, progress=False,
                               compile=compiled)["loss"])
        np.testing.assert_allclose(runs[1], runs[0], rtol=0, atol=1e-9)
