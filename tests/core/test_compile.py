"""`autograd_lite.compile`: random graphs over many ops, guards and retracing, randomness, and what
cannot be traced (refused with the user's line). Op by op: tests/core/test_compile_ops.py."""

import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lite as al
from autograd_lite import Value
from autograd_lite.compiler import TracingError

UNARY = ["exp", "tanh", "sigmoid", "sin", "cos", "relu", "abs", "neg"]
BINARY = ["add", "sub", "mul", "maximum", "minimum"]


def assert_same(a, b, what=""):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-12, atol=1e-12, err_msg=what)


def grads_of(params):
    return [p.grad for p in params]


def eager_grads(fn, args, params):
    for p in params:
        p.zero_grad()
    loss = fn(*args)
    loss.backward()
    return loss.item(), grads_of(params)


@st.composite
def graphs(draw):
    """A random expression DAG: parameters of one shape, unary and binary ops, reductions and reshapes."""
    n = draw(st.integers(2, 4))
    steps = []
    for _ in range(draw(st.integers(3, 12))):
        kind = draw(st.sampled_from(["unary", "binary", "binary", "scale", "sum_axis", "reshape", "matmul"]))
        steps.append((kind, draw(st.sampled_from(UNARY)), draw(st.sampled_from(BINARY)),
                      draw(st.integers(0, 100)), draw(st.integers(0, 100)), draw(st.floats(-2, 2))))
    return n, steps


def build(steps, values, x):
    """Apply `steps` to the pool of Values (parameters and the input), and reduce to one number."""
    pool = [x, *values]
    for kind, unary, binary, i, j, c in steps:
        a, b = pool[i % len(pool)], pool[j % len(pool)]
        if kind == "unary":
            new = {"abs": a.abs, "neg": a.__neg__}.get(unary, getattr(a, unary, None))()
        elif kind == "binary":
            op = al.get_op(binary)
            new = op(a, b) if a.shape == b.shape else op(a, a)
        elif kind == "scale":
            new = a * c + 0.5
        elif kind == "sum_axis":
            new = a.sum(axis=0, keepdims=True) * a if a.ndim == 2 else a
        elif kind == "reshape":
            new = a.reshape(-1).reshape(a.shape)
        else:
            new = (a @ b.T) @ b if a.ndim == 2 and a.shape == b.shape else a
        pool.append(new)
    last = sum((v * v).sum() * (0.1 * k + 0.3) for k, v in enumerate(pool[-3:])).tanh()
    return last + sum((p * pool[-1]).sum() for p in values) * 0.01  # every parameter takes part


@pytest.mark.parametrize("buffers", [True, False])
@settings(max_examples=40)
@given(graph=graphs(), seed=st.integers(0, 2**31 - 1))
def test_random_graphs_compiled_equal_eager_over_repeated_calls_with_changing_parameters(buffers, graph, seed):
    n, steps = graph
    rng = np.random.default_rng(seed)
    params = [Value(rng.uniform(-1, 1, (3, 2)), label=f"θ{i}") for i in range(n)]

    def loss(x):
        return build(steps, params, x)

    step = al.compile(loss, buffers=buffers)
    for call in range(3):
        x = rng.uniform(-1, 1, (3, 2))
        for p in params:
            p.zero_grad()
        compiled = step(x).item()
        got = grads_of(params)
        expected, want = eager_grads(loss, (Value(x, requires_grad=False),), params)
        assert_same(compiled, expected, f"call {call}: loss")
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_same(g, w, f"call {call}: gradient of θ{i}")
        for p in params:  # an optimiser's step between calls: the program reads the new data
            p.data = p.numpy() - 0.1 * p.grad
    assert step.traces == 1


