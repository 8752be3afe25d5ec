"""Recording modes belong to one thread and one asyncio task: a no_grad or a scope elsewhere never
changes what this thread records."""

from __future__ import annotations

import asyncio
import threading

import numpy as np
import pytest

import autograd_lite as ag


def test_a_no_grad_in_another_thread_does_not_drop_part_of_this_threads_gradient():
    inside = threading.Event()
    release = threading.Event()

    def other_thread():
        with ag.no_grad():
            inside.set()
            release.wait(5)

    w = ag.Value(np.array([1.0, 2.0]))
    thread = threading.Thread(target=other_thread)
    thread.start()
    assert inside.wait(5)
    try:
        first = (w * 3.0).sum()   # recorded while the other thread sits inside no_grad
        assert ag.is_grad_enabled()
        second = (w * w).sum()
    finally:
        release.set()
        thread.join()
    (first + second).backward()
    np.testing.assert_array_equal(w.grad, [5.0, 7.0])  # 3 + 2w


def test_threads_training_while_others_toggle_no_grad_get_exact_gradients():
    errors: list[str] = []
    stop = threading.Event()

    def toggler():
        while not stop.is_set():
            with ag.no_grad():
                pass

    def trainer(seed: int):
        rng = np.random.default_rng(seed)
        for _ in range(200):
            x = rng.normal(size=3)
            w = ag.Value(x)
            ((w * w).sum() * 0.5).backward()
            if not np.array_equal(w.grad, x):
                errors.append(f"seed {seed}: {w.grad} != {x}")

    togglers = [threading.Thread(target=toggler) for _ in range(2)]
    trainers = [threading.Thread(target=trainer, args=(s,)) for s in range(3)]
    for t in togglers + trainers:
        t.start()
    for t in trainers:
        t.join()
    stop.set()
    for t in togglers:
        t.join()
    assert errors == []


def test_scope_is_per_thread():
    seen = {}
    ready = threading.Event()
    done = threading.Event()

    def other_thread():
        with ag.scope("elsewhere"):
            ready.set()
            done.wait(5)

    thread = threading.Thread(target=other_thread)
    thread.start()
    assert ready.wait(5)
    with ag.scope("here"):
        seen["value"] = (ag.Value(1.0) * 2.0).scope
    done.set()
    thread.join()
    assert seen["value"] == "here"
    assert ag.current_scope() is None


def test_asyncio_tasks_do_not_leak_modes_into_each_other():
    async def quiet(started: asyncio.Event, resume: asyncio.Event):
        with ag.no_grad():
            started.set()
            await resume.wait()
            return ag.is_grad_enabled()

    async def loud(started: asyncio.Event, resume: asyncio.Event):
        await started.wait()  # the other task is inside no_grad now
        w = ag.Value(2.0)
        y = w * w
        resume.set()
        return ag.is_grad_enabled(), y.requires_grad

    async def main():
        started, resume = asyncio.Event(), asyncio.Event()
        return await asyncio.gather(quiet(started, resume), loud(started, resume))

    inside_quiet, (enabled, recorded) = asyncio.run(main())
    assert inside_quiet is False
    assert enabled and recorded


def test_no_grad_decorates_without_parentheses_and_keeps_the_name():
    @ag.no_grad
    def evaluate(v):
        """Run without recording."""
        return v * 2.0

    assert not evaluate(ag.Value(1.0)).requires_grad
    assert evaluate.__name__ == "evaluate" and evaluate.__doc__ == "Run without recording."
    assert ag.is_grad_enabled()


def test_no_grad_on_a_generator_function_covers_its_body_each_time_it_resumes():
    @ag.no_grad()
    def steps(w):
        for _ in range(3):
            yield (w * 2.0).requires_grad, ag.is_grad_enabled()

    w = ag.Value(1.0)
    seen = []
    for item in steps(w):
        seen.append(item)
        assert ag.is_grad_enabled()  # the caller, between resumptions, still records
        assert (w * 3.0).requires_grad
    assert seen == [(False, False)] * 3


def test_a_decorated_generator_gets_throw_and_close_and_handles_them_under_its_mode():
    events = []

    @ag.no_grad
    def worker():
        try:
            while True:
                try:
                    received = yield ag.is_grad_enabled()
                    events.append(("sent", received, ag.is_grad_enabled()))
                except KeyError as error:  # thrown in by the caller
                    events.append(("caught", str(error), ag.is_grad_enabled()))
        finally:
            events.append(("closed", ag.is_grad_enabled()))

    gen = worker()
    assert next(gen) is False
    assert gen.send(5) is False
    assert gen.throw(KeyError("stop")) is False  # handled in the body, which yields again
    assert ag.is_grad_enabled()
    gen.close()
    assert events == [("sent", 5, False), ("caught", "'stop'", False), ("closed", False)]
    with pytest.raises(StopIteration):
        next(gen)

    @ag.no_grad
    def unhandled():
        yield 1

    gen = unhandled()
    next(gen)
    with pytest.raises(ValueError, match="passed through"):
        gen.throw(ValueError("passed through"))


def test_a_decorated_function_may_call_itself_and_run_in_threads():
    @ag.no_grad()
    def depth(n):
        assert not ag.is_grad_enabled()
        return 0 if n == 0 else 1 + depth(n - 1)

    assert depth(5) == 5
    results = []
    threads = [threading.Thread(target=lambda: results.append(depth(50))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [50] * 4
    assert ag.is_grad_enabled()


def test_nested_scopes_join_and_restore():
    with ag.scope("model") as outer:
        with ag.scope("layers.0") as inner:
            assert ag.current_scope() == inner == "model.layers.0"
        assert ag.current_scope() == outer == "model"
    assert ag.current_scope() is None
