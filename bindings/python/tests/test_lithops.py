"""Lithops 3.8.0 parity of the executor and its futures, against an emulator: futures that pickle (as a job's
input, as what a function returns), clear errors for what cannot be pickled, Lithops' parameters and names,
RetryingFunctionExecutor, the concurrent.futures executors, and `import lithops` through oraclefn.lithops."""
import concurrent.futures as cf
import csv
import os
import pathlib
import pickle
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import oraclefn
from oraclefn import ALWAYS, ANY_COMPLETED, errors
from oraclefn.futures import ResponseFuture

LOCK = threading.Lock()


@pytest.fixture(scope="module")
def emulator():
    """An emulator of this module's own: its jobs deploy the Python runtime, which changes what `hello` answers on
    the session's shared one."""
    from emulator_process import running_emulator
    with running_emulator() as running:
        yield running


@pytest.fixture(scope="module")
def fexec(emulator):
    with oraclefn.FunctionExecutor(config_file=emulator.config_file) as executor:
        yield executor


def double(x):
    return 2 * x


def add_one(x):
    return x + 1


def slow(seconds):
    time.sleep(seconds)
    return seconds


def total_of(fs):
    """Runs in a function: reads the results of futures it was given."""
    return sum(f.result() for f in fs)


def starts_a_map(n):
    """Runs in a function: starts a job of its own and returns its futures, as Lithops lets a function do."""
    import oraclefn
    inner = oraclefn.FunctionExecutor()
    return inner.map(add_one, range(n))


def starts_a_call(n):
    import oraclefn
    return oraclefn.FunctionExecutor().call_async(double, n)


def uses_the_lock(x):
    with LOCK:
        return x


def echo_env(name):
    return os.environ.get(name)


def memory(_):
    return os.environ.get("FN_MEMORY")


def where_oraclefn_is(_):
    import oraclefn
    return oraclefn.__file__


# -- futures that travel (issue 13: "passing futures as inputs gives 'ctypes objects containing pointers cannot be
#    pickled'") -------------------------------------------------------------------------------------------------

def test_the_futures_of_a_map_are_the_items_of_the_next_map(fexec):
    first = fexec.map(double, [1, 2, 3])
    second = fexec.map(add_one, first)
    assert fexec.get_result(second) == [3, 5, 7]
    assert second[0].job_id != first[0].job_id


def test_chained_futures_are_consumed_so_get_result_gives_the_last_job(fexec):
    fexec.get_result(throw_except=False)  # what earlier tests left unread
    first = fexec.map(double, [1, 2])
    fexec.map(add_one, list(first[:1]))
    assert fexec.get_result() == [4, 3], "the second call of the first job is still unread"
    assert fexec.map(double, [5, 6]).map(add_one).get_result() == [11, 13]


def test_futures_travel_as_arguments_into_a_function(fexec):
    first = fexec.map(double, [1, 2, 3])
    assert fexec.call_async(total_of, (list(first),)).result() == 12
    pending = fexec.map(slow, [1.5, 1.5])
    assert fexec.call_async(total_of, (list(pending),)).result(timeout=120) == 3.0


def test_a_future_pickles_before_and_after_its_call_ends(fexec):
    ended = fexec.call_async(double, 21)
    assert ended.result() == 42
    copy = pickle.loads(pickle.dumps(ended))
    assert copy.done and copy.result() == 42 and copy.job_id == ended.job_id and copy.call_id == ended.call_id
    running = fexec.call_async(slow, 1)
    copy = pickle.loads(pickle.dumps(running))  # collected again from the job's bucket
    assert copy.result(timeout=120) == 1


def test_a_failed_future_pickles_with_its_exception(fexec):
    failed = fexec.call_async(lambda: 1 / 0, ())
    failed.wait(60)
    copy = pickle.loads(pickle.dumps(failed))
    with pytest.raises(ZeroDivisionError):
        copy.result()


def test_futures_a_function_returns_are_followed(fexec):
    fexec.get_result(throw_except=False)  # what earlier tests left unread
    fexec.call_async(starts_a_map, 3)
    assert fexec.get_result() == [1, 2, 3]
    future = fexec.call_async(starts_a_call, 5)
    assert fexec.get_result() == 10
    assert future.futures and isinstance(future.result()[0], ResponseFuture)


