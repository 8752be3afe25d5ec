"""nn.search refuses bad input before any training starts, with errors that say what to write
instead; `nn` imports without Optuna, and `run` then says how to install it."""

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from nn.search import int_range, log_uniform, uniform
from nn.search.space import check_space, from_json, to_json


def never_called(params, trial):
    raise AssertionError("the objective ran although the input was refused")


GOOD = {"lr": log_uniform(1e-3, 1.0)}


@pytest.mark.parametrize(("make", "error", "message"), [
    (lambda: log_uniform(0.0, 1.0), ValueError, r"log_uniform: low must be above 0 .*log_uniform\(0.0, 1.0\)"),
    (lambda: log_uniform(1.0, 0.1), ValueError, r"log_uniform: low must be below high"),
    (lambda: uniform(2.0, 2.0), ValueError, r"uniform: low must be below high.*one-element list"),
    (lambda: uniform(0.0, math.inf), ValueError, r"uniform: high must be finite, got inf"),
    (lambda: uniform("0", 1), TypeError, r"uniform: low must be a number, got '0'"),
    (lambda: int_range(1.5, 3), TypeError, r"int_range: low must be an int, got 1.5"),
    (lambda: int_range(3, 1), ValueError, r"int_range: low must be below high, got int_range\(3, 1\)"),
    (lambda: int_range(0, 10, step=3), ValueError, r"step must be a positive int that divides high - low = 10"),
    (lambda: int_range(0, 8, log=True), ValueError, r"log=True needs low >= 1"),
])
def test_bad_ranges_are_refused_where_they_are_written(make, error, message):
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize(("space", "error", "message"), [
    ({}, ValueError, r"the space is empty: give at least one hyper-parameter"),
    ([("lr", [0.1])], TypeError, r"the space must be a dict .* got list"),
    ({"lr": (1e-3, 1.0)}, TypeError, r"'lr' is a tuple \(0.001, 1.0\): write a list \[0.001, 1.0\] .* for a range"),
    ({"lr": []}, ValueError, r"the list of choices for 'lr' is empty"),
    ({"hidden": [32, 64, 32]}, ValueError, r"the choices for 'hidden' repeat 32"),
    ({"act": [np.tanh]}, TypeError, r"choices for 'act' must be None, bools, numbers or strings"),
    ({"lr": [0.1, float("nan")]}, ValueError, r"choices for 'lr' include NaN"),
    ({"lr": 0.1}, TypeError, r"'lr' must be a list of choices or a range"),
    ({3: [1, 2]}, TypeError, r"names must be non-empty strings, got 3"),
])
def test_malformed_spaces_are_refused_before_any_trial(space, error, message):
    with pytest.raises(error, match=message):
        nn.search.run(never_called, space, method="random", trials=3)


def test_a_grid_over_a_continuous_range_is_refused_with_values_to_try():
    with pytest.raises(ValueError, match=r"a grid needs a list of values for 'lr', but log_uniform\(0.001, 1.0\) is "
                                         r"a continuous range; give the values to try, e.g. \[0.001, 0.01, 0.1, 1.0\]"):
        nn.search.run(never_called, {"lr": log_uniform(1e-3, 1.0), "hidden": [8, 16]}, method="grid")
    with pytest.raises(ValueError, match=r"the grid has 1,000,000 points"):
        nn.search.run(never_called, {"a": int_range(1, 1000), "b": int_range(1, 1000)}, method="grid")


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"method": "annealing", "trials": 3}, ValueError, r"unknown method 'annealing'; choose one of 'grid', 'random', "
                                                       r"'bayes', 'gp'"),
    ({"method": "bayes"}, ValueError, r"method='bayes' needs trials="),
    ({"method": "random", "trials": 0}, ValueError, r"trials must be a positive int, got 0"),
    ({"method": "random", "trials": 2.5}, ValueError, r"trials must be a positive int, got 2.5"),
    ({"method": "random", "trials": 3, "seed": -1}, ValueError, r"seed must be a non-negative int or None"),
    ({"method": "random", "trials": 3, "direction": "up"}, ValueError, r"direction must be 'maximize' .* or "
                                                                       r"'minimize' \(a loss\), got 'up'"),
    ({"method": "random", "trials": 3, "pruner": "hyperband"}, ValueError, r"pruner must be 'median', None"),
    ({"method": "random", "trials": 3, "storage": "study.csv"}, ValueError, r"neither a known file type nor a URL"),
    ({"method": "random", "trials": 3, "storage": "/no/such/folder/s.db"}, FileNotFoundError,
     r"the folder '/no/such/folder' does not exist"),
    ({"method": "random", "trials": 3, "storage": 5}, TypeError, r"storage must be None \(in memory\)"),
    ({"method": "random", "trials": 3, "storage": "nosuchdb://u:secret@host/db"}, ValueError,
     r"cannot open the storage nosuchdb://u:\*\*\*@host/db"),
])
def test_bad_arguments_are_refused_before_any_trial(kwargs, error, message):
    with pytest.raises(error, match=message):
        nn.search.run(never_called, GOOD, **kwargs)


