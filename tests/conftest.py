"""Shared test settings: hypothesis profiles sized for a developer's run and for CI."""

import os
import shutil

# One BLAS thread for the test process and the notebook kernels it starts: pytest-xdist already
# runs a worker per core, and nested BLAS threads oversubscribe a small machine many times over.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import pytest  # noqa: E402  (after the environment above, before numpy loads)
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture
def dot_program() -> str:
    """Graphviz's `dot`: tests that render skip without it, except where CI demands it."""
    path = shutil.which("dot")
    if path is None:
        if os.environ.get("AUTOGRAD_LITE_REQUIRE_DOT"):
            pytest.fail("Graphviz's dot is missing but AUTOGRAD_LITE_REQUIRE_DOT is set (.ci/run installs it)")
        pytest.skip("Graphviz's dot is not installed (apt-get install graphviz)")
    return path