def test_module_level_wait_and_get_result_take_futures_of_several_executors(emulator, fexec):
    with oraclefn.FunctionExecutor(config_file=emulator.config_file) as other:
        mine, theirs = fexec.map(double, [1]), other.map(double, [2])
        done, not_done = oraclefn.wait(mine + theirs)
        assert len(done) == 2 and not not_done
        assert oraclefn.get_result(mine + theirs) == [2, 4]


def test_the_worker_on_an_emulator_imports_the_client_s_oraclefn(fexec):
    """Issue 13: a Python that finds oraclefn through PYTHONPATH runs its jobs with that oraclefn (the emulator's
    oraclefn/python image runs this interpreter, which would otherwise import an installed one, or none)."""
    assert fexec.get_result(fexec.map(where_oraclefn_is, [0])) == [oraclefn.__file__]


# -- clear errors (issue 13: "a function that cannot be pickled, an argument that cannot ... each gets a clear error
#    naming the cause") -------------------------------------------------------------------------------------------

def test_a_function_that_cannot_be_pickled_names_what_in_it_cannot(fexec):
    with pytest.raises(oraclefn.UnpicklableError, match=r"uses_the_lock cannot be pickled.*its global 'LOCK' is a "
                                                        r"_thread\.lock") as raised:
        fexec.map(uses_the_lock, [1])
    assert isinstance(raised.value, TypeError)
    storage, bucket = fexec.storage, fexec.bucket

    def lists(prefix):
        return storage.list_keys(bucket, prefix)

    with pytest.raises(oraclefn.UnpicklableError, match="its closure variable 'storage' is an oraclefn Storage.*make "
                                                        "it inside the function"):
        fexec.call_async(lists, "x")


def test_an_argument_that_cannot_be_pickled_names_the_call_and_the_argument(fexec):
    with pytest.raises(oraclefn.UnpicklableError, match=r"call 00001 of double cannot be sent: its argument 'x' is a "
                                                        r"_thread\.lock"):
        fexec.map(double, [1, threading.Lock()])
    with pytest.raises(oraclefn.UnpicklableError, match="argument 'x' is an oraclefn FunctionExecutor"):
        fexec.call_async(double, fexec)


def test_jobs_that_could_never_run_are_refused_before_anything_is_sent(fexec):
    with pytest.raises(ValueError, match="chunksize"):
        fexec.map(double, [1], chunksize=0)
    with pytest.raises(ValueError, match="timeout"):
        fexec.map(double, [1], timeout=-1)
    with pytest.raises(TypeError, match="must be callable"):
        fexec.map(42, [1])
    with pytest.raises(errors.ConfigError, match="runtime_memory"):
        fexec.map(double, [1], runtime_memory=100)


# -- Lithops' parameters and names ------------------------------------------------------------------------------

def test_jobs_are_named_as_lithops_names_them(emulator):
    with oraclefn.FunctionExecutor(config_file=emulator.config_file) as executor:
        one = executor.call_async(double, 1)
        assert executor.last_call == "call_async"
        many = executor.map(double, [1, 2])
        assert executor.last_call == "map"
        reduced = executor.map_reduce(double, [1, 2], sum)
        assert executor.last_call == "map_reduce"
        assert [one.job_id, many[0].job_id, reduced[0].job_id, reduced[-1].job_id] == ["A000", "M001", "M002", "R002"]
        assert one.job_key == f"{executor.executor_id}-A000"
        assert executor.get_result(reduced) == 6
        assert executor.storage.bucket == executor.bucket and executor.total_jobs == 3


def test_futures_have_lithops_properties(fexec):
    future = fexec.call_async(slow, 1)
    assert future.running and not future.done and not future.error
    assert future.status(check_only=True) is None
    status = future.status()
    assert status["exception"] is False and status["call_id"] == "00000" and "worker_exec_time" in status
    assert future.done and future.done() and not future.running and not future.running()
    failed = fexec.call_async(lambda: 1 / 0, ())
    assert failed.status(throw_except=False)["exception"] is True
    assert failed.error and failed.success and failed.done
    kind, value, _ = failed._exception
    assert kind is ZeroDivisionError and isinstance(value, ZeroDivisionError)


