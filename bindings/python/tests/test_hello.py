"""oraclefn.hello() and Engine.hello(): greetings through the engine, from the emulator's hello function or a
deployed runtime, as `oraclefn hello` gives them."""
import pathlib

import pytest

import oraclefn
from oraclefn import runtime


def test_hello_on_the_emulator_greets_through_its_hello_function(engine):
    report = engine.hello(names=["Ana", "Bo"])
    assert [g.split("!")[0] for g in report["greetings"]] == ["Hello, Ana", "Hello, Bo"]
    assert all(g.startswith(f"Hello, {n}! Ran in function hello ({report['function_id']}), application oraclefn-hello,")
               for g, n in zip(report["greetings"], ["Ana", "Bo"]))
    assert report["function"] == "hello" and "runtime" not in report and report["failures"] == []
    assert report["endpoint"].startswith("http://127.0.0.1:") and report["seconds"] >= 0


def test_hello_greets_through_the_configured_runtime_once_it_is_deployed(emulator, tmp_path):
    text = pathlib.Path(emulator.config_file).read_text().replace(
        "\noracle_f:\n", "\noracle_f:\n  runtime: oraclefn/worker\n  application_name: hello-runtime-py\n", 1)
    path = tmp_path / "runtime.yaml"
    path.write_text(text)
    config = oraclefn.load_config(path)
    with oraclefn.Engine(config) as engine:
        assert engine.hello(names=["x"])["function"] == "hello", "no runtime deployed yet: the hello function"
        assert runtime.deploy(config)["function"].startswith("lithops-worker-worker-latest-v")
        report = engine.hello()
    assert report["runtime"] == "oraclefn/worker" and report["function"].startswith("lithops-worker-worker-latest-v")
    assert report["greetings"][2].startswith(f"Hello, Oracle Functions! Ran in function {report['function']} (")
    assert "application hello-runtime-py, 256 MB" in report["greetings"][0]


def test_module_hello_takes_a_configuration_like_the_executor(emulator):
    report = oraclefn.hello(config_file=emulator.config_file, names=["Lithops"])
    assert report["greetings"][0].startswith("Hello, Lithops! Ran in function ")


@pytest.mark.parametrize("names, message", [([], "give at least one name"), (["a", 1], "wrong type")])
def test_bad_names_are_refused(engine, names, message):
    with pytest.raises(oraclefn.InvalidArgumentError, match=message):
        engine.hello(names=names)
