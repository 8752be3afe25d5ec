"""benchmarks.ab reads the tables the benchmark scripts print: a skipped contestant must not break that."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks import ab

ROOT = Path(__file__).resolve().parents[2]


def test_ab_reads_mlp_step_with_a_skipped_contestant():
    # mlp_step without PyTorch: the PyTorch row shows "-" and a "skipped" note follows the table
    code = ("import sys, builtins; real = builtins.__import__\n"
            "def no_torch(name, *a, **k):\n"
            "    if name == 'torch' or name.startswith('torch.'): raise ImportError('no torch here')\n"
            "    return real(name, *a, **k)\n"
            "builtins.__import__ = no_torch\n"
            "sys.argv = ['mlp_step', '--rounds', '1', '--sample-seconds', '0.005', '--batches', '32']\n"
            "import runpy; runpy.run_module('benchmarks.mlp_step', run_name='__main__')\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={"PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert "skipped PyTorch" in out.stdout
    header, rows = ab.find_table(out.stdout, "x numpy @32")
    assert [r[0] for r in rows][:3] == ["numpy, hand-written backward", "autograd_lite, raw Value ops",
                                        "autograd_lite, nn"]
