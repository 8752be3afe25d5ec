"""Optuna and the Gaussian-process sampler's libraries, imported only when a search needs them,
with the command that installs whichever is missing."""

from __future__ import annotations

from types import ModuleType

INSTALL = "pip install 'autograd-lite[search]'"
INSTALL_GP = "pip install 'autograd-lite[search-gp]'"


def optuna() -> ModuleType:
    """The `optuna` module, or an ImportError that says how to install it."""
    try:
        import optuna as module
    except ImportError as error:
        raise ImportError(f"nn.search runs on Optuna, which is not installed: {INSTALL}") from error
    return module


def require_gp_libraries() -> None:
    """Optuna's GPSampler fits its Gaussian process with torch and scipy: both must import."""
    missing = []
    for name in ("torch", "scipy"):
        try:
            __import__(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise ImportError(f"nn.search: method='gp' (Bayesian optimisation with a Gaussian process, Optuna's "
                          f"GPSampler) needs torch and scipy, and {' and '.join(missing)} "
                          f"{'is' if len(missing) == 1 else 'are'} missing: {INSTALL_GP}. "
                          f"method='bayes' (TPE) needs neither.")