def test_extra_env_is_seen_by_the_calls_only(fexec):
    assert fexec.get_result(fexec.map(echo_env, ["ORACLEFN_TEST_FLAG"] * 2,
                                      extra_env={"ORACLEFN_TEST_FLAG": "hello"})) == ["hello", "hello"]
    assert fexec.get_result(fexec.map(echo_env, ["ORACLEFN_TEST_FLAG"])) == [None]


def test_runtime_memory_runs_the_calls_in_a_function_of_that_memory(fexec):
    assert fexec.get_result(fexec.map(memory, [1], runtime_memory=512)) == ["512"]
    assert fexec.get_result(fexec.map(memory, [1])) == [str(fexec.config["oracle_f"]["runtime_memory"])]


def test_map_reduce_returns_at_once_with_spawn_reducer_always(fexec):
    started = time.monotonic()
    futures = fexec.map_reduce(slow, [1, 1], sum, spawn_reducer=ALWAYS)
    assert time.monotonic() - started < 1
    assert fexec.get_result(futures) == 2


def test_map_reduce_with_extra_args_for_the_reducer(fexec):
    def scaled_sum(results, factor):
        return factor * sum(results)

    assert fexec.get_result(fexec.map_reduce(double, [1, 2], scaled_sum, extra_args_reduce=(10,))) == 60


def test_map_reduce_reduces_each_object_alone(fexec):
    storage = fexec.storage
    prefix = "test-lithops/objects/"
    for name, text in (("a.txt", b"one two\nthree\n"), ("b.txt", b"four\n")):
        storage.put_object(fexec.bucket, prefix + name, text)

    def words(obj):
        return len(obj.data_stream.read().split())

    try:
        futures = fexec.map_reduce(words, f"oracle_oss://{fexec.bucket}/{prefix}", sum, obj_reduce_by_key=True)
        assert sorted(fexec.get_result(futures)) == [1, 3]
        assert [f.job_id[0] for f in futures] == ["M", "M", "R", "R"]
    finally:
        storage.delete_objects(fexec.bucket, storage.list_keys(fexec.bucket, prefix))


def test_a_map_over_local_files_uploads_them_first(fexec, tmp_path):
    (tmp_path / "a.txt").write_text("alpha\nbeta\n")
    (tmp_path / "b.txt").write_text("gamma\n")

    def read(obj):
        return obj.data_stream.read().decode()

    assert sorted(fexec.get_result(fexec.map(read, str(tmp_path)))) == ["alpha\nbeta\n", "gamma\n"]


def test_wait_raises_the_first_exception_as_soon_as_it_is_seen(fexec):
    futures = fexec.map(lambda x: 1 / x if x == 0 else slow(x), [0, 6])
    started = time.monotonic()
    with pytest.raises(ZeroDivisionError):
        fexec.wait(futures)
    assert time.monotonic() - started < 5
    done, not_done = fexec.wait(futures, throw_except=False, return_when=ANY_COMPLETED)
    assert futures[0] in done
    assert fexec.get_result(futures, throw_except=False) == [None, 6]


def test_clean_force_and_job_summary(emulator):
    executor = oraclefn.FunctionExecutor(config_file=emulator.config_file)
    executor.get_result(executor.map(double, [1, 2]))
    path = executor.job_summary()
    rows = list(csv.reader(open(path)))
    assert rows[0] == ["Job_ID", "Function", "Invocations", "Memory(MB)", "AvgRuntime", "Cost", "CloudObjects"]
    assert rows[1][:3] == ["M000", "double", "2"] and rows[-1][0] == "Summary"
    executor.map(slow, [30])
    executor.clean(force=True)
    assert len(executor.cleaned_jobs) >= 1
    assert executor.storage.list_keys(executor.bucket, f"oraclefn.jobs/{executor.executor_id}/") == []


def keeps(text, storage):
    return storage.put_cloudobject(text.encode())


def test_clean_deletes_the_cloudobjects_the_calls_stored(emulator):
    with oraclefn.FunctionExecutor(config_file=emulator.config_file) as executor:
        made = executor.get_result(executor.map(keeps, ["a", "b"]))
        assert [executor.storage.get_cloudobject(co) for co in made] == [b"a", b"b"]
        executor.clean(clean_cloudobjects=False)
        assert executor.storage.get_cloudobject(made[0]) == b"a"
        executor.clean()
        for cloudobject in made:
            with pytest.raises(oraclefn.StorageNoSuchKeyError):
                executor.storage.get_cloudobject(cloudobject)


