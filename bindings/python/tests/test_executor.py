"""FunctionExecutor end to end, as a Lithops user runs it with no configuration: the embedded emulator, the
Python runtime through the real fdk, results back through Object Storage."""
import os
import pathlib
import subprocess
import sys
import time

import pytest

import oraclefn
import oraclefn.emulator
from oraclefn import ALL_COMPLETED, ALWAYS, ANY_COMPLETED

SIX_MB = 6 * 1024 * 1024


@pytest.fixture(scope="module")
def fexec(tmp_path_factory):
    """An executor made as a user with no configuration makes one (nothing where Lithops looks)."""
    home = tmp_path_factory.mktemp("home")
    saved = {name: os.environ.get(name) for name in ("HOME", "LITHOPS_CONFIG_FILE")}
    cwd = os.getcwd()
    os.environ["HOME"] = str(home)
    os.environ.pop("LITHOPS_CONFIG_FILE", None)
    os.chdir(home)
    try:
        assert oraclefn.locate_config() is None
        with oraclefn.FunctionExecutor() as executor:
            yield executor
    finally:
        os.chdir(cwd)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def double(x):
    return 2 * x


def add(x, y, z=0):
    return x + y + z


def test_a_map_of_one_call(fexec):
    futures = fexec.map(double, [21])
    assert len(futures) == 1
    assert fexec.get_result(futures) == [42]


def test_a_map_of_a_hundred_calls_gives_every_result_in_order(fexec):
    futures = fexec.map(double, range(100))
    assert fexec.get_result(futures) == [2 * n for n in range(100)]
    assert [f.call_id for f in futures[:3]] == ["00000", "00001", "00002"]
    assert len({f.job_id for f in futures}) == 1


def test_a_map_of_five_thousand_calls():
    # results in the answers (sync): the same worker and fdk, without 10,000 status objects to write and read
    with oraclefn.FunctionExecutor(config_file=oraclefn.emulator.shared().config_file, invoke_mode="sync") as sync:
        futures = sync.map(double, range(5000), chunksize=100)
        assert sync.get_result(futures, timeout=600) == [2 * n for n in range(5000)]
        assert len({f.job_id for f in futures}) == 1 and futures[-1].call_id == "04999"


def test_arguments_are_bound_as_lithops_binds_them(fexec):
    assert fexec.get_result(fexec.map(add, [(1, 2), (3, 4, 5)])) == [3, 12]
    assert fexec.get_result(fexec.map(add, [{"x": 1, "y": 2, "z": 0}, {"x": 1, "y": 2, "z": 3}])) == [3, 6]
    assert fexec.get_result(fexec.map(add, [1, 2], extra_args=(10,))) == [11, 12]
    assert fexec.get_result(fexec.map(add, [{"x": 1, "y": 2}], extra_args={"z": 100})) == [103]
    assert fexec.get_result(fexec.map(len, [[1, 2, 3], "four"])) == [3, 4], "a list item is one argument"
    assert fexec.get_result(fexec.map(len, "four")) == [4], "a string is one item"
    with pytest.raises(ValueError, match="must name every parameter"):  # as Lithops' verify_args
        fexec.map(add, [{"x": 1, "y": 2}])


def test_an_item_that_does_not_fit_the_function_fails_before_anything_runs(fexec):
    with pytest.raises(TypeError, match=r"add\(x, y, z=0\) cannot be called with the item \(1, 2, 3, 4\)"):
        fexec.map(add, [(1, 2), (1, 2, 3, 4)])


def test_call_async_gives_one_future(fexec):
    future = fexec.call_async(lambda name: f"Hello {name}!", "world")
    assert future.result() == "Hello world!"
    assert fexec.get_result(future) == "Hello world!"
    assert future.done() and not future.error


def test_get_result_without_futures_gives_the_unread_ones_and_one_result_alone(fexec):
    fexec.get_result()  # reads whatever earlier tests left
    fexec.call_async(double, 4)
    assert fexec.get_result() == 8, "a single result after call_async comes alone"
    fexec.map(double, [5])
    assert fexec.get_result() == [10], "after a map it stays a list"
    assert fexec.get_result() == []


def test_map_reduce_hands_the_results_in_order_to_the_reducer(fexec):
    futures = fexec.map_reduce(double, range(10), lambda results: (sum(results), results[:3]))
    assert fexec.get_result(futures) == (90, [0, 2, 4])
    assert len(futures) == 11


