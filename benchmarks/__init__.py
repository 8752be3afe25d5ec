"""Reproducible speed measurements for autograd_lite against baselines timed in the same run.

Run each from the repository root as ``python -m benchmarks.<name>``; see benchmarks/README.md.
"""