def test_a_grid_of_six_points_refuses_a_budget_of_seven():
    with pytest.raises(ValueError, match=r"trials=7 is more than the grid's 6 points"):
        nn.search.run(never_called, {"a": [1, 2, 3], "b": ["x", "y"]}, method="grid", trials=7)


def test_the_objective_must_be_a_function_of_params_and_trial():
    with pytest.raises(TypeError, match=r"the objective must be a function of \(params, trial\)"):
        nn.search.run("train", GOOD, method="random", trials=2)
    def three(a, b, c):
        return 0.0

    with pytest.raises(TypeError, match=r"the objective 'three'\(a, b, c\) must take \(params, trial\) or \(params\)"):
        nn.search.run(three, GOOD, method="random", trials=2)


def test_a_postgres_url_without_its_driver_says_which_extra_installs_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg2", None)
    with pytest.raises(ImportError, match=r"needs a database driver .*autograd-lite\[search-postgres\]"):
        nn.search.run(never_called, GOOD, method="random", trials=2, storage="postgresql+psycopg2://u@/db")


def test_without_optuna_run_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "optuna", None)  # `import optuna` now raises ImportError
    with pytest.raises(ImportError, match=r"pip install 'autograd-lite\[search\]'"):
        nn.search.run(never_called, GOOD, method="random", trials=2)


def test_method_gp_without_torch_names_what_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"method='gp' .* needs torch and scipy, and torch is missing: "
                                          r"pip install 'autograd-lite\[search-gp\]'. method='bayes' \(TPE\)"):
        nn.search.run(never_called, GOOD, method="gp", trials=2)


def test_nn_and_the_space_helpers_import_without_optuna():
    code = ("import sys; sys.modules['optuna'] = None\n"
            "import nn\n"
            "print(nn.search.log_uniform(1e-3, 1.0), nn.search.int_range(1, 3))\n"
            "try:\n    nn.search.run(lambda p: 0.0, {'a': [1]}, method='grid')\n"
            "except ImportError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["log_uniform(0.001, 1.0) int_range(1, 3)",
                                "nn.search runs on Optuna, which is not installed: pip install 'autograd-lite[search]'"]


def test_the_removed_searches_point_to_nn_search():
    with pytest.raises(AttributeError, match=r"nn.grid_search was replaced by nn.search.run\(objective, space, "
                                             r"method='grid'\)"):
        nn.grid_search  # noqa: B018
    with pytest.raises(AttributeError, match=r"method='random'"):
        nn.random_search  # noqa: B018


ranges = st.one_of(
    st.tuples(st.floats(-1e6, 1e6), st.floats(1e-6, 1e6)).map(lambda t: uniform(t[0], t[0] + t[1])),
    st.tuples(st.floats(1e-8, 1e3), st.floats(1.001, 1e4)).map(lambda t: log_uniform(t[0], t[0] * t[1])),
    st.tuples(st.integers(-50, 50), st.integers(1, 5), st.integers(1, 20)).map(
        lambda t: int_range(t[0], t[0] + t[1] * t[2], step=t[1])),
    st.lists(st.one_of(st.none(), st.booleans(), st.integers(-9, 9), st.text(max_size=3)), min_size=1, max_size=4,
             unique_by=lambda v: (v if isinstance(v, str) else ("n", v))).filter(
        lambda vs: len({v if isinstance(v, str) or v is None else float(v) for v in vs}) == len(vs)),
)


@given(st.dictionaries(st.text(min_size=1, max_size=5), ranges, min_size=1, max_size=4))
def test_a_space_survives_the_trip_through_the_study_as_plain_data(space):
    checked = check_space(space, "random")
    assert from_json(to_json(checked)) == checked
