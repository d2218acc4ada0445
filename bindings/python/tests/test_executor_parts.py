"""The executor's parts that need no functions: argument binding, wait conditions, progress bars, rebuilding
remote exceptions, shipping the user's modules, configuration arguments."""
import base64
import functools
import io
import json
import pickle
import types

import cloudpickle
import pytest

import oraclefn
from oraclefn import binding, errors, executor, futures, progress
from oraclefn.worker import calls


def add(x, y, z=0):
    return x + y + z


@pytest.mark.parametrize("item, extra, expected", [
    ((1, 2), None, ((), {"x": 1, "y": 2})),
    ({"x": 1, "y": 2, "z": 3}, None, ((), {"x": 1, "y": 2, "z": 3})),
    (5, (6,), ((), {"x": 5, "y": 6})),
    ((1,), (2,), ((), {"x": 1, "y": 2})),
    ({"x": 1}, {"y": 2, "z": 3}, ((), {"x": 1, "y": 2, "z": 3})),
])
def test_items_bind_as_in_lithops(item, extra, expected):
    """Lithops' verify_args: each item becomes arguments by name, which the call passes by name."""
    assert executor._bind(add, item, extra) == expected


def doubled(f):
    def wrapper(*args, **kwargs):
        return 2 * f(*args, **kwargs)
    return wrapper


@doubled
def total(a, b, c=0, *args, d, e=5, **kwargs):
    return sum([a, b, c, d, e, *args, *kwargs.values()])


@pytest.mark.parametrize("item, expected", [
    ({"a": 1, "b": 2, "d": 3}, 22),
    ({"args": (1, 2), "d": 3}, 22),
    ({"args": (1, 2), "d": 3, "e": 4}, 20),
    ({"args": (1, 2), "d": 3, "f": 4}, 30),
    ({"a": 1, "b": 2, "d": 3, "e": 6, "f": 4}, 32),
    ({"args": (1, 2), "d": 3, "e": 6, "f": 4}, 32),
    ({"args": (1, 2), "kwargs": {"d": 3, "e": 6, "f": 4}}, 32),
])
def test_a_dict_item_spreads_the_names_of_args_and_kwargs(item, expected):
    """test_map.py's decorator case: the values named like *args and **kwargs are spread, as Lithops' worker
    does."""
    args, kwargs = executor._bind(total, item, None)
    assert total(*args, **kwargs) == expected


def with_rest(first, *rest, last=0):
    return (first, rest, last)


def test_positional_only_parameters_and_those_before_args_are_passed_positionally():
    """Where Lithops would pass them by name and fail the call."""
    assert executor._bind(len, [1, 2], None) == (([1, 2],), {})
    args, kwargs = executor._bind(with_rest, (1, 2, 3), None)
    assert with_rest(*args, **kwargs) == (1, (2, 3), 0)


def test_a_list_item_is_a_single_argument():
    assert executor._bind(len, [1, 2], None) == (([1, 2],), {})


def test_binding_errors_name_the_function_and_the_item():
    with pytest.raises(ValueError, match=r"add\(x, y, z=0\) cannot be called with the item \{'q': 1\}"):
        executor._bind(add, {"q": 1}, None)
    with pytest.raises(ValueError, match=r"must name every parameter .*missing: \['z'\]"):
        executor._bind(add, {"x": 1, "y": 2}, None)
    with pytest.raises(TypeError, match=r"add\(x, y, z=0\) cannot be called with the item \(1, 2, 3, 4\)"):
        executor._bind(add, (1, 2, 3, 4), None)
    with pytest.raises(TypeError, match="extra_args must be a tuple or a dict, not str"):
        executor._bind(add, (1, 2), "z")
    with pytest.raises(TypeError, match="extra_args must be a tuple for the tuple item"):
        executor._bind(add, (1,), {"y": 2})


def test_functions_without_a_signature_are_bound_unchecked():
    assert executor._bind(functools.partial(print), (1,), None) == ((1,), {})
    assert executor._bind(max, (1, 2), None) == ((1, 2), {})


def test_iterdata_items_as_lithops_takes_them():
    """A list, range or set holds the items; anything else (a name, a dict, a tuple) is one item."""
    assert executor._items(range(3)) == [0, 1, 2]
    assert sorted(executor._items({3, 1})) == [1, 3]
    assert executor._items([1, 2]) == [1, 2]
    assert executor._items(iter([1, 2])) == [1, 2]
    for single in ("abc", b"abc", {"x": 1}, (1, 2)):
        assert executor._items(single) == [single]


