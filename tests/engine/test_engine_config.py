"""lineage.config: files, environment, command line, precedence and validation."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from lineage.cli.main import cli
from lineage.config import Config, load_config
from lineage.errors import ConfigError


def test_defaults_without_any_file(tmp_path):
    assert load_config(tmp_path, env={}) == Config()


def test_pyproject_tool_lineage_is_read(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.lineage]\nfail-on = "low"\ntop = 3\nmin_similarity = 0.4\n'
        'exclude = ["vendor/*", "third_party/*"]\n', encoding="utf-8")
    cfg = load_config(tmp_path, env={}, trust=True)  # exclude and a higher threshold loosen: trusted only
    assert (cfg.fail_on, cfg.top, cfg.min_similarity, cfg.exclude) == ("low", 3, 0.4, ("vendor/*", "third_party/*"))


def test_pyproject_without_a_lineage_table_gives_defaults(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.black]\nline-length = 99\n', encoding="utf-8")
    assert load_config(tmp_path, env={}) == Config()


@pytest.mark.parametrize("body", ['[lineage]\nfail_on = "medium"\ntop = 2\n', 'fail_on = "medium"\ntop = 2\n'])
def test_lineage_toml_is_read(tmp_path, body):
    (tmp_path / "lineage.toml").write_text(body, encoding="utf-8")
    cfg = load_config(tmp_path, env={})
    assert (cfg.fail_on, cfg.top) == ("medium", 2)


def test_lineage_toml_wins_over_pyproject(tmp_path):
    (tmp_path / "lineage.toml").write_text('fail_on = "medium"\n', encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.lineage]\nfail_on = "low"\n', encoding="utf-8")
    assert load_config(tmp_path, env={}).fail_on == "medium"


def test_a_file_target_reads_the_config_beside_it(tmp_path):
    (tmp_path / "lineage.toml").write_text("top = 7\n", encoding="utf-8")
    (tmp_path / "x.py").write_text("A = 1\n", encoding="utf-8")
    assert load_config(tmp_path / "x.py", env={}).top == 7


def test_precedence_cli_over_env_over_file_over_defaults(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.lineage]\nfail_on = "low"\ntop = 3\nworkers = 2\n',
                                             encoding="utf-8")
    env = {"LINEAGE_FAIL_ON": "medium", "LINEAGE_TOP": "4"}
    cfg = load_config(tmp_path, {"fail_on": "info", "workers": None}, env=env)
    assert (cfg.fail_on, cfg.top, cfg.workers, cfg.max_file_bytes) == ("info", 4, 2, Config().max_file_bytes)
    assert load_config(tmp_path, env=env).fail_on == "medium"
    assert load_config(tmp_path, env={}).fail_on == "low"


def test_environment_is_read_from_os_environ_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("LINEAGE_REPORT_SIMILARITY", "0.75")
    monkeypatch.setenv("LINEAGE_EXCLUDE", "a/*, b/*")
    cfg = load_config(tmp_path)
    assert cfg.report_similarity == 0.75 and cfg.exclude == ("a/*", "b/*")


@pytest.mark.parametrize("file_body,needle", [
    ('[tool.lineage]\nfail_on = "severe"\n', "fail_on"),
    ("[tool.lineage]\ntop = -1\n", "top"),
    ('[tool.lineage]\ntop = "three"\n', "top"),
    ("[tool.lineage]\nworkers = true\n", "workers"),
    ("[tool.lineage]\nmin_similarity = 1.5\n", "min_similarity"),
    ("[tool.lineage]\nreport_similarity = -0.1\n", "report_similarity"),
    ("[tool.lineage]\nexclude = [1, 2]\n", "exclude"),
    ("[tool.lineage]\nindex = 3\n", "index"),
    ("[tool.lineage]\nno_such_setting = 1\n", "no_such_setting"),
    ("[tool]\nlineage = 3\n", "must be a table"),
    ("[tool.lineage\n", "cannot read settings"),
])
def test_bad_file_values_are_config_errors(tmp_path, file_body, needle):
    (tmp_path / "pyproject.toml").write_text(file_body, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, env={})
    assert needle in str(info.value)
    assert info.value.source == str(tmp_path / "pyproject.toml")


@pytest.mark.parametrize("name,value", [("LINEAGE_TOP", "many"), ("LINEAGE_FAIL_ON", "critical"),
                                        ("LINEAGE_MIN_CONTAINMENT", "2"), ("LINEAGE_WORKERS", "-3")])
def test_bad_environment_values_are_config_errors(tmp_path, name, value):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, env={name: value})
    assert info.value.source == "environment"
    assert name.removeprefix("LINEAGE_").lower() in str(info.value)


def test_bad_override_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, {"fail_on": "never"}, env={})
    assert info.value.source == "command line"


def test_config_is_frozen():
    with pytest.raises(AttributeError):
        Config().top = 9  # type: ignore[misc]


# --- end to end: the effective config is echoed into the JSON report --------------------------


def scan_config(target, index, *extra: str, env: dict[str, str] | None = None) -> dict:
    base = {k: None for k in os.environ if k.startswith("LINEAGE_")}
    result = CliRunner().invoke(cli, ["scan", str(target), "--index", str(index), "--format", "json", "--quiet",
                                      "--exit-zero", *extra], env={**base, **(env or {})})
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["config"]


def test_precedence_through_the_cli(tmp_path, built_index, monkeypatch):
    monkeypatch.chdir(tmp_path)  # settings come from the working directory, not the target
    (tmp_path / "pyproject.toml").write_text('[tool.lineage]\nfail_on = "low"\ntop = 2\n', encoding="utf-8")
    (tmp_path / "a.py").write_text("A = 1\n", encoding="utf-8")
    cfg = scan_config(tmp_path, built_index)
    assert (cfg["fail_on"], cfg["top"]) == ("low", 2)
    cfg = scan_config(tmp_path, built_index, env={"LINEAGE_FAIL_ON": "medium"})
    assert (cfg["fail_on"], cfg["top"]) == ("medium", 2)
    cfg = scan_config(tmp_path, built_index, "--fail-on", "high", env={"LINEAGE_FAIL_ON": "medium"})
    assert (cfg["fail_on"], cfg["top"]) == ("high", 2)
    assert cfg["index"] == str(built_index)


def test_index_from_the_environment(tmp_path, built_index):
    (tmp_path / "a.py").write_text("A = 1\n", encoding="utf-8")
    base = {k: None for k in os.environ if k.startswith("LINEAGE_")}
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--format", "json", "--quiet"],
                                env={**base, "LINEAGE_INDEX": str(built_index)})
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["index"]["path"] == str(built_index)


def test_bad_file_value_through_the_cli_exits_2(tmp_path, built_index, monkeypatch):
    monkeypatch.chdir(tmp_path)  # settings come from the working directory, not the target
    (tmp_path / "lineage.toml").write_text('fail_on = "sometimes"\n', encoding="utf-8")
    (tmp_path / "a.py").write_text("A = 1\n", encoding="utf-8")
    base = {k: None for k in os.environ if k.startswith("LINEAGE_")}
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--index", str(built_index)], env=base)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "lineage.toml" in result.stderr and "fail_on" in result.stderr


def test_a_pyproject_table_a_lineage_toml_leaves_unread_is_said(tmp_path, built_index, monkeypatch):
    """Only the first settings file is read; a team editing the other saw nothing change and
    nothing said so (a stranger's review)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("A = 1\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.lineage]\nfail_on = "high"\n', encoding="utf-8")
    base = {k: None for k in os.environ if k.startswith("LINEAGE_")}
    alone = CliRunner().invoke(cli, ["scan", str(tmp_path), "--index", str(built_index), "--quiet"], env=base)
    assert alone.exit_code == 0 and "not read" not in alone.stderr
    (tmp_path / "lineage.toml").write_text('fail_on = "medium"\n', encoding="utf-8")
    both = CliRunner().invoke(cli, ["scan", str(tmp_path), "--index", str(built_index), "--quiet"], env=base)
    assert both.exit_code == 0
    assert "pyproject.toml: [tool.lineage] not read: lineage.toml beside it is the settings file read" in both.stderr