def test_mixed_scalar_and_tensor_graph_with_shapes_ops_and_indexing():
    rng = np.random.default_rng(1)
    W = Value(rng.normal(size=(4, 3)), label="W")
    s = Value(0.7, label="s")

    def loss(x):
        h = (x @ W).softmax(axis=1)
        picked = h[np.arange(5), np.array([0, 1, 2, 1, 0])]
        joined = al.concatenate([picked, h[:, 0]], axis=0)
        return (joined.log() * s).mean() + al.where(np.array([True, False, True]), W[0], W[1]).max() + s * s

    step = al.compile(loss)
    for _ in range(2):
        x = rng.normal(size=(5, 4))
        W.zero_grad()
        s.zero_grad()
        got = step(x).item()
        gW, gs = W.grad, s.grad
        want, (eW, es) = eager_grads(loss, (Value(x, requires_grad=False),), [W, s])
        assert_same(got, want)
        assert_same(gW, eW)
        assert type(gs) is float and abs(gs - es) <= 1e-12


def test_gradients_accumulate_across_calls_until_zero_grad_as_backward_does():
    w = Value(np.array([1.0, -2.0]), label="w")
    step = al.compile(lambda x: (w * x).sum())
    x = np.array([3.0, 4.0])
    step(x)
    first = w.grad.copy()
    step(x)
    assert_same(w.grad, 2 * first)
    held = w.grad
    step(x)
    assert_same(held, 2 * first), "an earlier gradient array must not be written into"
    w.zero_grad()
    step(x)
    assert_same(w.grad, first)


def test_a_new_input_shape_traces_again_and_the_old_program_is_kept():
    w = Value(2.0)
    step = al.compile(lambda x: (x * w).sum())
    step(np.ones(3))
    step(np.ones(3))
    assert step.traces == 1
    assert step(np.ones((2, 2))).item() == 8.0
    assert step.traces == 2
    assert step(np.ones(3)).item() == 6.0
    assert step.traces == 2
    assert step(np.ones(3, dtype=np.float32)).item() == 6.0  # another dtype: another program
    assert step.traces == 3


def test_the_cache_keeps_the_most_recently_used_programs():
    w = Value(1.0)
    step = al.compile(lambda x: (x * w).sum(), cache_size=2)
    for n in (1, 2, 3):
        step(np.ones(n))
    assert step.traces == 3
    step(np.ones(3))
    assert step.traces == 3
    step(np.ones(1))  # evicted as the least recently used
    assert step.traces == 4


def test_a_parameter_given_another_shape_or_dtype_or_frozen_traces_again():
    w = Value(np.ones(3))
    step = al.compile(lambda x: (w * x).sum())
    step(np.ones(3))
    w.data = np.ones(3, dtype=np.float32)
    w.zero_grad()
    step(np.ones(3))
    assert step.traces == 2 and w.grad.dtype == np.float32
    w.requires_grad_(False)
    w.zero_grad()
    out = step(np.ones(3))
    assert step.traces == 3 and not w.has_grad and out.item() == 3.0


def test_a_program_is_never_replayed_for_other_input_data():
    w = Value(np.array([1.0, 2.0]))
    step = al.compile(lambda x, y: ((w * x - y) ** 2).sum())
    assert step(np.array([1.0, 1.0]), np.array([0.0, 0.0])).item() == 5.0
    assert step(np.array([2.0, 0.0]), np.array([1.0, 0.0])).item() == 1.0
    assert step(3.0 * np.ones(2), np.zeros(2)).item() == 45.0


def test_integer_labels_are_read_from_each_call():
    nn = pytest.importorskip("nn")
    model = nn.Linear(3, 4, seed=0)
    step = al.compile(lambda xb, yb: nn.cross_entropy(model(xb), yb))
    x = np.random.default_rng(0).normal(size=(6, 3))
    for labels in (np.array([0, 1, 2, 3, 0, 1]), np.array([3, 3, 2, 1, 0, 0])):
        model.zero_grad()
        got = step(x, labels).item()
        gW = model.weight.grad
        model.zero_grad()
        want = nn.cross_entropy(model(x), labels)
        want.backward()
        assert_same(got, want.item())
        assert_same(gW, model.weight.grad)


def test_grad_mode_is_a_guard_and_no_grad_gives_a_forward_only_program():
    w = Value(np.array([1.0, 2.0]))
    step = al.compile(lambda x: (w * x).sum())
    with al.no_grad():
        assert step(np.ones(2)).item() == 3.0
    assert not w.has_grad
    step(np.ones(2))
    assert_same(w.grad, np.ones(2))
    assert step.traces == 2