def test_map_reduce_raises_the_map_exception(fexec):
    futures = fexec.map_reduce(lambda x: 1 / x, [1, 0], sum)
    with pytest.raises(ZeroDivisionError):
        fexec.get_result(futures)


def slow(seconds):
    time.sleep(seconds)
    return seconds


def test_wait_modes(fexec):
    fast = fexec.call_async(slow, 0)
    late = fexec.call_async(slow, 3)
    done, not_done = fexec.wait([fast, late], return_when=ALWAYS)
    assert len(done) + len(not_done) == 2 and late in not_done
    done, not_done = fexec.wait([fast, late], return_when=ANY_COMPLETED)
    assert fast in done and late in not_done
    done, not_done = fexec.wait([fast, late], return_when=50)
    assert fast in done
    done, not_done = fexec.wait([fast, late], return_when=ALL_COMPLETED)
    assert set(done) == {fast, late} and not not_done
    assert fexec.get_result([fast, late]) == [0, 3]


def test_any_completed_inside_one_map(fexec):
    """Calls of one map end one by one: the quick one is done while the slow one still runs."""
    fast, late = fexec.map(slow, [0, 4])
    done, not_done = fexec.wait([fast, late], return_when=ANY_COMPLETED, timeout=60)
    assert fast in done and late in not_done
    assert fast.done() and not late.done()
    assert fast.result() == 0
    assert late.result(timeout=60) == 4


def test_get_result_with_a_timeout(fexec):
    futures = fexec.map(slow, [2, 2])
    with pytest.raises(oraclefn.CallTimeoutError, match="have not ended after 0.5 s"):
        fexec.get_result(futures, timeout=0.5)
    with pytest.raises(TimeoutError):  # Python's own TimeoutError catches it too
        futures[0].result(timeout=0.1)
    assert fexec.get_result(futures, timeout=60) == [2, 2]


class RecipeError(Exception):
    """Defined in this test module: travels by value with the function and comes back as the same class."""


def fail_with_recipe_error(x):
    raise RecipeError(f"no recipe for {x}")


def test_a_remote_exception_is_raised_again_with_its_remote_traceback(fexec):
    future = fexec.call_async(lambda: 1 / 0, ())
    with pytest.raises(ZeroDivisionError, match="division by zero") as raised:
        future.result()
    assert isinstance(raised.value.__cause__, oraclefn.RemoteTraceback)
    assert "ZeroDivisionError: division by zero" in str(raised.value.__cause__)
    with pytest.raises(RecipeError, match="no recipe for soup") as raised:
        fexec.get_result(fexec.map(fail_with_recipe_error, ["soup"]))
    assert "in fail_with_recipe_error" in raised.value.__cause__.text


def test_an_exception_that_does_not_pickle_comes_back_as_a_function_error(fexec):
    def raise_with_a_lock():
        class LockedError(Exception):
            def __reduce__(self):
                raise TypeError("a LockedError does not pickle")

        raise LockedError("holds a lock")

    future = fexec.call_async(raise_with_a_lock, ())
    with pytest.raises(oraclefn.FunctionError, match="LockedError"):
        future.result()


