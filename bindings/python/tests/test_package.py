import oraclefn


def test_version_and_library_path():
    assert oraclefn.__version__ == "0.1.0"
    assert oraclefn.library_path.name == "liboraclefn.so"


def test_error_hierarchy():
    assert issubclass(oraclefn.NotFoundError, KeyError)
    assert issubclass(oraclefn.TimeoutError, TimeoutError)
    assert issubclass(oraclefn.KeyFileError, oraclefn.ConfigError)
    for name in ("ConfigError", "AuthError", "ThrottledError", "ServiceError", "NetworkError"):
        assert issubclass(getattr(oraclefn, name), oraclefn.OracleFnError)


def test_broken_yaml_is_a_config_error():
    try:
        oraclefn.parse_config("lithops: [")
    except oraclefn.ConfigError as e:
        assert "line" in str(e)
    else:
        raise AssertionError("broken YAML was accepted")
