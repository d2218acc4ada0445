import json

import pytest

import oraclefn
from conftest import bad_config_cases, fill


def test_valid_config_has_every_default(valid_yaml):
    cfg = oraclefn.parse_config(valid_yaml)
    f = cfg["oracle_f"]
    assert f["max_workers"] == 300
    assert f["worker_processes"] == 1
    assert f["runtime_memory"] == 256
    assert f["runtime_timeout"] == 300
    assert f["invoke_pool_threads"] == 64
    assert f["docker_server"] == "%s.ocir.io" % cfg["oracle"]["region"]
    # oracle's keys flow into both services
    for section in ("oracle_f", "oracle_oss"):
        assert cfg[section]["tenancy"] == cfg["oracle"]["tenancy"]
        assert cfg[section]["region"] == cfg["oracle"]["region"]


def test_overrides_apply_per_section(valid_yaml):
    cfg = oraclefn.parse_config(valid_yaml, oracle_f={"max_workers": 7, "runtime_memory": 512})
    assert cfg["oracle_f"]["max_workers"] == 7
    assert cfg["oracle_f"]["runtime_memory"] == 512


def test_override_must_be_a_section_dict(valid_yaml):
    with pytest.raises(TypeError, match="oracle_f"):
        oraclefn.parse_config(valid_yaml, oracle_f=5)


def test_invalid_override_value_is_a_config_error(valid_yaml):
    with pytest.raises(oraclefn.ConfigError, match="runtime_memory"):
        oraclefn.parse_config(valid_yaml, oracle_f={"runtime_memory": 100})


def test_load_config_from_a_file(valid_yaml, tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(valid_yaml)
    cfg = oraclefn.load_config(str(path))
    assert set(cfg) >= {"lithops", "oracle", "oracle_f", "oracle_oss"}
    assert cfg["lithops"]["backend"] == "oracle_f"


def test_load_config_finds_the_env_file(valid_yaml, tmp_path, monkeypatch):
    path = tmp_path / "config.yaml"
    path.write_text(valid_yaml)
    monkeypatch.setenv("LITHOPS_CONFIG_FILE", str(path))
    assert oraclefn.locate_config() == str(path)
    assert oraclefn.load_config()["oracle_f"]["max_workers"] == 300


def test_missing_explicit_file_names_it(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(oraclefn.ConfigError) as e:
        oraclefn.load_config(str(missing))
    assert str(missing) in str(e.value)


def test_secrets_are_masked(valid_yaml):
    yaml = valid_yaml.replace("test2048_private_pkcs8.pem", "test2048_private_pkcs8_encrypted.pem")
    yaml = yaml.replace("oracle:\n", "oracle:\n    pass_phrase: oci-test-passphrase\n", 1)
    cfg = oraclefn.parse_config(yaml)
    text = json.dumps(dict(cfg))
    assert "oci-test-passphrase" not in text
    assert cfg["oracle"]["pass_phrase"] != "oci-test-passphrase"


@pytest.mark.parametrize("case", bad_config_cases(), ids=lambda c: c["name"])
def test_bad_configuration(case, tmp_path):
    ini = tmp_path / "oci_config"
    if case.get("ini") is not None:
        ini.write_text(case["ini"])
    path = tmp_path / "config.yaml"
    path.write_text(fill(case["yaml"], tmp_path, ini))
    with pytest.raises(oraclefn.ConfigError) as e:
        oraclefn.load_config(str(path))
    assert case["expect"] in str(e.value)
    assert str(e.value) != "configuration error"


def test_bad_config_messages_are_all_different(tmp_path):
    seen = {}
    for case in bad_config_cases():
        ini = tmp_path / "oci_config"
        if case.get("ini") is not None:
            ini.write_text(case["ini"])
        path = tmp_path / "config.yaml"
        path.write_text(fill(case["yaml"], tmp_path, ini))
        with pytest.raises(oraclefn.ConfigError) as e:
            oraclefn.load_config(str(path))
        seen.setdefault(str(e.value), []).append(case["name"])
    duplicates = {m: names for m, names in seen.items() if len(names) > 1}
    assert not duplicates
