"""The engine through the C ABI, on the emulator with its native worker (image oraclefn/worker)."""
import threading

import pytest

import oraclefn


@pytest.mark.parametrize("mode", ["detached", "sync"])
def test_map_returns_every_result_in_order(engine, worker_function, mode):
    inputs = [("item-%d" % i).encode() for i in range(200)]
    seen = []
    job = engine.map(worker_function, inputs, mode=mode, max_workers=16,
                     progress=lambda done, failed, total: seen.append((done, failed, total)))
    assert len(job.id) == 16
    assert job.wait(120)
    assert job.results() == inputs
    assert job.progress == (200, 0, 200)
    assert seen and seen[-1] == (200, 0, 200)
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen)
    stats = job.stats
    assert stats["total"] == 200 and stats["succeeded"] == 200
    assert stats["accepted"] == stats["invocations"] == 200, "one invocation per call, each taken by the service"


def test_function_errors_come_back_per_call(engine, worker_function):
    job = engine.map(worker_function, [b"fine", b"!fail broken on purpose", b"also fine"], mode="sync")
    results = job.results(timeout=60)
    assert results[0] == b"fine" and results[2] == b"also fine"
    assert isinstance(results[1], oraclefn.FunctionError)
    assert "broken on purpose" in str(results[1])
    info = job.call(1)
    assert info.ok is False and info.error["message"].endswith("broken on purpose")
    assert info.attempts >= 1 and info.timings["submitted"] is not None


def test_reattach_collects_a_finished_job(engine, config, worker_function):
    job = engine.map(worker_function, [b"a", b"b", b"c"])
    assert job.results(timeout=60) == [b"a", b"b", b"c"]
    again = oraclefn.Engine(config).attach(job.id)
    assert again.results(timeout=60) == [b"a", b"b", b"c"]


def test_cancel_ends_every_call(engine, worker_function):
    job = engine.map(worker_function, [b"!sleep 5000 slow"] * 8, max_workers=2)
    job.cancel()
    results = job.results(timeout=60)
    assert len(results) == 8
    assert all(isinstance(r, (bytes, oraclefn.CallFailedError)) for r in results)
    assert any(isinstance(r, oraclefn.CallFailedError) and "cancel" in str(r) for r in results)


def test_wait_times_out_and_works_from_other_threads(engine, worker_function):
    job = engine.map(worker_function, [b"!sleep 1500 late"] * 2, mode="sync")
    assert job.wait(0.05) is False
    with pytest.raises(oraclefn.CallTimeoutError):
        job.results(timeout=0.05)
    finished = []
    threads = [threading.Thread(target=lambda: finished.append(job.wait(60))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert finished == [True] * 4


def test_bad_arguments(engine, worker_function):
    with pytest.raises(TypeError, match="unknown option"):
        engine.map(worker_function, [b"x"], colour="blue")
    with pytest.raises(oraclefn.InvalidArgumentError, match="mode"):
        engine.map(worker_function, [b"x"], mode="sometimes")
    with pytest.raises(oraclefn.InvalidArgumentError, match="chunksize"):
        engine.map(worker_function, [b"x"], chunksize=0)
    with pytest.raises(oraclefn.InvalidArgumentError, match="job id"):
        engine.attach("not-a-job")


def test_unknown_function_fails_the_job(engine):
    job = engine.map("ocid1.fnfunc.oc1.iad.aaaaaaaanosuchfunction", [b"x"])
    with pytest.raises(oraclefn.NotFoundError):
        job.results(timeout=60)


def test_a_result_is_there_as_soon_as_its_call_ends(engine, worker_function):
    job = engine.map(worker_function, [b"quick", b"!sleep 3000 slow"], max_workers=2)
    import time
    deadline = time.monotonic() + 30
    while True:
        try:
            first = job.result(0)
            break
        except oraclefn.PendingError:
            assert time.monotonic() < deadline
            time.sleep(0.02)
    assert first == b"quick"
    assert not job.done
    with pytest.raises(oraclefn.PendingError):
        job.result(1)
    assert job.results(timeout=60) == [b"quick", b"slow"]
