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


def test_01_exercise_1_wants_the_table_right_and_gravity_moved():
    assert course.check_01_exercise_1((2, 1.5, -10.25))             # the folded solution
    unmoved = course.check_01_exercise_1((1, 1, -7))                 # the notebook's own unit
    assert not unmoved and "Gravity still gets h = 0.269" in unmoved.why
    broken_table = course.check_01_exercise_1((1, 1, -4))            # Gravity moves, but a movie flips too
    assert not broken_table and "rated (1, 5) has y = 0 but h = 0.881" in broken_table.why


def test_01_exercise_3_wants_the_boundary_and_theta1_over_4():
    assert course.check_01_exercise_3(4.0, 0.25)
    forgot_g_prime = course.check_01_exercise_3(4.0, 1.0)             # θ1 alone, without g'(0) = 1/4
    assert not forgot_g_prime and "1 × 1/4 = 0.25" in forgot_g_prime.why
    off_boundary = course.check_01_exercise_3(3.0, 0.25)
    assert not off_boundary and "at m = 4" in off_boundary.why


def test_05_exercise_1_blames_input_0_and_hides_where_a_equals_b():
    assert course.check_05_exercise_1(0, (np.array([2.0]), np.array([2.0])))   # the folded solution's point
    assert not course.check_05_exercise_1(1, (2.0, 2.0))
    still_caught = course.check_05_exercise_1(0, ([1.0, 2.0], [1.0, 3.0]))
    assert not still_caught and "at element 1 the wrong rule gives 2 where b = 3" in still_caught.why


@settings(max_examples=15, deadline=None)
@given(st.floats(-6, 0))
def test_05_exercise_2_measures_float16_errors_and_says_which_side_is_wrong(log10_eps):
    assert course.check_05_exercise_2(0.08)                           # u^(1/3), the folded solution
    verdict = course.check_05_exercise_2(10 ** log10_eps)
    if not verdict:
        assert "the float16 error is" in verdict.why and ("rounding" in verdict.why or "truncation" in verdict.why)
    assert not course.check_05_exercise_2(1e-5)                       # float64's habit: rounding swamps it
    assert "rounding (u/ε) dominates" in course.check_05_exercise_2(1e-5).why


def test_08_exercise_2_two_to_the_k_pieces():
    assert course.check_08_exercise_2(32)
    wrong = course.check_08_exercise_2(31)                            # the shallow network's unit count
    assert not wrong and "2^5 = 32" in wrong.why


def test_09_exercise_3_one_sixth_and_a_forgotten_relu_half_is_named():
    assert course.check_09_exercise_3(1 / 6)
    linear_only = course.check_09_exercise_3(1 / 3)
    assert not linear_only and "ReLU halves it again" in linear_only.why
    assert not course.check_09_exercise_3(2.0)


def test_10_exercise_3_weight_decay_is_twice_lambda_measured_on_a_step():
    assert course.check_10_exercise_3(0.02, l2=0.01)
    assert course.check_10_exercise_3(0.2, l2=0.1)
    wrong = course.check_10_exercise_3(0.01, l2=0.01)                 # the factor 2 forgotten
    assert not wrong and "differ by up to" in wrong.why and "2λθ" in wrong.why


def ridge_solution(P, Y, lam):                                        # notebook 11's folded solution
    return np.linalg.solve(P.T @ P + lam * np.eye(P.shape[1]), P.T @ Y)


def test_11_exercise_2_accepts_the_closed_form_and_spots_plain_least_squares():
    assert course.check_11_exercise_2(ridge_solution)
    least_squares = course.check_11_exercise_2(lambda P, Y, lam: np.linalg.lstsq(P, Y, rcond=None)[0])
    assert not least_squares and "without λI" in least_squares.why and "(40, 6)" in least_squares.why
    transposed = course.check_11_exercise_2(lambda P, Y, lam: ridge_solution(P, Y, lam).T)
    assert not transposed and "ω has shape (3, 6)" in transposed.why


