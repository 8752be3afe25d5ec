"""A built, non-editable wheel holds every module of both top-level packages, and the explorer's assets.

setuptools' and hatchling's auto-discovery can silently drop packages in a flat layout with two
top-level packages, and an editable install would hide it: so build a real wheel and look.
"""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def source_modules() -> set[str]:
    found = set()
    for top in ("autograd_lite", "nn"):
        for path in (ROOT / top).rglob("*.py"):
            if "__pycache__" not in path.parts:
                found.add(path.relative_to(ROOT).as_posix())
    return found


def test_the_wheel_contains_every_package_and_module(tmp_path):
    source = tmp_path / "source"  # build from a copy: setuptools writes build/ next to the sources
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for top in ("autograd_lite", "nn"):
        shutil.copytree(ROOT / top, source / top, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(source)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("autograd_lite-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = source_modules()
    assert "autograd_lite/__init__.py" in modules
    missing = sorted(modules - names)
    assert not missing, f"the wheel lacks: {missing}"
    assert not any(n.startswith(("tests/", "benchmarks/", "notebooks/", "scripts/")) for n in names)
    static = ROOT / "autograd_lite" / "viz" / "explorer" / "static"
    assets = {p.relative_to(ROOT).as_posix() for p in static.rglob("*") if p.is_file()}
    assert {"autograd_lite/viz/explorer/static/explorer.js", "autograd_lite/viz/explorer/static/vendor/viz-global.js",
            "autograd_lite/viz/explorer/static/vendor/katex.min.js",
            "autograd_lite/viz/explorer/static/vendor/viz-js.LICENSE"} <= assets
    lacking = sorted(assets - names)
    assert not lacking, f"the wheel lacks the explorer's assets: {lacking}"
    with zipfile.ZipFile(wheel) as archive:  # the vendored files arrive whole, not as placeholders
        assert archive.read("autograd_lite/viz/explorer/static/vendor/viz-global.js") == \
            (static / "vendor" / "viz-global.js").read_bytes()
