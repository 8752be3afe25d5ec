"""`python -m autograd_lite` walks the sigmoid unit and its gradient check."""

import subprocess
import sys


def test_the_demo_prints_backprop_equal_to_equation_7_and_the_check_passes():
    out = subprocess.run([sys.executable, "-m", "autograd_lite"], capture_output=True, text=True, check=True).stdout
    assert "eq. 7:  Δθ1 = 2[g - y][1 - g] g · x1 = -0.227591" in out
    assert "dJ/dθ1 = -0.227591" in out
    assert "OK: backprop agrees with numerical differentiation" in out
