import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[3] / "Tests" / "Fixtures"


@pytest.fixture
def fixtures():
    return FIXTURES


def fill(text, tmp_path, ini_path=None):
    """Replaces the fixture placeholders the shared tables use."""
    text = text.replace("{KEYS}", str(FIXTURES / "keys")).replace("{FIXTURES}", str(FIXTURES))
    if ini_path is not None:
        text = text.replace("{INI}", str(ini_path))
    return text


@pytest.fixture
def valid_yaml():
    """valid.yaml as text, its relative key path made absolute (text has no folder to resolve against)."""
    return (FIXTURES / "config" / "valid.yaml").read_text().replace("../keys", str(FIXTURES / "keys"))


def bad_config_cases():
    table = json.loads((FIXTURES / "config" / "bad-configs.json").read_text())
    return table["cases"] if isinstance(table, dict) else table
