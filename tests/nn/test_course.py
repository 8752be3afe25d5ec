"""nn.course: each exercise check accepts the notebook's folded solution and rejects a typical wrong answer.

A rejection says why: the point, the case or the count that differs.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nn import course


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def delta_b_solution(theta1, theta2, b, x, label):   # notebook 02's tutorial_gradients(...)[2]
    g = sigmoid(theta1 * x[0] + theta2 * x[1] + b)
    return 2 * (g - label) * (1 - g) * g


def backprop_batch_solution(thetas, biases, Xb, yb):   # notebook 04's folded solution to exercise 1
    h = [Xb.T]
    for theta, b in zip(thetas, biases, strict=True):
        h.append(sigmoid(theta @ h[-1] + b[:, None]))
    n = Xb.shape[0]
    delta = 2 * (h[-1] - yb) / n * h[-1] * (1 - h[-1])
    d_theta = []
    for layer in range(len(thetas) - 1, -1, -1):
        d_theta.insert(0, delta @ h[layer].T)
        delta = (thetas[layer].T @ delta) * h[layer] * (1 - h[layer])
    return d_theta


def test_02_exercise_1_accepts_equation_10_and_shows_where_a_missing_factor_2_differs():
    assert course.check_02_exercise_1(delta_b_solution)
    wrong = course.check_02_exercise_1(lambda t1, t2, b, x, y: delta_b_solution(t1, t2, b, x, y) / 2)
    assert not wrong and "your Δb is" in wrong.why and "central differences give" in wrong.why
    numbers = [float(w.rstrip(",")) for w in wrong.why.split() if w.rstrip(",").lstrip("-").replace(".", "").isdigit()]
    assert len(numbers) >= 2
    forgot_the_slope = course.check_02_exercise_1(lambda t1, t2, b, x, y: 2 * (sigmoid(t1 * x[0] + t2 * x[1] + b) - y))
    assert not forgot_the_slope and "at θ = (0.5, -0.5)" in forgot_the_slope.why


def test_a_check_without_an_answer_says_what_to_do_and_one_that_raises_says_what_it_raised():
    verdict = course.check_02_exercise_1(None)
    assert not verdict and "assign your function" in verdict.why and "not answered yet" in str(verdict)
    broken = course.check_04_exercise_1(lambda thetas, biases, Xb, yb: thetas[5])
    assert not broken and "IndexError" in broken.why and "2-3-2-1 network on a batch of 3" in broken.why


@settings(max_examples=20, deadline=None)
@given(st.floats(0.01, 10))
def test_02_exercise_3_wants_m_alpha(rate):
    assert course.check_02_exercise_3(1.5)
    verdict = course.check_02_exercise_3(rate)
    assert bool(verdict) == (abs(rate - 1.5) < 1e-5)
    if not verdict:
        assert f"you gave {rate:g}" in verdict.why and "15 × 0.1" in verdict.why


def test_03_exercise_2_counts_weights_and_biases():
    assert course.check_03_exercise_2(19)
    wrong = course.check_03_exercise_2(13)       # the weights only: 4 + 6 + 3
    assert not wrong and "(2·2 + 2) + (2·3 + 3) + (3·1 + 1) = 19" in wrong.why
    assert not course.check_03_exercise_2("nineteen")


def test_04_exercise_1_accepts_the_solution_and_names_the_case_a_sum_instead_of_a_mean_fails():
    assert course.check_04_exercise_1(backprop_batch_solution)

    def summed(thetas, biases, Xb, yb):          # forgot the 1/n of the mean
        return [d * Xb.shape[0] for d in backprop_batch_solution(thetas, biases, Xb, yb)]

    verdict = course.check_04_exercise_1(summed)
    assert not verdict and "batch of 3" in verdict.why and "about 3 times backward's" in verdict.why

    def transposed(thetas, biases, Xb, yb):
        return [d.T for d in backprop_batch_solution(thetas, biases, Xb, yb)]

    verdict = course.check_04_exercise_1(transposed)
    assert not verdict and "has shape (2, 3); θ(1) has (3, 2)" in verdict.why


def test_04_exercise_2_two_paths():
    assert course.check_04_exercise_2(2)
    wrong = course.check_04_exercise_2(4)
    assert not wrong and "1 × 2 × 1 = 2" in wrong.why