def test_12_exercise_1_accepts_hypot_and_names_swapped_rules():
    import autograd_lite as al
    from autograd_lite import Domain

    hypot = al.op("hypot_course_test", forward=lambda a, b: np.sqrt(a * a + b * b),
                  grads=(lambda g, out, a, b: g * a / out, lambda g, out, a, b: g * b / out),
                  domain=Domain(shapes="broadcast", arity=2, low=0.5, high=3.0), register=False)
    assert course.check_12_exercise_1(hypot)
    swapped = al.op("hypot_swapped", forward=lambda a, b: np.sqrt(a * a + b * b),
                    grads=(lambda g, out, a, b: g * b / out, lambda g, out, a, b: g * a / out), register=False)
    verdict = course.check_12_exercise_1(swapped)
    assert not verdict and "gradcheck: input 0" in verdict.why and "a/out" in verdict.why
    assert not course.check_12_exercise_1(np.hypot) and "al.op" in course.check_12_exercise_1(np.hypot).why


def test_06_exercise_1_measures_saturation_and_spots_a_percentage_given_as_a_fraction():
    import nn
    model = nn.MLP(2, [16, 16, 1], activation="sigmoid", output_activation="sigmoid", init="xavier_uniform",
                   seed=0)
    X, y = nn.datasets.moons(n=300, noise=0.25, seed=0)
    Xtr = nn.train_val_split(X, y, val_fraction=0.5, seed=0)[0]
    measured = nn.saturation(model, Xtr)                              # the folded solution's print
    assert course.check_06_exercise_1(measured) and course.check_06_exercise_1(measured["layers.1"])
    percent = course.check_06_exercise_1(100 * measured["layers.1"])
    assert not percent and "which is the percentage" in percent.why
    from_the_plot = course.check_06_exercise_1(0.3)
    assert not from_the_plot and "measures 0.00083" in from_the_plot.why


def test_06_exercise_2_stops_50_epochs_after_the_minimum():
    assert course.check_06_exercise_2(383, 0.94)                     # the folded solution's numbers
    at_the_minimum = course.check_06_exercise_2(333, 0.94)
    assert not at_the_minimum and "50 more epochs" in at_the_minimum.why and "stops at 383" in at_the_minimum.why
    not_restored = course.check_06_exercise_2(383, 0.87)               # the accuracy after all 800 epochs
    assert not not_restored and "weights of epoch 333 come back and score 94.00%" in not_restored.why


def test_06_exercise_3_wants_the_largest_rate_not_the_best_one():
    assert course.check_06_exercise_3(10 ** 1.5, factor=10)           # 31.6, printed as 32 or 31.6
    assert course.check_06_exercise_3(32)
    best_not_largest = course.check_06_exercise_3(10.0)
    assert not best_not_largest and "the lowest J is not the largest rate" in best_not_largest.why
    too_far = course.check_06_exercise_3(100.0)
    assert not too_far and "J ends at 0.500, above 0.1" in too_far.why
    wrong_factor = course.check_06_exercise_3(31.6, factor=2)
    assert not wrong_factor and "the batch size" in wrong_factor.why
    off_grid = course.check_06_exercise_3(50.0)
    assert not off_grid and "not one of the sweep's rates" in off_grid.why


def test_07_exercise_1_recomputes_the_three_accuracies_and_names_the_usual_slips():
    assert course.check_07_exercise_1(0.96, 0.982, 0.658)             # the folded solution's numbers
    assert course.check_07_exercise_1(96.4, 98.2, 65.8)               # in percent, another seed's linear run
    on_training = course.check_07_exercise_1(0.96, 1.0, 0.658)
    assert not on_training and "each its own nearest neighbour" in on_training.why
    unshifted = course.check_07_exercise_1(0.96, 0.982, 0.982)
    assert not unshifted and "that is the unshifted accuracy" in unshifted.why
    undertrained = course.check_07_exercise_1(0.90, 0.982, 0.658)
    assert not undertrained and "reaches 96.0%" in undertrained.why


