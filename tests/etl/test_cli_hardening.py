"""The CLI never prints the warehouse password; `status` before any run says so clearly; `serve` binds the
loopback address unless told otherwise, and refuses a non-loopback one unless sign-in is configured ([access]
sign_in = true and a usable [auth] in the secrets file) or --insecure-open is given (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from etl import cli
from etl.serving import OPEN_MODE_VARIABLE, is_loopback, streamlit_command
from tests.conftest import FIXTURES, pg_server_url

runner = CliRunner(env={"COLUMNS": "250", "CXPULSE_WAREHOUSE_URL": None})
PLANTED = "planted-S3cret-7391"


def _config(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "cxpulse.toml"
    path.write_text(f'[warehouse]\nurl = "{url}"\n[ingest]\nmax_rejected_share = 0.5\n'
                    f'[[sources]]\nname = "fixture"\nformat = "canonical"\npath = "{FIXTURES / "canonical_small"}"\n',
                    encoding="utf-8")
    return path


def _with_password(url: str) -> str:
    """The test server's URL with a planted password (the test server trusts local connections, so it is
    accepted and ignored)."""
    return sa.make_url(url).set(password=PLANTED).render_as_string(hide_password=False)


@pytest.fixture(params=["duckdb", pytest.param("postgresql", marks=pytest.mark.pg)])
def unbuilt_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A warehouse no run has written: a missing DuckDB file, or an empty PostgreSQL database (no schemas)."""
    if request.param == "duckdb":
        return f"duckdb:///{tmp_path / 'never-built.duckdb'}"
    return _with_password(request.getfixturevalue("pg_database_url"))


class _Started:
    """Stands in for the Streamlit child process: records what `serve` would start."""

    def __init__(self) -> None:
        self.command: list[str] = []
        self.env: dict[str, str] = {}

    def __call__(self, command: list[str], env: dict[str, str], cwd: Path) -> int:
        self.command, self.env = command, env
        return 0


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> _Started:
    child = _Started()
    monkeypatch.setattr(cli, "run_child", child)
    return child


@pytest.mark.parametrize("command", ["status", "reconcile"])
def test_status_and_reconcile_before_any_run_are_a_clear_message_without_traceback(
        tmp_path: Path, unbuilt_url: str, command: str) -> None:
    result = runner.invoke(cli.app, [command, "--config", str(_config(tmp_path, unbuilt_url))])
    assert result.exit_code == 2
    assert "no warehouse built yet at" in result.output
    assert "run `cxpulse run`" in result.output
    assert "Traceback" not in result.output and "UndefinedTable" not in result.output
    assert PLANTED not in result.output


@pytest.mark.pg
def test_status_on_a_built_postgresql_warehouse_masks_the_password(tmp_path: Path, pg_database_url: str) -> None:
    config = _config(tmp_path, _with_password(pg_database_url))
    run = runner.invoke(cli.app, ["run", "--config", str(config), "--quiet"])
    assert run.exit_code == 0, run.output
    status = runner.invoke(cli.app, ["status", "--config", str(config)])
    assert status.exit_code == 0, status.output
    assert "warehouse: postgresql+psycopg://postgres:***@" in status.output
    assert "fct_interactions" in status.output
    assert PLANTED not in status.output and PLANTED not in run.output


def test_build_and_run_errors_mask_the_password(tmp_path: Path, started: _Started) -> None:
    config = _config(tmp_path, f"mysql://cx:{PLANTED}@db.example.com/cx")
    for command in ("build", "run", "status", "serve"):
        result = runner.invoke(cli.app, [command, "--config", str(config)])
        assert result.exit_code == 2, (command, result.output)
        assert "unsupported warehouse URL 'mysql://cx:***@db.example.com/cx'" in result.output
        assert PLANTED not in result.output
    assert started.command == []  # serve refused the URL before starting anything


@pytest.mark.pg
def test_a_postgresql_connection_error_masks_the_password(tmp_path: Path) -> None:
    server = pg_server_url()
    assert server is not None
    absent = _with_password(sa.make_url(server).set(database="cxpulse_no_such_database").render_as_string(False))
    result = runner.invoke(cli.app, ["build", "--config", str(_config(tmp_path, absent))])
    assert result.exit_code == 2
    assert "cxpulse_no_such_database" in result.output
    assert PLANTED not in result.output


def _address_of(command: list[str]) -> str:
    return command[command.index("--server.address") + 1]


def test_serve_binds_the_loopback_address_by_default_and_prints_no_password(
        tmp_path: Path, warehouse_url: str, started: _Started) -> None:
    url = _with_password(warehouse_url) if warehouse_url.startswith("postgresql") else warehouse_url
    result = runner.invoke(cli.app, ["serve", "--config", str(_config(tmp_path, url)), "--port", "8765"])
    assert result.exit_code == 0, result.output
    assert _address_of(started.command) == "127.0.0.1"
    assert started.command[started.command.index("--server.port") + 1] == "8765"
    assert started.env[OPEN_MODE_VARIABLE] == "local"
    assert "serving http://127.0.0.1:8765" in result.output
    assert PLANTED not in result.output
    assert started.env["CXPULSE_WAREHOUSE_URL"] == url  # the app itself still gets the real URL


@pytest.mark.parametrize("address", ["0.0.0.0", "::", "192.168.1.20", "cxpulse.example.com"])
def test_serve_refuses_a_non_loopback_address_without_insecure_open(
        tmp_path: Path, address: str, started: _Started) -> None:
    config = _config(tmp_path, f"duckdb:///{tmp_path / 'wh.duckdb'}")
    result = runner.invoke(cli.app, ["serve", "--config", str(config), "--address", address])
    assert result.exit_code == 2
    assert f"refusing to serve on {address}" in result.output
    assert "--insecure-open" in result.output
    assert "[access] sign_in = true" in result.output and "docs/sign-in.md" in result.output
    assert started.command == []  # nothing was started


