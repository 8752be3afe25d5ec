"""Studies that outlive a process: a search killed by a real signal resumes and loses no finished
trial; real worker processes share one study in a file or in PostgreSQL, each trial run once."""

import itertools
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

import nn
from nn.search import uniform
from nn.search.__main__ import main
from nn.search.trials import takes_a_place, worker_name

optuna = pytest.importorskip("optuna")

HERE = Path(__file__).resolve().parent
GRID = {"a": [0, 1, 2, 3], "b": ["x", "y", "z"]}   # as in search_job.py
GRID_POINTS = sorted(itertools.product(GRID["a"], GRID["b"]))
RANGES = {"x": uniform(-5.0, 5.0), "b": ["x", "y", "z"]}


def _env(tmp_path, **extra):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
               SEARCH_LOG=str(tmp_path / "calls.jsonl"))
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _calls(tmp_path):
    path = tmp_path / "calls.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture
def postgres_url():
    url = os.environ.get("AUTOGRAD_LITE_TEST_POSTGRES")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("AUTOGRAD_LITE_TEST_POSTGRES is not set but CI is (.ci/run starts PostgreSQL and sets it)")
        pytest.skip("no PostgreSQL: set AUTOGRAD_LITE_TEST_POSTGRES to a SQLAlchemy URL (bash .ci/postgres prints one)")
    return url


RESUME = """
import sys, nn, search_job
space = search_job.GRID if sys.argv[1] == "grid" else search_job.RANGES
nn.search.run(search_job.objective, space, method=sys.argv[1], trials=int(sys.argv[2]), seed=0,
              storage=sys.argv[3], study_name="resume")
"""


@pytest.mark.parametrize(("method", "filename"), [("grid", "study.db"), ("random", "study.log")])
def test_a_search_killed_by_a_signal_resumes_and_completes_its_budget(tmp_path, method, filename):
    storage, budget = str(tmp_path / filename), 12
    command = [sys.executable, "-c", RESUME, method, str(budget), storage]
    proc = subprocess.Popen(command, env=_env(tmp_path, SEARCH_SLEEP=0.5), cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while len(_calls(tmp_path)) < 4:   # three trials done and in the file, the fourth training (0.5 s)
            assert proc.poll() is None and time.monotonic() < deadline, "the search ended or hung before four trials"
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)   # a real signal: no handler runs, nothing is cleaned up
        proc.wait()
    before = nn.search.load(storage, "resume").table()
    kept = {r["trial"]: (r["params"], r["score"]) for r in before if r["state"] == "complete"}
    running = [r for r in before if r["state"] == "running"]
    assert len(kept) >= 3 and len(running) == 1 and len(kept) < budget

    subprocess.run(command, env=_env(tmp_path), cwd=tmp_path, check=True, timeout=120)   # the same command
    after = nn.search.load(storage, "resume").table()
    complete = [r for r in after if r["state"] == "complete"]
    assert len(complete) == budget
    assert {r["trial"]: (r["params"], r["score"]) for r in complete if r["trial"] in kept} == kept
    for dead in running:   # the trial the kill interrupted: failed, and run again with its parameters
        row = next(r for r in after if r["trial"] == dead["trial"])
        assert row["state"] == "failed" and "stopped during the trial: run again as trial" in row["error"]
        again = int(row["error"].rsplit(" ", 1)[1])
        assert next(r for r in after if r["trial"] == again)["params"] == dead["params"]
    if method == "grid":
        assert sorted((r["params"]["a"], r["params"]["b"]) for r in complete) == GRID_POINTS
        calls = [(c["params"]["a"], c["params"]["b"]) for c in _calls(tmp_path)]
        # every point ran once, except the one the kill interrupted, which ran again
        assert sorted(calls) == sorted(GRID_POINTS + [(d["params"]["a"], d["params"]["b"]) for d in running])


