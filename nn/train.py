"""Training helpers: `fit` (minibatch loop, progress bar, history, early stopping, reporting to a
search's trial so that poor ones are pruned) and evaluation on held-out data (section 10).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import autograd_lite as al

from .data import batches
from .init import Seed, as_rng
from .losses import binary_cross_entropy_with_logits
from .module import Module
from .optim import SGD, Optimizer


def accuracy(outputs: Any, y: Any, threshold: float = 0.5) -> float:
    """The fraction of correct predictions: argmax per row for several outputs, else output > threshold."""
    out = outputs.numpy() if isinstance(outputs, al.Value) else np.asarray(outputs)
    y = np.asarray(y).reshape(-1)
    if out.ndim == 2 and out.shape[1] > 1:
        predicted = out.argmax(axis=1)
    else:
        predicted = (out.reshape(-1) > threshold).astype(np.int64)
    if predicted.shape != y.shape:
        raise ValueError(f"accuracy: {predicted.shape[0]} predictions for {y.shape[0]} targets")
    return float(np.mean(predicted == y)) if y.size else float("nan")


def _targets_for(out: al.Value, yb: np.ndarray) -> np.ndarray:
    """A one-output model's (n, 1) prediction pairs with targets as a column (n, 1)."""
    if out.ndim == 2 and out.shape[1] == 1 and yb.ndim == 1:
        return yb[:, None]
    return yb


def evaluate(model: Module, loss_fn: Callable, X: Any, y: Any, batch_size: int = 1024,
             threshold: float = 0.5) -> tuple[float, float]:
    """(mean loss per example, accuracy) of `model` on (X, y), in eval mode and without a graph."""
    was_training = model.training
    model.eval()
    total, outputs = 0.0, []
    try:
        with al.no_grad():
            for xb, yb in batches(X, y, batch_size):
                out = model(xb)
                total += loss_fn(out, _targets_for(out, yb), reduction="sum").item()
                outputs.append(out.numpy())
    finally:
        model.train(was_training)
    n = len(np.asarray(y))
    return total / n, accuracy(np.concatenate(outputs), y, threshold)