def test_input_values_that_require_grad_get_gradients():
    w = Value(np.array([1.0, 2.0]))
    step = al.compile(lambda x: (w * x * x).sum())
    for _ in range(2):
        x = Value(np.array([3.0, -1.0]))
        step(x)
        assert_same(x.grad, 2 * w.numpy() * x.numpy())


def test_a_tuple_of_outputs_comes_back_as_fresh_values():
    w = Value(np.array([[1.0, 2.0], [3.0, 4.0]]))

    def loss(x):
        out = x @ w
        return out.sum(), out

    step = al.compile(loss)
    first_loss, first_out = step(np.eye(2))
    second_loss, second_out = step(2 * np.eye(2))
    assert_same(first_out.numpy(), w.numpy())  # not overwritten by the second call's buffers
    assert_same(second_out.numpy(), 2 * w.numpy())
    assert not first_out.requires_grad and second_loss.item() == 20.0


def test_dropout_draws_a_new_mask_on_every_call_and_eval_mode_traces_again():
    nn = pytest.importorskip("nn")
    model = nn.Sequential(nn.Linear(8, 16, seed=0), nn.Dropout(0.5, seed=1))
    step = al.compile(lambda x: (model(x) ** 2).sum())
    x = np.ones((4, 8))
    masks = []
    for _ in range(3):
        model.zero_grad()
        step(x)
        masks.append(model[0].weight.grad != 0)
    assert not np.array_equal(masks[0], masks[1]) and not np.array_equal(masks[1], masks[2])
    model.eval()
    model.zero_grad()
    got = step(x).item()
    assert step.traces == 2
    assert_same(got, (model(x) ** 2).sum().item())
    model.train()
    step(x)
    assert step.traces == 2, "back in training mode the first program is replayed"


def test_compiled_dropout_draws_the_same_masks_as_eager_with_the_same_seed():
    nn = pytest.importorskip("nn")

    def make():
        return nn.Sequential(nn.Linear(8, 16, seed=0), nn.ReLU(), nn.Dropout(0.3, seed=7), nn.Linear(16, 1, seed=2))

    eager, compiled = make(), make()
    step = al.compile(lambda x: (compiled(x) ** 2).mean())
    x = np.random.default_rng(3).normal(size=(5, 8))
    for _ in range(3):
        eager.zero_grad()
        compiled.zero_grad()
        want = (eager(x) ** 2).mean()
        want.backward()
        assert_same(step(x).item(), want.item())
        for p, q in zip(compiled.parameters(), eager.parameters(), strict=True):
            assert_same(p.grad, q.grad)


def _line_of(fn, text):
    lines, start = inspect.getsourcelines(fn)
    return start + next(i for i, line in enumerate(lines) if text in line)


def test_a_where_condition_from_a_comparison_is_computed_again_on_every_run():
    slope = Value(0.25, label="a")

    def loss(x):
        return al.where(x > 0, x, slope * x).sum()  # prelu

    step = al.compile(loss)
    for x in (np.array([1.0, -2.0, 3.0]), np.array([-1.0, 2.0, -3.0])):
        slope.zero_grad()
        got = step(x).item()
        grad = slope.grad
        slope.zero_grad()
        want = loss(Value(x, requires_grad=False))
        want.backward()
        assert got == want.item() and grad == slope.grad
    assert step.traces == 1


def test_a_mask_used_as_a_constant_is_refused_naming_the_line():
    w = Value(np.array([1.0, -1.0]))

    def loss(x):
        z = w * x
        return (z * (z > 0)).sum()  # the mask as a factor

    with pytest.raises(TracingError, match="comparison") as error:
        al.compile(loss)(np.ones(2))
    assert f"{__file__}:{_line_of(loss, '# the mask as a factor')}" in str(error.value)


def test_an_if_on_traced_data_is_refused_naming_the_line():
    w = Value(np.array([1.0, -1.0]))

    def loss(x):
        s = (w * x).sum()
        if s > 0:  # data-dependent control flow
            return s
        return -s

    with pytest.raises(TracingError) as error:
        al.compile(loss)(np.ones(2))
    assert f"{__file__}:{_line_of(loss, 'if s > 0')}" in str(error.value)
    assert "comparison" in str(error.value) and "if s > 0" in str(error.value)