def _two_workers(tmp_path, storage, study, *args):
    command = [sys.executable, "-m", "nn.search", "worker", "--storage", storage, "--study", study,
               "--objective", "search_job:objective", *args]
    env = _env(tmp_path, SEARCH_WORKERS=2, SEARCH_SLEEP=0.05)
    workers = [subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        for worker in workers:
            out, _ = worker.communicate(timeout=120)
            assert worker.returncode == 0 and out.startswith("nn.search worker: ran "), out
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()


def _check_shared_grid(tmp_path, storage, study):
    calls = _calls(tmp_path)
    assert len({c["pid"] for c in calls}) == 2                       # both workers ran trials
    points = sorted((c["params"]["a"], c["params"]["b"]) for c in calls)
    assert points == GRID_POINTS                                     # the whole grid, no point run twice
    result = nn.search.load(storage, study)
    rows = result.table()
    assert [r["state"] for r in rows] == ["complete"] * 12
    assert {r["trial"]: r["params"] for r in rows} == {c["trial"]: c["params"] for c in calls}   # each once
    assert result.best_params == {"a": 2, "b": "y"}


@pytest.mark.parametrize("filename", ["shared.db", "shared.journal"])
def test_two_worker_processes_share_a_grid_in_a_file(tmp_path, filename):
    storage = str(tmp_path / filename)
    _two_workers(tmp_path, storage, "grid", "--space", "search_job:GRID", "--method", "grid")
    _check_shared_grid(tmp_path, storage, "grid")


def test_two_worker_processes_share_a_grid_in_postgresql(tmp_path, postgres_url):
    study = f"test-{uuid.uuid4().hex}"
    try:
        _two_workers(tmp_path, postgres_url, study, "--space", "search_job:GRID", "--method", "grid")
        _check_shared_grid(tmp_path, postgres_url, study)
    finally:
        optuna.delete_study(study_name=study, storage=postgres_url)


def test_two_random_workers_finish_the_budget_without_repeating_each_other(tmp_path):
    storage = str(tmp_path / "random.db")
    _two_workers(tmp_path, storage, "rand", "--space", "search_job:RANGES", "--method", "random", "--trials", "10")
    calls = _calls(tmp_path)
    assert len(calls) == 10 and len({c["pid"] for c in calls}) == 2
    assert len({c["params"]["x"] for c in calls}) == 10   # one seed, yet each trial drew its own point
    rows = nn.search.load(storage, "rand").table()
    assert len(rows) == 10 and {r["state"] for r in rows} == {"complete"}
    # trial n draws what trial n draws in a single process with the same seed
    alone = nn.search.run(lambda p: 0.0, RANGES, "random", 10, seed=0)
    assert {r["trial"]: r["params"] for r in rows} == {r["trial"]: r["params"] for r in alone.table()}


def test_a_trial_whose_worker_fell_silent_is_failed_and_run_again(tmp_path):
    storage = str(tmp_path / "silent.db")
    space = {"x": uniform(0.0, 1.0)}
    nn.search.run(lambda p: p["x"], space, "random", 2, storage=storage, study_name="s")
    study = optuna.load_study(study_name="s", storage=f"sqlite:///{storage}")
    distributions = {"x": optuna.distributions.FloatDistribution(0.0, 1.0)}
    silent, alive = study.ask(distributions), study.ask(distributions)   # two trials "on other machines"
    silent.set_user_attr("worker", "elsewhere:123")
    silent.set_user_attr("alive_at", time.time() - 1000)
    alive.set_user_attr("worker", "elsewhere:124")
    alive.set_user_attr("alive_at", time.time())
    result = nn.search.run(lambda p: p["x"], space, "random", 6, storage=storage, study_name="s")
    rows = {r["trial"]: r for r in result.table()}
    assert rows[silent.number]["state"] == "failed"
    assert "its worker elsewhere:123 sent no heartbeat for 1000 s: run again as trial" in rows[silent.number]["error"]
    again = int(rows[silent.number]["error"].rsplit(" ", 1)[1])
    assert rows[again]["params"] == silent.params and rows[again]["state"] == "complete"
    assert rows[alive.number]["state"] == "running"                  # a live worker's trial is left alone
    assert [r["state"] for r in rows.values()].count("complete") == 5   # 6 places: 5 complete, 1 running


def test_an_interrupted_search_records_the_trial_and_reruns_it(tmp_path):
    storage = str(tmp_path / "interrupted.db")
    calls = []

    def objective(params, trial):
        calls.append(params)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return params["a"]

    with pytest.raises(KeyboardInterrupt):
        nn.search.run(objective, {"a": [1, 2, 3, 4, 5]}, "grid", storage=storage, study_name="s")
    result = nn.search.run(objective, {"a": [1, 2, 3, 4, 5]}, "grid", storage=storage, study_name="s")
    rows = result.table()
    assert rows[2]["state"] == "failed" and rows[2]["error"].startswith("interrupted (KeyboardInterrupt); ")
    assert sorted(r["params"]["a"] for r in rows if r["state"] == "complete") == [1, 2, 3, 4, 5]
    assert calls.count(calls[2]) == 2 and len(calls) == 6


def test_a_trial_this_process_left_running_is_failed_and_run_again(monkeypatch):
    """A search interrupted outside its objective (after claiming a trial, before running it)
    leaves the trial running under this process's name; the next search in the process takes it up."""
    storage = optuna.storages.InMemoryStorage()
    space = {"a": [1, 2, 3]}

    def interrupted(*args):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(nn.search.trials, "_run", interrupted)
        with pytest.raises(KeyboardInterrupt):
            nn.search.run(lambda p: p["a"], space, "grid", storage=storage, study_name="s")
    left = nn.search.load(storage, "s").table()
    assert [r["state"] for r in left] == ["running"] and left[0]["worker"] == worker_name()
    rows = nn.search.run(lambda p: p["a"], space, "grid", storage=storage, study_name="s").table()
    assert rows[0]["state"] == "failed"
    assert rows[0]["error"].startswith("it was interrupted in this process: run again as trial 1")
    assert rows[1]["params"] == left[0]["params"]
    assert sorted(r["params"]["a"] for r in rows if r["state"] == "complete") == [1, 2, 3]


def test_of_two_workers_racing_for_the_last_place_one_runs_and_one_hands_back(tmp_path):
    """Worker B asks for a trial just after worker A took the last place: B's trial is numbered
    after A's, so B sees it is over budget and records it as unused (never run, left out of
    results), queueing its grid point for a larger budget."""
    storage = str(tmp_path / "race.db")
    space = {"a": [1, 2, 3, 4]}
    run = lambda who, budget: nn.search.run(lambda p: ran.append((who, p["a"])) or p["a"], space, "grid", budget,  # noqa: E731
                                            seed=0, storage=storage, study_name="s")
    ran = []
    run("first", 2)
    real_ask = optuna.study.Study.ask

    def ask_after_the_other_worker(self, *args, **kwargs):
        optuna.study.Study.ask = real_ask
        run("A", 3)    # worker A, between B's look at the budget and B's ask
        return real_ask(self, *args, **kwargs)

    optuna.study.Study.ask = ask_after_the_other_worker
    try:
        result = run("B", 3)
    finally:
        optuna.study.Study.ask = real_ask
    assert [who for who, _ in ran] == ["first", "first", "A"]
    trials = result.study.get_trials()
    assert [t.state.name for t in trials] == ["COMPLETE", "COMPLETE", "COMPLETE", "FAIL", "WAITING"]
    assert "another worker took the last place" in trials[3].user_attrs["unused"]
    assert not takes_a_place(trials[3], {}) and trials[4].system_attrs["fixed_params"] == trials[3].params
    assert [r["state"] for r in result.table()] == ["complete", "complete", "complete", "waiting"]
    run("later", 4)    # a larger budget runs the queued point: each point once in all
    assert sorted(a for _, a in ran) == [1, 2, 3, 4] and ran[-1][0] == "later"


def test_a_study_resumes_only_with_the_settings_that_made_it(tmp_path):
    storage = str(tmp_path / "s.db")
    nn.search.run(lambda p: p["a"], {"a": [1, 2]}, "grid", storage=storage, study_name="s")
    with pytest.raises(ValueError, match=r"study 's' in .*s.db was made with method='grid', space \{'a': \[1, 2\]\}, "
                                         r"seed=0, direction='maximize', and this call asks for method='random'"):
        nn.search.run(lambda p: p["a"], {"a": [1, 2]}, "random", 2, storage=storage, study_name="s")
    with pytest.raises(ValueError, match=r"this call asks for method='grid', space \{'a': \[1, 2, 3\]\}"):
        nn.search.run(lambda p: p["a"], {"a": [1, 2, 3]}, "grid", storage=storage, study_name="s")
    with pytest.raises(LookupError, match=r"there is no study 't' in .*s.db \(it holds 's'\)"):
        nn.search.load(storage, "t")
    with pytest.raises(ValueError, match=r"there is no study 'new' in .* yet: give the space and the method"):
        main(["worker", "--storage", storage, "--study", "new", "--objective", "json:dumps"])


def test_show_prints_a_study_and_its_table(tmp_path, capsys):
    storage = str(tmp_path / "s.log")
    nn.search.run(lambda p: 10 * p["a"], {"a": [1, 2]}, "grid", storage=storage, study_name="s")
    assert main(["show", "--storage", storage, "--study", "s"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "<SearchResult method='grid' maximize: 2 trials (2 complete); best score 20 with {'a': 2}>"
    assert out[1].split() == ["trial", "state", "score", "a", "epochs", "seconds"] and len(out) == 4