def fit(model: Module, loss_fn: Callable, train: tuple[Any, Any], val: tuple[Any, Any] | None = None,
        optimizer: Optimizer | None = None, epochs: int = 10, batch_size: int = 32, shuffle: bool = True,
        seed: Seed = 0, early_stopping: int | None = None, restore_best: bool = True,
        threshold: float | None = None, progress: bool = True, trial: Any = None,
        trial_metric: str | None = None, compile: bool = False) -> dict[str, list]:  # noqa: A002
    """Train `model` on `train` = (X, y) for `epochs` passes of minibatches; return the history.

    Each step: forward, ``loss_fn(output, targets)`` (its default reduction, normally the batch
    mean), backward, ``optimizer.step()``. A one-output model gets its targets as a column.
    After each epoch the loss and accuracy on `val` are measured (section 10: monitor J on
    held-out data). `early_stopping=k` stops once the validation loss has not improved for k
    epochs and (with `restore_best`) puts back the best weights. The default optimiser is
    ``SGD(lr=0.1)``. `threshold` decides one-output accuracy (default 0.5, or 0 for logits).

    The history is a dict of lists, one entry per epoch: "epoch", "loss" (mean training loss),
    "accuracy" (training accuracy of the batches as they were trained on), "lr", and with `val`
    "val_loss", "val_accuracy"; plus "best_epoch" (a list of one int) when early stopping ran.

    `trial` (an Optuna trial, as ``nn.search.run`` passes to its objective) makes each epoch
    report its validation score to the trial, record the epochs run (user attribute "epochs"), and
    stop with Optuna's ``TrialPruned`` when the trial's pruner says this run is doing worse than the
    others. The score is `trial_metric`: by default "val_accuracy" when the study maximises and
    "val_loss" when it minimises, so that it matches the score the objective returns.

    ``compile=True`` runs each step (forward, loss, backward) as a program traced once per batch
    shape (`autograd_lite.compile`): the same numbers as eager steps, dropout masks included.
    """
    X, y = (np.asarray(a) for a in train)
    if optimizer is None:
        optimizer = SGD(model.parameters(), lr=0.1)
    if threshold is None:
        threshold = 0.0 if loss_fn is binary_cross_entropy_with_logits else 0.5
    if early_stopping is not None and val is None:
        raise ValueError("fit: early_stopping needs a validation set (val=(X, y))")
    if trial is not None:
        trial_metric = _trial_metric(trial, trial_metric, val)
    rng = as_rng(seed)
    history: dict[str, list] = {"epoch": [], "loss": [], "accuracy": [], "lr": []}
    if val is not None:
        history["val_loss"], history["val_accuracy"] = [], []
    best_loss, best_state, best_epoch, waited = np.inf, None, 0, 0
    steps_per_epoch = -(-len(X) // batch_size)
    bar = _progress(epochs * steps_per_epoch, progress)
    step = al.compile(_training_step(model, loss_fn)) if compile else None
    try:
        for epoch in range(1, epochs + 1):
            model.train()
            total, correct, seen = 0.0, 0.0, 0
            lr = optimizer.current_lr
            for xb, yb in batches(X, y, batch_size, shuffle=shuffle, seed=rng):
                if step is None:
                    out = model(xb)
                    loss = loss_fn(out, _targets_for(out, yb))
                    optimizer.zero_grad()
                    loss.backward()
                else:  # the compiled step fills the gradients itself
                    optimizer.zero_grad()
                    loss, out = step(xb, yb)
                optimizer.step()
                n = len(xb)
                total += loss.item() * n
                correct += accuracy(out, yb, threshold) * n
                seen += n
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(epoch=epoch, loss=f"{total / seen:.4f}", refresh=False)
            history["epoch"].append(epoch)
            history["loss"].append(total / seen)
            history["accuracy"].append(correct / seen)
            history["lr"].append(lr)
            if val is not None:
                val_loss, val_acc = evaluate(model, loss_fn, *val, threshold=threshold)
                history["val_loss"].append(val_loss)
                history["val_accuracy"].append(val_acc)
                if bar is not None:
                    bar.set_postfix(epoch=epoch, loss=f"{total / seen:.4f}", val_loss=f"{val_loss:.4f}",
                                    val_acc=f"{val_acc:.3f}", refresh=False)
                if trial is not None:
                    _report(trial, history[trial_metric][-1], epoch)
                if early_stopping is not None:
                    if val_loss < best_loss:
                        best_loss, best_epoch, waited = val_loss, epoch, 0
                        best_state = model.state_dict() if restore_best else None
                    else:
                        waited += 1
                        if waited >= early_stopping:
                            break
    finally:
        if bar is not None:
            bar.close()
    if early_stopping is not None:
        history["best_epoch"] = [best_epoch]
        if best_state is not None:
            model.load_state_dict(best_state)
    model.train()
    return history


def _training_step(model: Module, loss_fn: Callable) -> Callable:
    """One step's forward and loss, as `fit` compiles it: returns (loss, model output)."""
    def training_step(xb: Any, yb: Any) -> tuple[al.Value, al.Value]:
        out = model(xb)
        return loss_fn(out, _targets_for(out, yb)), out

    return training_step


def _progress(total: int, enabled: bool) -> Any:
    """A progress bar over `total` steps: live in a terminal or a notebook; in a log (output that is
    not a terminal, e.g. CI or nohup) about ten lines in all, not one per redraw."""
    if not enabled:
        return None
    import sys

    from tqdm.auto import tqdm
    from tqdm.std import tqdm as terminal_tqdm

    is_terminal = getattr(sys.stderr, "isatty", lambda: False)()
    if tqdm is not terminal_tqdm or is_terminal:  # a notebook widget, or a terminal: redraw freely
        return tqdm(total=total, desc="fit", unit="step", leave=True, mininterval=0.2)
    return terminal_tqdm(total=total, desc="fit", unit="step", leave=True, mininterval=0, maxinterval=float("inf"),
                         miniters=max(1, total // 10))


def _trial_metric(trial: Any, metric: str | None, val: Any) -> str:
    """Which validation score `fit` reports to a search's trial (see `fit`)."""
    if val is None:
        raise ValueError("fit: trial= reports the validation score after each epoch, so it needs val=(X, y)")
    for method in ("report", "should_prune", "set_user_attr"):
        if not callable(getattr(trial, method, None)):
            raise TypeError(f"fit: trial= must be the Optuna trial a search passes to its objective "
                            f"(with .{method}()), got {type(trial).__name__}")
    if metric is None:
        direction = getattr(getattr(getattr(trial, "study", None), "direction", None), "name", None)
        if direction not in ("MAXIMIZE", "MINIMIZE"):
            raise ValueError("fit: cannot tell whether the trial's study maximises or minimises: "
                             "pass trial_metric='val_accuracy' or 'val_loss'")
        metric = "val_accuracy" if direction == "MAXIMIZE" else "val_loss"
    if metric not in ("val_accuracy", "val_loss"):
        raise ValueError(f"fit: trial_metric must be 'val_accuracy' or 'val_loss', got {metric!r}")
    return metric


def _report(trial: Any, score: float, epoch: int) -> None:
    trial.report(score, epoch)
    trial.set_user_attr("epochs", epoch)
    if trial.should_prune():
        import optuna  # only reached with an Optuna trial, so Optuna is installed

        raise optuna.TrialPruned(f"pruned after epoch {epoch}: validation score {score:.6g}")