def test_serve_with_insecure_open_binds_the_address_and_says_it_is_open(tmp_path: Path, started: _Started) -> None:
    config = _config(tmp_path, f"duckdb:///{tmp_path / 'wh.duckdb'}")
    result = runner.invoke(cli.app, ["serve", "--config", str(config), "--address", "0.0.0.0", "--insecure-open"])
    assert result.exit_code == 0, result.output
    assert _address_of(started.command) == "0.0.0.0"
    assert started.env[OPEN_MODE_VARIABLE] == "network"
    assert "anyone who reaches this port" in result.output


@pytest.mark.parametrize(("address", "loopback"), [
    ("127.0.0.1", True), ("127.8.9.10", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("0.0.0.0", False), ("::", False), ("10.0.0.5", False), ("example.com", False), ("", False),
])
def test_which_addresses_are_loopback(address: str, loopback: bool) -> None:
    assert is_loopback(address) is loopback


def test_the_streamlit_command_names_the_address_and_port() -> None:
    command = streamlit_command(Path("/app/dashboard/app.py"), 8502, "127.0.0.1")
    assert command[1:5] == ["-m", "streamlit", "run", "/app/dashboard/app.py"]
    assert _address_of(command) == "127.0.0.1"
    assert command[command.index("--server.port") + 1] == "8502"


REFUSING_URL = f"postgresql+psycopg://cx:{PLANTED}@127.0.0.1:1/cxpulse_nowhere"
"""Nothing listens on port 1: every connection is refused, whatever the password."""


@pytest.mark.parametrize("command", [
    ["status"], ["run"], ["build"], ["reconcile"], ["calibrate"], ["labels", "import", "LABELS"],
])
def test_no_command_prints_the_password_or_a_traceback_when_the_server_refuses(
        tmp_path: Path, command: list[str]) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("message_id,label\nM1,negative\n", encoding="utf-8")
    arguments = [str(labels) if part == "LABELS" else part for part in command]
    result = runner.invoke(cli.app, [*arguments, "--config", str(_config(tmp_path, REFUSING_URL))])
    assert result.exit_code == 2, result.output
    assert PLANTED not in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not an escaped exception


def test_serve_on_a_refusing_server_prints_no_password(tmp_path: Path, started: _Started) -> None:
    result = runner.invoke(cli.app, ["serve", "--config", str(_config(tmp_path, REFUSING_URL))])
    assert result.exit_code == 0, result.output
    assert "on postgresql+psycopg://cx:***@127.0.0.1:1/cxpulse_nowhere" in result.output
    assert PLANTED not in result.output


AUTH_SECRETS = """[auth]
redirect_uri = "https://cx.example.com/oauth2callback"
cookie_secret = "a-long-random-cookie-secret"
client_id = "cxpulse"
client_secret = "planted-client-S3cret"
server_metadata_url = "https://login.example.com/.well-known/openid-configuration"
"""


def _signed_in_config(tmp_path: Path) -> Path:
    config = _config(tmp_path, f"duckdb:///{tmp_path / 'wh.duckdb'}")
    config.write_text(config.read_text(encoding="utf-8") + "[access]\nsign_in = true\n", encoding="utf-8")
    return config


def test_serve_with_sign_in_configured_binds_a_network_address(tmp_path: Path, started: _Started) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(AUTH_SECRETS, encoding="utf-8")
    result = runner.invoke(cli.app, ["serve", "--config", str(_signed_in_config(tmp_path)), "--address", "0.0.0.0",
                                     "--secrets", str(secrets)])
    assert result.exit_code == 0, result.output
    assert _address_of(started.command) == "0.0.0.0"
    assert started.command[started.command.index("--secrets.files") + 1] == str(secrets)
    assert OPEN_MODE_VARIABLE not in started.env  # no open-mode banner: people sign in
    assert "sign-in on" in result.output and "open mode" not in result.output
    assert "planted-client-S3cret" not in result.output


@pytest.mark.parametrize(("secrets_text", "named"), [
    ("", "there is no [auth] section"),
    (AUTH_SECRETS.replace('client_secret = "planted-client-S3cret"\n', ""), "[auth] client_secret is missing"),
    (AUTH_SECRETS.replace('cookie_secret = "a-long-random-cookie-secret"\n', ""), "[auth] cookie_secret is missing"),
])
def test_serve_with_sign_in_on_but_no_usable_auth_says_what_to_set(
        tmp_path: Path, started: _Started, secrets_text: str, named: str) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(secrets_text, encoding="utf-8")
    for address in ("127.0.0.1", "0.0.0.0"):
        result = runner.invoke(cli.app, ["serve", "--config", str(_signed_in_config(tmp_path)), "--address", address,
                                         "--secrets", str(secrets)])
        assert result.exit_code == 2, result.output
        assert "sign-in is on ([access] sign_in = true in cxpulse.toml)" in result.output
        assert named in result.output
        assert "docs/sign-in.md" in result.output and "Traceback" not in result.output
    assert started.command == []


def test_serve_with_sign_in_off_ignores_an_incomplete_auth_section(tmp_path: Path, started: _Started) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "nowhere"\n', encoding="utf-8")
    config = _config(tmp_path, f"duckdb:///{tmp_path / 'wh.duckdb'}")
    result = runner.invoke(cli.app, ["serve", "--config", str(config), "--secrets", str(secrets)])
    assert result.exit_code == 0, result.output
    assert started.env[OPEN_MODE_VARIABLE] == "local"