def test_futures_of_an_earlier_job_are_the_items_of_a_chained_one():
    run = FinishedRun([calls.encode_result(1), calls.encode_result(2)], [None, None])
    made = [futures.ResponseFuture(run, 0, "x-0"), futures.ResponseFuture(run, 1, "x-0")]
    assert binding.chained_futures(made) == made
    assert binding.chained_futures(tuple(made)) == made
    assert binding.chained_futures([1, 2]) is None
    with pytest.raises(ValueError, match="mixes futures of an earlier job with plain data"):
        binding.chained_futures([made[0], 3])


@pytest.mark.parametrize("return_when, done, total, enough", [
    (futures.ALWAYS, 0, 10, True),
    (futures.ANY_COMPLETED, 0, 10, False),
    (futures.ANY_COMPLETED, 1, 10, True),
    (futures.ANY_COMPLETED, 0, 0, True),
    (futures.ALL_COMPLETED, 9, 10, False),
    (futures.ALL_COMPLETED, 10, 10, True),
    (30, 2, 10, False),
    (30, 3, 10, True),
])
def test_wait_conditions(return_when, done, total, enough):
    assert futures.done_enough(return_when, done, total) is enough


def test_a_wait_condition_out_of_range_is_refused():
    with pytest.raises(ValueError, match="percentage from 1 to 100"):
        futures.done_enough(150, 1, 2)


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_plain_bar_redraws_in_place_on_a_terminal(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "tqdm", None)  # as if tqdm were not installed
    stream = Terminal()
    bar = progress.progress_bar(200, stream=stream)
    assert isinstance(bar, progress.PlainBar)
    bar.update(50)
    bar.update(200)
    bar.close()
    text = stream.getvalue()
    assert text.startswith("\rcalls [##########")
    assert " 50/200" in text and "200/200" in text and text.endswith("\n")
    assert "[" + "#" * progress.WIDTH + "]" in text


def test_the_bar_is_silent_off_a_terminal_or_when_disabled():
    stream = io.StringIO()
    for bar in (progress.progress_bar(10, stream=stream), progress.progress_bar(10, stream=Terminal(), enabled=False)):
        assert isinstance(bar, progress.SilentBar)
        bar.update(5)
        bar.close()
    assert stream.getvalue() == ""


def test_tqdm_is_used_when_installed():
    pytest.importorskip("tqdm")
    assert isinstance(progress.progress_bar(10, stream=Terminal()), progress.TqdmBar)


class FinishedRun:
    """A job that has ended with the given outcomes and details (what JobRun reads from the engine)."""

    def __init__(self, outcomes, details):
        self.id = "0123456789abcdef"
        self.created = 1.0
        self._outcomes = outcomes
        self._details = details

    def wait(self, timeout=None):
        return True

    def call_done(self, index):
        return True

    def wait_call(self, index, timeout=None):
        return True

    def outcome(self, index):
        return self._outcomes[index]

    def details(self, index):
        return self._details[index]


def failed(error):
    return FinishedRun([errors.FunctionError("call 00000: failed", error["type"])],
                       [types.SimpleNamespace(error=error, logs=None, timings={}, attempts=1)])


class Unbuildable(Exception):
    def __init__(self, a, b):
        super().__init__(a)


def test_a_pickled_exception_is_raised_with_its_remote_traceback():
    error = {"type": "KeyError", "message": "'k'", "traceback": "Traceback ...\nKeyError: 'k'\n",
             "serialized": base64.b64encode(cloudpickle.dumps(KeyError("k"))).decode()}
    with pytest.raises(KeyError) as raised:
        futures.ResponseFuture(failed(error), 0, "x-0").result()
    assert raised.value.__cause__.text.endswith("KeyError: 'k'\n")
    assert '"""\nTraceback ...' in str(raised.value.__cause__)


def test_without_the_serialized_exception_a_builtin_exception_is_rebuilt_by_name():
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        futures.ResponseFuture(failed({"type": "ZeroDivisionError", "message": "division by zero"}), 0, "x-0").result()


def test_other_exceptions_become_function_errors_naming_the_type():
    future = futures.ResponseFuture(failed({"type": "mod.Unbuildable", "message": "oops"}), 0, "x-0")
    with pytest.raises(oraclefn.FunctionError, match=r"mod\.Unbuildable: oops") as raised:
        future.result()
    assert raised.value.code == "mod.Unbuildable"
    assert future.result(throw_except=False) is None and future.error