@pytest.mark.parametrize("read", ["float", "item", "bool", "tolist", "numpy", "int"])
def test_reading_traced_data_as_python_data_is_refused(read):
    w = Value(np.array([2.0]))

    def loss(x):
        s = (w * x).sum()
        if read == "float":
            s = s * float(s)  # float
        elif read == "item":
            s = s * s.item()  # item
        elif read == "bool":
            s = s * bool(s)  # bool
        elif read == "tolist":
            s = s * s.tolist()[0]  # tolist
        elif read == "numpy":
            s = s * s.numpy()  # numpy
        else:
            s = s * int(s)  # int
        return s

    with pytest.raises(TracingError, match=r"of a traced Value") as error:
        al.compile(loss)(np.ones(1))
    assert f"{__file__}:{_line_of(loss, f'# {read}')}" in str(error.value)


def test_no_grad_inside_a_compiled_function_is_refused():
    w = Value(1.0)

    def loss(x):
        with al.no_grad():
            y = x * 2.0
        return y * w

    with pytest.raises(TracingError, match="no_grad"):
        al.compile(loss)(3.0)


def test_backward_inside_a_compiled_function_is_refused():
    w = Value(2.0)

    def step(x):
        loss = w * x
        loss.backward()  # the program does this itself: done here too, the gradients would double
        return loss

    with pytest.raises(TracingError, match=r"backward\(\)"):
        al.compile(step)(3.0)
    assert not w.has_grad


def test_guards_given_by_the_user_trace_again_when_their_value_changes():
    w = Value(np.ones(2))
    setting = {"scale": 1.0}

    def loss(x):
        return (w * x).sum() * setting["scale"]

    step = al.compile(loss, guards=lambda: setting["scale"])
    assert step(np.ones(2)).item() == 2.0
    setting["scale"] = 3.0  # read as a Python number at trace time: the guard makes the change seen
    assert step(np.ones(2)).item() == 6.0
    assert step.traces == 2


def test_constants_and_python_numbers_may_be_read_while_tracing():
    w = Value(np.array([1.0, 2.0]))
    scale = 3.0

    def loss(x):
        c = Value(np.array([0.5, 0.5]), requires_grad=False)
        return (w * x * float(c.sum()) * scale).sum()

    step = al.compile(loss)
    assert step(np.ones(2)).item() == 9.0
    assert step(2 * np.ones(2)).item() == 18.0


def test_an_integer_input_used_only_through_numpy_is_refused():
    w = Value(np.ones((2, 3)))

    def loss(x, labels):
        onehot = np.eye(3)[labels]  # computed with numpy: would be frozen
        return ((x @ w) * onehot).sum()

    with pytest.raises(TracingError, match="labels"):
        al.compile(loss)(np.ones((4, 2)), np.array([0, 1, 2, 0]))


def test_a_random_forward_is_refused_rather_than_frozen():
    w = Value(np.ones(3))
    rng = np.random.default_rng(0)
    noisy = al.op("noisy_for_test", lambda x: x + rng.normal(size=np.shape(x)), grads=lambda g, out, x: g,
                  register=False)
    with pytest.raises(TracingError, match="random"):
        al.compile(lambda: noisy(w).sum())()


def test_fresh_draws_on_every_run():
    rng = np.random.default_rng(0)
    w = Value(np.ones(4))
    step = al.compile(lambda: (w * al.compiler.fresh(lambda: rng.normal(size=4))).sum())
    assert step().item() != step().item()


def test_source_names_variables_after_labels_and_comments_each_rule():
    theta = Value(np.array([0.5, -0.2]), label="θ")
    b = Value(0.1, label="b")

    def loss(x, y):
        h = (x @ theta + b).sigmoid()
        return ((h - y) ** 2).sum()

    step = al.compile(loss)
    step(np.ones((3, 2)), np.zeros(3))
    source = step.source()
    assert "θ = P_θ._data" in source and "b = P_b._data" in source
    assert "# sigmoid: g·sigmoid·(1 - sigmoid)" in source
    assert "# through sigmoid = σ(add)" in source
    assert source.index("# through power") < source.index("# through sigmoid") < source.index("# through add")
