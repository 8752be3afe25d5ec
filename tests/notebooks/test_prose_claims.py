"""What the notebooks' prose says about their own runs, checked against what the run printed.

Prose quotes no number it does not print (issue 16): where it makes a claim about those numbers
("ends close to", "the best of the whole search"), the claim is checked here, so that a change in
the code or its numerics that makes the prose wrong fails a test instead of misleading a reader.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _printed(executed_notebook, name: str) -> str:
    nb = nbformat.read(executed_notebook(NOTEBOOKS / name), as_version=4)
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []) if o.get("name") == "stdout")


@pytest.fixture(scope="module")
def practical_advice(executed_notebook) -> str:
    return _printed(executed_notebook, "06_practical_advice.ipynb")


def test_06_minibatch_sizes_behave_as_the_prose_says(practical_advice):
    J = {int(b): (float(first), float(last)) for b, first, last in re.findall(
        r"B = +(\d+): training J after epoch 1 = ([\d.]+), after epoch 30 = ([\d.]+)", practical_advice)}
    assert set(J) == {1, 10, 150}
    assert J[1][1] < min(J[10][1], J[150][1])           # "B = 1 ... gets furthest"
    assert J[150][1] < 0.6 * J[150][0]                    # "the full batch ... still falls clearly"
    assert abs(J[150][1] - J[10][1]) < 0.25 * J[10][1]    # "here it ends close to B = 10"


def test_06_width_and_rate_interact_as_the_prose_says(practical_advice):
    rows = {float(lr): dict((int(h), float(j)) for h, j in re.findall(r"(\d+) units J = ([\d.]+)", rest))
            for lr, rest in re.findall(r"grid, α = +([\d.]+): (.*)", practical_advice)}
    assert set(rows) == {0.3, 3.0, 30.0} and all(set(r) == {2, 8, 32} for r in rows.values())
    for lr in (0.3, 3.0):                                  # "the width changes J only in the second decimal"
        assert max(rows[lr].values()) - min(rows[lr].values()) < 0.05
    best_random = float(re.search(r"random: best .*validation J = ([\d.]+)", practical_advice).group(1))
    assert rows[30.0][8] == min(min(r.values()) for r in rows.values()) and rows[30.0][8] < best_random
    assert rows[30.0][32] > rows[30.0][2]                  # "32 units do worse than two"


def test_06_search_methods_end_in_the_order_the_prose_says(practical_advice):
    means = {m: [float(x) for x in re.findall(r"([\d.]+)%", rest)[:3]] for m, rest in re.findall(
        r"^(grid|random|bayes) *: mean best accuracy after 6 / 12 / 18 trials: (.*)$", practical_advice, re.M)}
    assert set(means) == {"grid", "random", "bayes"}
    assert means["grid"][2] < min(means["random"][2], means["bayes"][2])   # the grid's best is worse
    assert means["bayes"][2] == max(m[2] for m in means.values())         # "its mean best is the highest"
    assert means["random"][0] == means["bayes"][0]                        # the same first ten trials
    pruned, unpruned = re.search(r"best accuracy ([\d.]+)% \(without pruning: ([\d.]+)%\)", practical_advice).groups()
    assert pruned == unpruned                                              # "fewer epochs for the same best"
