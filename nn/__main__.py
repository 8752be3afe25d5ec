"""`python -m nn`: a tour of the tutorial in under a minute, with progress bars and accuracies.

The sigmoid unit on the movie table and Gravity's prediction (sections 2–5), the 2-2-1 network
on Susan's taste (sections 6–7), and a digits MLP (section 11).
"""

from __future__ import annotations

import time

import numpy as np
from tqdm.auto import tqdm

import nn


def train_scalar(model: nn.Module, X: np.ndarray, y: np.ndarray, lr: float, epochs: int, desc: str) -> None:
    """The tutorial's SGD (section 5): one example at a time, J = (h(x) − y)², θ ← θ − α Δθ."""
    opt = nn.SGD(model.parameters(), lr=lr)
    bar = tqdm(range(epochs), desc=desc, unit="epoch", mininterval=0.2)
    for epoch in bar:
        total = 0.0
        for xb, yb in nn.batches(X, y, batch_size=1, shuffle=True, seed=epoch):
            loss = nn.squared_error(model(xb[0]), float(yb[0]), reduction="sum")  # J on one example
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        bar.set_postfix(J=f"{total:.4f}", refresh=False)


def scalar_accuracy(model: nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    return nn.accuracy(np.array([model(x).item() for x in X]), y)


def teaching_example(model: nn.Module, X: np.ndarray, y: np.ndarray) -> tuple[list[float], float]:
    """The training example whose smallest parameter gradient is largest at `model`'s current parameters.

    A drawing on it shows every gradient at a readable size: on an example where a hidden unit is
    saturated, some parameters' gradients are 1e-5 or less and the picture teaches nothing there.
    """
    from autograd_lite import Value

    def smallest_gradient(x: np.ndarray, target: float) -> float:
        model.zero_grad()
        nn.squared_error(model([Value(float(v), requires_grad=False) for v in x]), target).backward()
        smallest = min(abs(p.grad) for p in model.parameters())
        model.zero_grad()
        return smallest

    best = max(range(len(X)), key=lambda i: smallest_gradient(X[i], float(y[i])))
    return X[best].tolist(), float(y[best])


def save_network_graph(model: nn.Module, example: list[float], target: float, path: str) -> None:
    """Draw J = (h(x) - y)² of `model` on one example, after backward, to an SVG (section 8).

    Nodes are numbered in backward's visit order and edges carry their local derivatives; laid out
    top to bottom without scope boxes, so it reads at its natural size. Without graphviz's `dot`
    program the DOT source is written instead, with a hint on installing it.
    """
    from autograd_lite import Value
    from autograd_lite.viz import write_graph

    x = [Value(v, requires_grad=False, label=f"x{i + 1}") for i, v in enumerate(example)]
    loss = nn.squared_error(model(x), target)
    loss.label = "J"
    model.zero_grad()
    loss.backward()
    written, message = write_graph(loss, path, order=True, local_grads=True, clusters=False, rankdir="TB")
    smallest = min(abs(p.grad) for p in model.parameters())
    print(f"{message}\n  (J on the training example x = {tuple(example)}, y = {target}, at the starting parameters: "
          f"the first SGD step's gradients, the smallest {smallest:.2g}; #k is backward's visit order, edge labels the "
          "local derivatives ∂head/∂tail)")
    model.zero_grad()


def movies() -> None:
    print("\n== Sections 2-5: a sigmoid unit learns my movie taste ==")
    X, y, names = nn.datasets.movies()
    unit = nn.Neuron(2, "sigmoid", seed=0, labels=(["θ1", "θ2"], "b"))
    train_scalar(unit, X, y, lr=0.5, epochs=100, desc="movies")
    theta1, theta2 = (w.data for w in unit.w)
    print(f"h(x) = g({theta1:.3f}·Mary {theta2:+.3f}·John {unit.b.data:+.3f})")
    print(f"training accuracy: {scalar_accuracy(unit, X, y):.0%} of {len(y)} movies")
    h = unit(nn.datasets.GRAVITY.tolist()).item()
    verdict = "watch it" if h > 0.5 else "skip it"
    print(f"Gravity (3, 3): h = {h:.3f} -> {verdict}")


def susan() -> None:
    print("\n== Sections 6-7: Susan's taste needs a decision function of decision functions ==")
    X, y = nn.datasets.susan()
    line = nn.Neuron(2, "sigmoid", seed=0)
    train_scalar(line, X, y, lr=0.5, epochs=100, desc="susan, one unit")
    print(f"one sigmoid unit (a line): {scalar_accuracy(line, X, y):.0%} — no line separates her movies")
    # seed 2: the first of seeds 0, 1, 2 whose start leads to 100% (the objective is non-convex)
    net = nn.ScalarMLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=2)
    # drawn before training: once trained, every example's J is near 0 and so are its gradients
    save_network_graph(net, *teaching_example(net, X, y), "susan_network")
    train_scalar(net, X, y, lr=1.0, epochs=120, desc="susan, 2-2-1")
    print(f"2-2-1 network: {scalar_accuracy(net, X, y):.0%}")
    print("  " + ", ".join(f"{p.label} = {p.data:.2f}" for p in net.parameters()))


def digits() -> None:
    print("\n== Section 11: handwritten digits, 64-128-10 ReLU network with dropout ==")
    try:
        Xtr, ytr, Xte, yte = nn.datasets.digits(split=0.25, seed=0)
    except ImportError as error:
        print(f"skipped: {error}")
        return
    model = nn.Sequential(nn.Linear(64, 128, seed=0), nn.ReLU(), nn.Dropout(0.1, seed=0), nn.Linear(128, 10, seed=1))
    print(model)
    history = nn.fit(model, nn.cross_entropy, (Xtr, ytr), val=(Xte, yte),
                     optimizer=nn.Adam(model.parameters(), lr=3e-3), epochs=40, batch_size=64)
    print(f"training accuracy {history['accuracy'][-1]:.1%}, test accuracy {history['val_accuracy'][-1]:.1%} "
          f"on {len(yte)} held-out images")


def main() -> None:
    start = time.perf_counter()
    movies()
    susan()
    digits()
    print(f"\ndone in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