def test_a_call_without_a_result_raises_the_engine_s_failure():
    failure = errors.CallFailedError("call 00000: retries spent")
    run = FinishedRun([failure], [types.SimpleNamespace(error=None, logs=None, timings={}, attempts=4)])
    with pytest.raises(oraclefn.CallFailedError, match="retries spent"):
        futures.ResponseFuture(run, 0, "x-0").result()


def test_a_result_is_unpickled_once_and_stats_use_lithops_names():
    details = types.SimpleNamespace(error=None, logs="hi\n", attempts=1, timings={
        "submitted": 2.0, "accepted": 2.1, "worker_start": 2.2, "worker_end": 2.7, "status_seen": 2.8,
        "result_fetched": 2.9})
    future = futures.ResponseFuture(FinishedRun([calls.encode_result({"a": [1]})], [details]), 0, "x-0")
    assert future.result() == {"a": [1]} and future.result() is future.result()
    assert future.logs == "hi\n"
    assert future.stats == {"host_job_create_tstamp": 1.0, "host_submit_tstamp": 2.0, "host_accepted_tstamp": 2.1,
                            "worker_start_tstamp": 2.2, "worker_end_tstamp": 2.7, "host_status_done_tstamp": 2.8,
                            "host_result_done_tstamp": 2.9, "worker_exec_time": pytest.approx(0.5), "attempts": 1}


def test_a_result_the_client_cannot_unpickle_says_so():
    future = futures.ResponseFuture(FinishedRun([b"not a pickle"], [None]), 0, "x-0")
    with pytest.raises(oraclefn.FunctionError, match="cannot be unpickled here"):
        future.result()


def test_the_user_s_own_modules_travel_by_value_and_installed_ones_by_reference():
    assert executor._needs_shipping(__import__("sys").modules[__name__])
    assert not executor._needs_shipping(json)
    assert not executor._needs_shipping(pytest)
    assert not executor._needs_shipping(None)


def test_pickling_a_function_of_this_module_embeds_its_code():
    with executor._pickled_by_value(add):
        by_value = cloudpickle.dumps(add)
    assert __name__ not in cloudpickle.list_registry_pickle_by_value(), "the registration is undone"
    assert len(by_value) > len(cloudpickle.dumps(add))
    assert pickle.loads(by_value)(1, 2) == 3


def test_include_and_exclude_modules_choose_what_travels_by_value():
    """Lithops' include_modules (None: nothing; a list: those) and exclude_modules."""
    def registered():
        return set(cloudpickle.list_registry_pickle_by_value())

    with executor._pickled_by_value(add):
        assert __name__ in registered() and "oraclefn._shipped" in registered()
    with executor._pickled_by_value(add, include_modules=None):
        assert __name__ not in registered()
    with executor._pickled_by_value(add, exclude_modules=[__name__]):
        assert __name__ not in registered()
    with executor._pickled_by_value(len, include_modules=[__name__]):
        assert __name__ in registered()
    assert __name__ not in registered()


def test_config_arguments_are_checked():
    with pytest.raises(TypeError, match="pass a file path as config_file="):
        executor._resolve_config("lithops.yaml", None, {})


def test_overrides_go_to_the_sections_lithops_sends_them_to(fixtures):
    config, embedded, _ = executor._resolve_config(
        None, fixtures / "config" / "valid.yaml", {"max_workers": 7, "runtime": "fn", "log_level": "DEBUG"})
    assert embedded is None
    assert config["oracle_f"]["max_workers"] == 7 and config["oracle_f"]["runtime"] == "fn"
    assert config["lithops"]["log_level"] == "DEBUG"
    with pytest.raises(TypeError, match="cannot change a loaded Config"):
        executor._resolve_config(config, None, {"max_workers": 3})


def test_a_configuration_dict_is_taken_whole_as_lithops_takes_it(fixtures):
    loaded = oraclefn.load_config(fixtures / "config" / "valid.yaml")
    as_dict = {section: dict(loaded[section]) for section in ("lithops", "oracle", "oracle_f", "oracle_oss")}
    config, embedded, _ = executor._resolve_config(as_dict, None, {"max_workers": 9})
    assert embedded is None
    assert config["oracle"]["user"] == loaded["oracle"]["user"] and config["oracle_f"]["max_workers"] == 9