def _digits_mlp(X, y, epochs):
    import nn
    model = nn.MLP(64, [128, 10], seed=0)
    nn.fit(model, nn.cross_entropy, (X, y), optimizer=nn.Adam(model.parameters(), lr=3e-3), epochs=epochs,
           batch_size=64, progress=False)
    return model


def test_07_exercises_2_and_3_judge_a_trained_model():
    import nn
    from nn.course.notebook_07 import _shift
    Xtr, ytr, Xte, yte = nn.datasets.digits(split=0.25, seed=0)
    moves = [(1, 0), (-1, 0), (0, 1), (0, -1)]                        # exercise 2's folded solution
    robust = _digits_mlp(np.concatenate([Xtr] + [_shift(Xtr, dx, dy) for dx, dy in moves]), np.tile(ytr, 5), 15)
    verdict = course.check_07_exercise_2(robust)
    assert verdict and "at 2 px right, never shown" in verdict.why
    plain = _digits_mlp(Xtr, ytr, 15)                                 # never shown a shift
    not_shifted = course.check_07_exercise_2(plain)
    assert not not_shifted and "it has not learnt the shifts" in not_shifted.why

    plain.eval()
    predicted = plain(Xte).numpy().argmax(axis=1)
    confusion = np.zeros((10, 10), dtype=int)
    np.add.at(confusion, (yte, predicted), 1)
    off = confusion - np.diag(np.diag(confusion))
    i, j = (int(v) for v in np.unravel_index(off.argmax(), off.shape))   # exercise 3's folded solution
    difference = Xtr[ytr == i].mean(axis=0) - Xtr[ytr == j].mean(axis=0)
    assert course.check_07_exercise_3(plain, (i, j), difference)
    d = int(np.diag(confusion).argmax())                              # argmax of the whole matrix: a diagonal cell
    diagonal = course.check_07_exercise_3(plain, (d, d), difference)
    assert not diagonal and "on the diagonal" in diagonal.why
    flipped = course.check_07_exercise_3(plain, (i, j), -difference)
    assert not flipped and "the sign is flipped" in flipped.why
    test_means = Xte[yte == i].mean(axis=0) - Xte[yte == j].mean(axis=0)
    assert "the test images' means" in course.check_07_exercise_3(plain, (i, j), test_means).why


def test_01_exercise_2_wants_the_rounding_gap_and_all_three_signs_flipped():
    assert course.check_01_exercise_2(1.1e-16, (-1, -1, 7))             # the folded solution
    half_flipped = course.check_01_exercise_2(1.1e-16, (-1, -1, -7))
    assert not half_flipped and "flip the sign of all three" in half_flipped.why
    compared_with_g = course.check_01_exercise_2(0.986614298151430, (-1, -1, 7))
    assert not compared_with_g and "that is |g(−z) − g(z)|" in compared_with_g.why


def test_05_exercise_3_measures_the_float64_noise_at_gradchecks_eps():
    assert course.check_05_exercise_3(1e-9)
    exact = course.check_05_exercise_3(1e-16)
    assert not exact and "dividing by ε magnifies it" in exact.why and "7.9e-10" in exact.why
    assert not course.check_05_exercise_3(1e-5)                       # the tolerance itself, not the noise


def test_05_exercise_4_replays_both_anomalies():
    assert course.check_05_exercise_4("log", "log", float("nan"))
    receiver = course.check_05_exercise_4("log", "relu", float("nan"))
    assert not receiver and "which only receives it" in receiver.why
    infinite = course.check_05_exercise_4("log", "log", float("inf"))
    assert not infinite and "inf × 0 = nan" in infinite.why


