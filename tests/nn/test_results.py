"""Results, not just runs: what the tutorial's classifiers can and cannot learn (sections 3–7, 11)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn


def _train_sigmoid_net(X, y, nouts, seed, lr, epochs):
    """The tutorial's recipe: sigmoid units, squared error J, plain SGD one example at a time.

    Returns (model, the epoch at which training accuracy first reached 100% or None).
    """
    model = nn.MLP(2, nouts, activation="sigmoid", output_activation="sigmoid", seed=seed)
    opt = nn.SGD(model.parameters(), lr=lr)
    for epoch in range(epochs):
        for xb, yb in nn.batches(X, y, batch_size=1, shuffle=True, seed=epoch):
            loss = nn.squared_error(model(xb), yb[:, None])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if nn.accuracy(model(X), y) == 1.0:
            return model, epoch + 1
    return model, None


def test_sigmoid_linear_classifier_gets_every_movie_right():
    X, y, _ = nn.datasets.movies()
    model, epochs = _train_sigmoid_net(X, y, [1], seed=0, lr=0.5, epochs=100)
    assert epochs is not None
    assert nn.accuracy(model(X), y) == 1.0


def test_susan_has_a_certificate_that_no_line_separates_her_movies():
    X, y = nn.datasets.susan()
    rows = {tuple(x): int(label) for x, label in zip(X, y, strict=True)}
    liked, disliked = [(1.0, 1.0), (5.0, 5.0)], [(1.0, 5.0), (5.0, 1.0)]
    assert [rows[p] for p in liked] == [1, 1] and [rows[p] for p in disliked] == [0, 0]
    # the two liked and the two disliked movies share a midpoint, so for every linear h
    # h(liked₁) + h(liked₂) = h(disliked₁) + h(disliked₂): both sides cannot fall on opposite sides
    np.testing.assert_array_equal(np.mean(liked, axis=0), np.mean(disliked, axis=0))


@given(theta=st.tuples(st.floats(-10, 10), st.floats(-10, 10)), b=st.floats(-50, 50))
def test_no_linear_decision_function_classifies_all_of_susans_movies(theta, b):
    X, y = nn.datasets.susan()
    predicted = (X @ np.array(theta) + b > 0).astype(int)
    assert np.mean(predicted == y) < 1.0


def test_a_trained_sigmoid_linear_classifier_fails_on_susan():
    X, y = nn.datasets.susan()
    model, epochs = _train_sigmoid_net(X, y, [1], seed=0, lr=0.5, epochs=150)
    assert epochs is None
    assert nn.accuracy(model(X), y) < 1.0


def test_two_two_one_sigmoid_network_learns_susan_within_a_few_seeds():
    """Section 7's network reaches 100% on Susan's data, but not from every start (section 10).

    Measured with lr = 1 and at most 200 epochs of one-example SGD: seeds 0 and 1 stall in a
    local minimum at 11/14 correct; seed 2 (the third try) reaches 100% after 52 epochs. Over
    seeds 0–9 with 1000 epochs, 5 of 10 reach 100%.
    """
    X, y = nn.datasets.susan()
    tries = []
    for seed in range(5):
        model, epochs = _train_sigmoid_net(X, y, [2, 1], seed=seed, lr=1.0, epochs=200)
        tries.append(epochs)
        if epochs is not None:
            break
    assert tries[-1] is not None, f"no seed of {len(tries)} reached 100%: {tries}"
    assert nn.accuracy(model(X), y) == 1.0
    assert len(tries) == 3  # the documented count; a change means the numerics changed: update the docstring


def test_digits_mlp_reaches_97_percent_test_accuracy():
    pytest.importorskip("sklearn")
    Xtr, ytr, Xte, yte = nn.datasets.digits(split=0.25, seed=0)
    model = nn.MLP(64, [128, 10], seed=0)
    nn.fit(model, nn.cross_entropy, (Xtr, ytr), optimizer=nn.Adam(model.parameters(), lr=3e-3),
           epochs=40, batch_size=64, progress=False)
    _, test_accuracy = nn.evaluate(model, nn.cross_entropy, Xte, yte)
    assert test_accuracy >= 0.97
