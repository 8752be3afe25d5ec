"""`python -m nn.search worker ...` runs trials of a shared study (on any machine that reaches its
storage) until its budget is taken; `python -m nn.search show ...` prints a study's table.

    python -m nn.search worker --storage URL --study NAME --objective module:function --trials N \\
        [--space module:attr --method grid|random|bayes|gp] [--seed S] [--direction maximize|minimize]

`--objective` names a function ``(params, trial) -> score`` importable from the current folder.
`--space` and `--method` are needed only by the first worker, which creates the study; the others
read them (and the seed, direction and budget) from the study. `--trials` is the study's total.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any

from .study import DEFAULT_STUDY, load, serve


def find(reference: str, what: str) -> Any:
    """The object that ``module:attribute`` names (the module imported from the current folder)."""
    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise SystemExit(f"nn.search: {what} must be written module:attribute (e.g. train:score), got {reference!r}")
    if str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise SystemExit(f"nn.search: cannot import {module_name!r} for {what} ({error}); run from the folder "
                         "that holds it, or put it on PYTHONPATH") from error
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise SystemExit(f"nn.search: module {module_name!r} has no {attribute!r} (for {what})") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nn.search", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    worker = commands.add_parser("worker", help="run trials of a shared study until its budget is taken")
    show = commands.add_parser("show", help="print the table of a study's trials")
    for sub in (worker, show):
        sub.add_argument("--storage", required=True, help="a .db/.sqlite or .log/.journal file, or a database URL")
        sub.add_argument("--study", default=DEFAULT_STUDY, help=f"the study's name (default {DEFAULT_STUDY!r})")
    worker.add_argument("--objective", required=True, help="module:function, called as function(params, trial)")
    worker.add_argument("--trials", type=int, help="the study's total budget (default: the one stored)")
    worker.add_argument("--space", help="module:attr holding the space (needed to create the study)")
    worker.add_argument("--method", choices=("grid", "random", "bayes", "gp"), help="needed to create the study")
    worker.add_argument("--seed", type=int, help="the search's seed (default: the stored one, or 0)")
    worker.add_argument("--direction", choices=("maximize", "minimize"), help="default: stored, or maximize")
    worker.add_argument("--no-pruning", action="store_true", help="never prune this worker's trials")
    args = parser.parse_args(argv)
    if args.command == "show":
        result = load(args.storage, args.study)
        print(result)
        print(result.table())
        return 0
    objective = find(args.objective, "--objective")
    space = find(args.space, "--space") if args.space else None
    result, ran = serve(objective, args.storage, args.study, args.trials, space=space, method=args.method,
                        seed="stored" if args.seed is None else args.seed, direction=args.direction,
                        pruner=None if args.no_pruning else "median")
    print(f"nn.search worker: ran {len(ran)} trial(s) {ran}; {result}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