def test_08_exercise_1_wants_one_hidden_layer_of_a_quarter_the_connections():
    import nn
    from nn.course.notebook_08 import _two_spirals
    X, y = _two_spirals(1000, seed=0)
    model = nn.MLP(2, [144, 2], activation="relu", seed=0)
    nn.fit(model, nn.cross_entropy, (X, y), optimizer=nn.Adam(model.parameters(), lr=1e-2), epochs=5,
           batch_size=100, seed=0, progress=False)
    model.eval()
    from autograd_lite import no_grad
    with no_grad():
        held_out = nn.accuracy(model(_two_spirals(1000, seed=1)[0]), _two_spirals(1000, seed=1)[1])
        on_training = nn.accuracy(model(X), y)
    assert course.check_08_exercise_1(model, held_out, 576)
    too_wide = course.check_08_exercise_1(nn.MLP(2, [576, 2], seed=0), held_out, 576)
    assert not too_wide and "576 ÷ 4 = 144" in too_wide.why
    if abs(on_training - held_out) > 0.01:
        training = course.check_08_exercise_1(model, on_training, 576)
        assert not training and "training spirals" in training.why


def test_08_exercise_3_three_pieces_for_a_width_1_chain():
    assert course.check_08_exercise_3(3)
    folding = course.check_08_exercise_3(32)
    assert not folding and "2^k, the folding network's count" in folding.why and "3 the most found" in folding.why
    assert "flat parts merge" in course.check_08_exercise_3(6).why


def test_09_exercises_1_and_2_recompute_the_chain_and_the_norms():
    assert course.check_09_exercise_1([1, 2, 3])
    switched_off = course.check_09_exercise_1([1, 2])
    assert not switched_off and "the weight of neuron 3 gets 0 too" in switched_off.why
    assert "counted from the output" in course.check_09_exercise_1([4, 5, 6]).why
    assert course.check_09_exercise_2(1.55)
    sigmoid_spread = course.check_09_exercise_2(2751)
    assert not sigmoid_spread and "the sigmoid's spread" in sigmoid_spread.why


def test_12_exercises_2_and_3_check_rules_and_domains():
    import autograd_lite as al
    from autograd_lite import Domain
    from autograd_lite import functional as F

    def softsign(domain):
        return al.op("softsign_course_test", forward=lambda x: x / (1 + np.abs(x)),
                     grads=lambda g, out, x: g / ((1 + abs(x)) * (1 + abs(x))), domain=domain, register=False)

    assert course.check_12_exercise_2(softsign(Domain(low=-4.0, high=4.0, avoid=(0.0,))))
    near_zero = course.check_12_exercise_2(softsign(Domain(low=-4.0, high=4.0)))
    assert not near_zero and "add avoid=(0.0,)" in near_zero.why

    def rule_x(g, out, x, beta):
        s = F.sigmoid(beta * x)
        return g * (s + beta * out * (1 - s))

    def rule_beta(g, out, x, beta):
        return g * x * out * (1 - F.sigmoid(beta * x))

    def forgot_x(g, out, x, beta):                                     # ∂/∂β without its factor x
        return g * out * (1 - F.sigmoid(beta * x))

    def swish(rules):
        return al.op("swish_beta_course_test", forward=lambda x, beta: x * F.sigmoid(beta * x), grads=rules,
                     domain=Domain(shapes="broadcast", arity=2), register=False)

    assert course.check_12_exercise_3(swish((rule_x, rule_beta)))
    wrong = course.check_12_exercise_3(swish((rule_x, forgot_x)))
    assert not wrong and "gradcheck: input 1" in wrong.why and "a scalar β" in wrong.why


def test_10_exercise_1_wants_the_lowest_validation_loss_and_names_a_choice_by_held_out_accuracy():
    scores = {0.0: (0.732, 0.854), 1e-3: (0.293, 0.8625), 3e-3: (0.266, 0.865), 1e-2: (0.248, 0.8805),
              3e-2: (0.367, 0.8295), 1e-1: (0.708, 0.5)}                # the folded solution's print
    assert course.check_10_exercise_1(scores, 0.01)
    assert course.check_10_exercise_1({lam: loss for lam, (loss, _) in scores.items()}, 1e-2)
    unpenalised = course.check_10_exercise_1(scores, 0.0)
    assert not unpenalised and "λ = 0 has validation loss 0.732" in unpenalised.why and "λ = 0.01's" in unpenalised.why
    another_run = {**scores, 3e-3: (0.266, 0.9)}                      # a run where the two criteria disagree
    by_held_out = course.check_10_exercise_1(another_run, 3e-3)
    assert not by_held_out and "best held-out accuracy (90.0%)" in by_held_out.why and "unbiased" in by_held_out.why
    assert "train and score all six" in course.check_10_exercise_1({0.0: 0.7, 1e-2: 0.2}, 1e-2).why
    assert "not one of the six λ tried" in course.check_10_exercise_1(scores, 0.5).why


