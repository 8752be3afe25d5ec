"""nn.search: hyper-parameter search on Optuna (tutorial section 10): grid, random and Bayesian
optimisation, pruning through `nn.fit`, and studies that many processes or machines share.

``nn.search.run(train_and_score, space, method="bayes", trials=40, seed=0)`` with a space such as
``{"lr": log_uniform(1e-3, 1.0), "hidden": [32, 64, 128], "layers": int_range(1, 3)}``. Optuna
is optional (``pip install 'autograd-lite[search]'``): this package imports without it, and `run`
says how to install it. Workers: ``python -m nn.search worker --help``.
"""

from .result import SearchResult, Table
from .space import Range, int_range, log_uniform, uniform
from .study import load, run, serve

__all__ = ["Range", "SearchResult", "Table", "int_range", "load", "log_uniform", "run", "serve", "uniform"]