def test_throw_except_false_gives_none_for_failed_calls(fexec):
    futures = fexec.map(lambda x: 10 // x, [5, 0, 2])
    assert fexec.get_result(futures, throw_except=False) == [2, None, 5]
    assert [f.error for f in futures] == [False, True, False]
    assert isinstance(futures[1].exception(), ZeroDivisionError)


def test_arguments_and_results_larger_than_six_megabytes(fexec):
    blob = os.urandom(SIX_MB + 12345)
    futures = fexec.map(lambda data, n: data * n, [(blob, 1), (b"x", SIX_MB + 1)])
    big, made = fexec.get_result(futures)
    assert big == blob
    assert made == b"x" * (SIX_MB + 1)


def test_a_function_larger_than_the_inline_limit_is_stored_once(fexec):
    table = os.urandom(64 * 1024)
    assert fexec.get_result(fexec.map(lambda i: table[i], [0, 1, len(table) - 1])) == [table[0], table[1], table[-1]]


def test_printed_output_is_kept_per_call(fexec):
    def chatty(x):
        print(f"working on {x}")
        print("a warning", file=sys.stderr)
        return x

    futures = fexec.map(chatty, ["a", "b"])
    fexec.get_result(futures)
    assert futures[0].logs == "working on a\na warning\n"
    assert "working on b" in fexec.logs(futures) and f"/{futures[1].call_id}\n" in fexec.logs(futures)


def test_stats_carry_lithops_timings(fexec):
    future = fexec.call_async(double, 1)
    future.result()
    stats = future.stats
    assert stats["attempts"] == 1
    assert stats["host_job_create_tstamp"] <= stats["host_submit_tstamp"]
    assert stats["worker_start_tstamp"] <= stats["worker_end_tstamp"] <= stats["host_result_done_tstamp"]
    assert stats["worker_exec_time"] >= 0


def crash_the_first_time(marker):
    """Kills its worker unless `marker` exists, creating it: the first attempt dies, the retry succeeds."""
    if not os.path.exists(marker):
        pathlib.Path(marker).touch()
        os._exit(3)
    return "survived"


def test_a_call_whose_worker_dies_is_retried(fexec, tmp_path):
    # a sync invocation learns at once that its worker died (502), so the call cannot still be running
    with oraclefn.FunctionExecutor(invoke_mode="sync") as sync:
        future = sync.map(crash_the_first_time, [str(tmp_path / "crashed")])[0]
        assert future.result(timeout=120) == "survived"
        assert future.stats["attempts"] == 2


def sleep_and_record(path, seconds):
    """A slow call with a side effect: one line in `path` per run."""
    with open(path, "a") as runs:
        runs.write("ran\n")
    time.sleep(seconds)
    return "finished"


def test_a_call_past_its_timeout_is_stopped_and_never_run_again(fexec, tmp_path):
    runs = tmp_path / "runs"
    future = fexec.call_async(sleep_and_record, (str(runs), 30), timeout=1)
    with pytest.raises(TimeoutError, match="execution timeout of 1 s"):
        future.result(timeout=120)
    assert future.error
    time.sleep(2)
    assert runs.read_text() == "ran\n", "started once, as Lithops starts it"


def test_plots_are_written_and_not_blank(fexec, tmp_path):
    pytest.importorskip("matplotlib")
    from matplotlib import image

    futures = fexec.map(slow, [0.2] * 12)
    fexec.get_result(futures)
    paths = fexec.plot(futures, dst=str(tmp_path / "job"))
    assert [pathlib.Path(p).name for p in paths] == ["job_timeline.png", "job_histogram.png"]
    for path in paths:
        assert os.path.getsize(path) > 10_000
        pixels = image.imread(path)
        assert len({tuple(p) for p in pixels.reshape(-1, pixels.shape[-1])[::7]}) > 10, f"{path} is one colour"


def test_clean_deletes_the_objects_of_finished_jobs(tmp_path):
    config_file = oraclefn.emulator.shared().config_file
    with oraclefn.FunctionExecutor(config_file=config_file, data_cleaner=False) as executor:
        executor.get_result(executor.map(double, range(3)))
        storage, bucket = executor.storage, executor.bucket
        prefix = f"oraclefn.jobs/{executor.executor_id}/"
        assert storage.list_keys(bucket, prefix), "data_cleaner is off: the objects stay"
        executor.clean()
        assert storage.list_keys(bucket, prefix) == []
    with oraclefn.FunctionExecutor(config_file=config_file) as executor:
        prefix = f"oraclefn.jobs/{executor.executor_id}/"
        futures = executor.map(double, range(3))
        executor.wait(futures, clean_jobs=False)
        assert storage.list_keys(bucket, prefix)
        assert executor.get_result(futures) == [0, 2, 4]
        assert storage.list_keys(bucket, prefix) == [], "as in Lithops, get_result() cleans what it read"


def test_the_readme_hello_runs_as_written(tmp_path):
    readme = (pathlib.Path(__file__).resolve().parents[3] / "README.md").read_text()
    code = readme.split("<!-- python-hello -->\n```python\n", 1)[1].split("```", 1)[0]
    environment = {key: value for key, value in os.environ.items() if key != "LITHOPS_CONFIG_FILE"}
    environment["HOME"] = str(tmp_path)
    ran = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=environment, capture_output=True, text=True,
                         timeout=300)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == "Hello World!\n['Hello Ana!', 'Hello Bo!']\n"