def _moons_network(X, y, steps=800):                                  # notebook 10's make_model() and train()
    import nn
    model = nn.Sequential(nn.Linear(2, 256, seed=0), nn.ReLU(), nn.Linear(256, 256, seed=1), nn.ReLU(),
                          nn.Linear(256, 2, seed=2))
    optimizer = nn.Adam(model.parameters(), lr=3e-3)
    for _ in range(steps):
        loss = nn.cross_entropy(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model


def test_10_exercise_2_measures_the_600_point_model_and_names_the_60_point_run():
    import nn
    X, y = nn.datasets.moons(n=600, noise=0.35, seed=1)
    X_test, y_test = nn.datasets.moons(n=2000, noise=0.35, seed=2)
    more_model = _moons_network(X, y)                                  # exercise 2's folded solution
    train_accuracy = nn.evaluate(more_model, nn.cross_entropy, X, y)[1]
    held_out = nn.evaluate(more_model, nn.cross_entropy, X_test, y_test)[1]
    assert course.check_10_exercise_2(more_model, train_accuracy, held_out)
    assert course.check_10_exercise_2(more_model, round(100 * train_accuracy), round(100 * held_out))
    copied = course.check_10_exercise_2(more_model, 1.0, held_out)    # the no-remedy run's printed 100 %
    assert not copied and "the 60-point run's" in copied.why
    small_model = _moons_network(*nn.datasets.moons(n=60, noise=0.35, seed=1))   # X, y left at the 60 points
    small = course.check_10_exercise_2(small_model, 1.0, nn.evaluate(small_model, nn.cross_entropy, X_test, y_test)[1])
    assert not small and "it is the 60-point run" in small.why


def test_11_exercise_1_fits_a_ridge_read_out_on_the_features_and_catches_a_far_too_large_scale():
    rng = np.random.default_rng(0)                                    # the folded solution's features
    theta, b = rng.normal(0, 0.3, (64, 1024)), rng.uniform(0, 2 * np.pi, 1024)
    verdict = course.check_11_exercise_1(lambda X: np.cos(X @ theta + b))
    assert verdict and "1024 features" in verdict.why
    jagged = course.check_11_exercise_1(lambda X: np.cos(X @ (10 * theta) + b))
    assert not jagged and "scale is too large" in jagged.why
    redrawn = course.check_11_exercise_1(lambda X: np.cos(X @ rng.normal(0, 0.3, (64, 1024)) + b))
    assert not redrawn and "draws new random weights at each call" in redrawn.why
    assert "one row of features per image" in course.check_11_exercise_1(lambda X: np.cos(X @ theta + b).T).why


def test_11_exercise_3_wants_a_trained_64_256_10_mlp():
    import nn
    Xtr, ytr, _, _ = nn.datasets.digits(split=0.25, seed=0)
    model = nn.MLP(64, [256, 10], seed=0, init="he_normal")            # the folded solution
    nn.fit(model, nn.cross_entropy, (Xtr, ytr), optimizer=nn.Adam(model.parameters(), lr=3e-3), epochs=30,
           batch_size=64, progress=False)
    verdict = course.check_11_exercise_3(model)
    assert verdict and "frozen at random" in verdict.why
    untrained = course.check_11_exercise_3(nn.MLP(64, [256, 10], seed=0, init="he_normal"))
    assert not untrained and "did fit run on it?" in untrained.why
    narrow = course.check_11_exercise_3(nn.MLP(64, [32, 10], seed=0))
    assert not narrow and "64 → 32, 32 → 10" in narrow.why
    linear = course.check_11_exercise_3(nn.Sequential(nn.Linear(64, 256), nn.Linear(256, 10)))
    assert not linear and "without a nonlinearity" in linear.why