def test_retrying_function_executor_sends_a_failed_call_again(emulator, tmp_path):
    def fails_once(x):
        marker = pathlib.Path(tmp_path) / str(x)
        count = int(marker.read_text()) if marker.exists() else 0
        marker.write_text(str(count + 1))
        if count == 0:
            raise RuntimeError(f"first attempt of {x}")
        return x

    from oraclefn.retries import RetryingFunctionExecutor
    with RetryingFunctionExecutor(oraclefn.FunctionExecutor(config_file=emulator.config_file)) as retrying:
        futures = retrying.map(fails_once, [1, 2], retries=1)
        done, pending = retrying.wait(futures, throw_except=False)
    assert not pending and sorted(f.result() for f in done) == [1, 2]
    assert [(tmp_path / name).read_text() for name in ("1", "2")] == ["2", "2"]


def test_the_concurrent_futures_executor(emulator):
    from oraclefn.concurrent import ProcessPoolExecutor
    with ProcessPoolExecutor(config_file=emulator.config_file) as executor:
        future = executor.submit(pow, 2, 8)
        assert isinstance(future, cf.Future) and future.result(timeout=120) == 256
        assert list(executor.map(abs, [-1, 2, -3])) == [1, 2, 3]
        futures = [executor.submit(double, n) for n in range(3)]
        assert sorted(f.result() for f in cf.as_completed(futures, timeout=120)) == [0, 2, 4]
        with pytest.raises(ZeroDivisionError):
            executor.submit(lambda: 1 / 0).result(timeout=120)
    with pytest.raises(RuntimeError, match="after shutdown"):
        executor.submit(double, 1)


# -- import lithops ---------------------------------------------------------------------------------------------

def run_python(arguments, tmp_path, code=None):
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(pathlib.Path(oraclefn.__file__).resolve().parents[1]), environment.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, *arguments], cwd=tmp_path, env=environment, capture_output=True,
                          text=True, timeout=300)


def test_install_makes_import_lithops_give_oraclefn(tmp_path):
    code = textwrap.dedent("""
        import oraclefn.lithops
        oraclefn.lithops.install()
        import lithops
        from lithops.wait import ALL_COMPLETED, ANY_COMPLETED, ALWAYS
        from lithops.storage.utils import StorageNoSuchKeyError, CloudObject
        from lithops.utils import FuturesList
        from lithops.retries import RetryingFunctionExecutor
        from lithops.concurrent import ProcessPoolExecutor
        import oraclefn.executor, oraclefn.errors
        assert issubclass(lithops.FunctionExecutor, oraclefn.executor.FunctionExecutor)
        assert lithops.Storage is oraclefn.Storage and StorageNoSuchKeyError is oraclefn.errors.StorageNoSuchKeyError
        assert lithops.wait is oraclefn.wait and (ALWAYS, ANY_COMPLETED, ALL_COMPLETED) == (0, -1, 100)
        try:
            import lithops.serverless
        except ImportError as error:
            assert "part of Lithops itself" in str(error), error
        else:
            raise AssertionError("lithops.serverless imported")
        oraclefn.lithops.uninstall()
        import sys
        assert sys.modules.get("lithops") is not oraclefn.lithops
        print("ok")
        """)
    ran = run_python(["-c", code], tmp_path)
    assert ran.returncode == 0 and ran.stdout == "ok\n", ran.stderr


def test_python_m_oraclefn_lithops_runs_a_lithops_program_unchanged(emulator, tmp_path):
    script = tmp_path / "program.py"
    script.write_text(textwrap.dedent(f"""
        import sys
        import lithops

        def hello(name):
            return f"Hello {{name}}!"

        fexec = lithops.FunctionExecutor(config_file={emulator.config_file!r})
        fexec.map(hello, sys.argv[1:])
        print(fexec.get_result())
        """))
    ran = run_python(["-m", "oraclefn.lithops", str(script), "Ana", "Bo"], tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines()[-1] == "['Hello Ana!', 'Hello Bo!']"
