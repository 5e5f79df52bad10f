"""The `cxpulse` command: thin Typer commands over plain functions.

Exit codes: 0 success; 1 the run finished but something needs attention (a file failed or its rejected
share passed the threshold); 2 the command could not run (bad configuration, unreadable file, build error).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import sqlalchemy
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from etl.build import BuildError
from etl.child_process import run_child
from etl.config import ConfigError, Settings, SourceConfig, load_settings
from etl.interrupted_runs import WHY, Recovery, recover_interrupted_runs
from etl.parsing import FileError
from etl.pipeline import RunResult, run_pipeline
from etl.run_status import INTERRUPTED
from etl.secrets import redact_text, redact_url
from etl.serving import DEFAULT_ADDRESS, LOCAL_ONLY, OPEN_MODE_VARIABLE, open_mode, refusal, streamlit_command
from etl.sign_in_config import default_secrets_files, read_auth_section, sign_in_problem
from etl.warehouse import RunMarker, WarehouseError, WarehouseMissing, dialect_of, duckdb_path, open_reader

if TYPE_CHECKING:
    import pandas as pd

    from etl.status import ChurnModelStatus

app = typer.Typer(add_completion=False, no_args_is_help=True, help="cxpulse: SLA and XLA analytics for service.")
console = Console(stderr=True, soft_wrap=True)
REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_EXPORTS = "demo_exports"

ConfigOption = Annotated[Path | None, typer.Option("--config", "-c", help="cxpulse.toml to use.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")]
ForceOption = Annotated[bool, typer.Option(
    "--force", help="Run even when no file, model, setting or enrichment version changed since the last run.")]


class RichProgress:
    """Progress bars for long steps (rich); silent when quiet."""

    def __init__(self, quiet: bool) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, disable=quiet,
        )
        self._task: int | None = None

    def __enter__(self) -> RichProgress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(*exc)  # type: ignore[arg-type]

    def step(self, description: str, total: int | None = None) -> None:
        if self._task is not None:
            self._progress.update(self._task, total=self._progress.tasks[self._task].completed)
        self._task = self._progress.add_task(description, total=total)

    def advance(self, amount: int = 1) -> None:
        if self._task is not None:
            self._progress.advance(self._task, amount)


def _fail(message: str) -> typer.Exit:
    # an error may quote the warehouse URL (a driver's or the configuration's message): its password is masked
    console.print(Text.assemble(("error: ", "bold red"), redact_text(message)))
    return typer.Exit(code=2)


def _unreadable(url: str, error: Exception) -> typer.Exit:
    """A database error as one line naming the warehouse (password masked), never a traceback; exit code 2."""
    return _fail(f"the warehouse at {redact_url(url)} cannot be read: {type(error).__name__}: {error}")


def _settings(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except ConfigError as error:
        raise _fail(str(error)) from None


def _report(result: RunResult, quiet: bool) -> None:
    if result.unchanged_since is not None:
        if not quiet:
            finished = result.unchanged_since.finished_at
            at = f"{finished:%Y-%m-%d %H:%M:%S} UTC" if finished else "an unknown time"
            console.print(f"nothing changed since run {result.unchanged_since.run_id} at {at}: no work done"
                          " (--force runs anyway)")
        return
    if result.changed and not quiet:
        console.print(f"checked before the run: {', '.join(result.changed)}")
    for problem in result.problems:
        console.print(Text.assemble(("problem: ", "bold red"), redact_text(problem)))
    if quiet:
        return
    for file in result.files:
        if file.status == "ignored":
            console.print(Text(f"note: {file.path}: {file.error}"))
        elif file.status == "loaded" and file.records_read == 0:
            console.print(Text(f"note: {file.path} holds no records" + (f" ({file.reason})" if file.notes else "")))
        elif file.notes and file.status != "skipped":
            console.print(Text(f"note: {file.path}: {file.reason}"))
        if file.unknown_fields:
            shown = ", ".join(file.unknown_fields[:12]) + (" ..." if len(file.unknown_fields) > 12 else "")
            console.print(Text(f"note: {file.path}: {len(file.unknown_fields)} field(s) no stream declares, kept"
                               f" in the raw payload: {shown}"))
    counts = {status: sum(f.status == status for f in result.files)
              for status in ("loaded", "partial", "failed", "ignored", "skipped")}
    unrecoverable = sum(f.records_unrecoverable for f in result.files)
    others = [f"{counts['partial']} partly loaded" if counts["partial"] else "",
              f"{counts['failed']} failed" if counts["failed"] else "",
              f"{counts['ignored']} ignored (name matches no pattern)" if counts["ignored"] else "",
              f"{unrecoverable:,} records unrecoverable" if unrecoverable else ""]
    console.print(
        f"run {result.run_id}: {counts['loaded']} file(s) loaded, {counts['skipped']} already loaded and skipped;"
        f" {result.rows_loaded:,} rows added, {result.rows_rejected:,} records quarantined"
        + "".join(f"; {other}" for other in others if other)
    )
    if result.build is not None:
        console.print(
            f"built {len(result.build.row_counts)} models; {result.messages_scored:,} messages scored;"
            f" fct_interactions has {result.build.row_counts.get('fct_interactions', 0):,} rows"
        )
    console.print(f"status: {result.status}")


def _run(settings: Settings, command: str, quiet: bool, **steps: object) -> RunResult:
    try:
        with RichProgress(quiet) as progress:
            result = run_pipeline(settings, command, progress=progress, **steps)  # type: ignore[arg-type]
    except (FileError, WarehouseError, BuildError, ValueError) as error:
        raise _fail(str(error)) from None
    except Exception as error:
        if os.environ.get("CXPULSE_DEBUG"):
            raise
        raise _fail(f"{type(error).__name__}: {error} (set CXPULSE_DEBUG=1 for the traceback)") from None
    _report(result, quiet)
    return result


@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the export files into.")],
    scale: Annotated[int, typer.Option(help="Approximate number of interactions.")] = 200_000,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same files.")] = 42,
    end_date: Annotated[str | None, typer.Option(help="Last day simulated (YYYY-MM-DD); default yesterday.")] = None,
    export_format: Annotated[str, typer.Option(
        "--format", help="vendor: Amazon Connect, Zendesk, Salesforce and survey exports; canonical: cxpulse's own."
    )] = "vendor",
    quiet: QuietOption = False,
) -> None:
    """Write a simulated service operation's export files (vendor exports by default, or canonical)."""
    from etl.demo.simulator import generate as simulate

    last_day = dt.date.fromisoformat(end_date) if end_date else None
    with RichProgress(quiet) as progress:
        progress.step("Simulating interactions", total=scale)
        done = {"n": 0}

        def on_progress(count: int, _total: int) -> None:
            progress.advance(count - done["n"])
            done["n"] = count

        counts = simulate(out, scale=scale, seed=seed, end_date=last_day, progress=on_progress,
                          export_format=export_format)
    if not quiet:
        console.print(", ".join(f"{name}: {rows:,}" for name, rows in counts.items()))


def cli_source_name(source_format: str, mapping: Path | None) -> str:
    """The source name of files given on the command line. It never depends on a file's name or folder: ids
    of mapped sources carry the source name, so the same record in a later file must land in the same source
    (one contact, updated), whichever file or folder it came in."""
    if source_format == "mapped" and mapping is not None:
        return f"cli:{mapping.stem}"
    return f"cli:{source_format}"


@app.command("ingest")
def ingest_command(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders to load instead of the config's.")
    ] = None,
    source_format: Annotated[str, typer.Option("--format", help="Format of PATHS.")] = "canonical",
    timezone: Annotated[str, typer.Option(help="Time zone of timestamps without an offset in PATHS.")] = "UTC",
    mapping: Annotated[Path | None, typer.Option(help="Mapping file (YAML) for --format mapped.")] = None,
    source_name: Annotated[str | None, typer.Option(
        "--source", help="Source name of PATHS (ids of mapped sources carry it); default cli:<mapping> for"
        " --format mapped, else cli:<format>. Give a configured source's name to load into that source.")] = None,
    config: ConfigOption = None,
    quiet: QuietOption = False,
) -> None:
    """Load the configured sources (or PATHS) into the raw tables."""
    settings = _settings(config)
    sources = None
    if paths:
        options = {"mapping": str(mapping.resolve())} if mapping else {}
        name = source_name or cli_source_name(source_format, mapping)
        sources = [SourceConfig(name=name, format=source_format, path=p.resolve(), timezone=timezone,
                                options=options) for p in paths]
    result = _run(settings, "ingest", quiet, do_build=False, sources=sources)
    raise typer.Exit(code=result.exit_code)


@app.command("build")
def build_command(
    config: ConfigOption = None,
    quiet: QuietOption = False,
    enrich: Annotated[bool, typer.Option(
        "--enrich/--no-enrich", help="Run the enrichment steps (sentiment, signals, effort, churn, forecast)"
        " as `run` does; --no-enrich leaves their tables as they stand.")] = True,
    force: ForceOption = False,
) -> None:
    """Rebuild the staging, core and mart models from the raw tables, with the enrichment steps."""
    result = _run(_settings(config), "build", quiet, do_ingest=False, do_enrich=enrich, skip_if_unchanged=not force)
    raise typer.Exit(code=result.exit_code)


@app.command("run")
def run_command(config: ConfigOption = None, quiet: QuietOption = False, force: ForceOption = False) -> None:
    """Ingest, build and enrich, in order; nothing when nothing changed since the last run (unless --force)."""
    result = _run(_settings(config), "run", quiet, skip_if_unchanged=not force)
    raise typer.Exit(code=result.exit_code)


def _toml_value(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value).lower()


DEMO_OPERATION_SETTINGS = """\
# The demo's 12 intents under the starter pack (etl/intents/demo_taxonomy.yml).
[intents]
taxonomy = "demo"

# Opening hours of the simulated teams (business-time measures and SLA clocks run only inside them).
[[calendars]]
name = "Dublin office"
timezone = "Europe/Dublin"
teams = ["Billing", "Onboarding"]
holidays = ["2025-12-25", "2025-12-26", "2026-01-01", "2026-03-17", "2026-04-06", "2026-05-04", "2026-06-01",
            "2026-08-03", "2026-10-26", "2026-12-25", "2026-12-28"]
[calendars.hours]
mon = "08:00-18:00"
tue = "08:00-18:00"
wed = "08:00-18:00"
thu = "08:00-18:00"
fri = "08:00-18:00"

[[calendars]]
name = "Austin office"
timezone = "America/Chicago"
teams = ["Accounts & Access", "Tier 2 Escalations"]
holidays = ["2025-11-27", "2025-12-25", "2026-01-01", "2026-01-19", "2026-05-25", "2026-07-03", "2026-09-07",
            "2026-11-26", "2026-12-25"]
[calendars.hours]
mon = "07:00-19:00"
tue = "07:00-19:00"
wed = "07:00-19:00"
thu = "07:00-19:00"
fri = "07:00-19:00"

[[calendars]]
name = "Follow the sun"
timezone = "UTC"
default = true
[calendars.hours]
mon = "00:00-24:00"
tue = "00:00-24:00"
wed = "00:00-24:00"
thu = "00:00-24:00"
fri = "00:00-24:00"
sat = "08:00-16:00"

# Service-level agreements: first match wins; minutes of business time unless calendar_time = true.
[[sla_policies]]
name = "Urgent"
priorities = ["urgent"]
first_reply_minutes = 60
next_reply_minutes = 120
resolution_minutes = 480

[[sla_policies]]
name = "Live chat"
channels = ["chat"]
first_reply_minutes = 5
next_reply_minutes = 5
resolution_minutes = 120
calendar_time = true

[[sla_policies]]
name = "High"
priorities = ["high"]
first_reply_minutes = 240
next_reply_minutes = 480
resolution_minutes = 1440

[[sla_policies]]
name = "Standard"
channels = ["email", "ticket", "social"]
first_reply_minutes = 480
next_reply_minutes = 960
resolution_minutes = 2400

# Cost of one contact's bot part and human part, in the currency at the top (cost-to-serve).
[unit_costs.voice]
bot = 0.90
human = 6.50

[unit_costs.chat]
bot = 0.60
human = 4.20

[unit_costs.email]
human = 3.80

[unit_costs.ticket]
human = 5.10

[unit_costs.social]
bot = 0.60
human = 3.90

"""


def write_demo_config(folder: Path, exports: Path) -> Path:
    from etl.demo.vendor_exports import demo_sources

    sources = "".join(
        "[[sources]]\n" + "".join(
            f"{key} = {_toml_value(f'{exports.name}/{value}' if key == 'path' else value)}\n"
            for key, value in entry.items()
        ) + "\n"
        for entry in demo_sources()
    )
    path = folder / "cxpulse.toml"
    path.write_text(
        "# Written by `cxpulse demo`: the simulated operation's vendor exports and a local DuckDB warehouse.\n"
        "# `cxpulse run` in this folder repeats the same ingest (files already loaded are skipped).\n"
        'currency = "USD"\n\n'
        "[warehouse]\n"
        'url = "duckdb:///data/cxpulse.duckdb"\n\n'
        "[metrics]\n"
        "service_level_seconds = 20\n"
        "short_abandon_seconds = 5\n"
        'reporting_timezone = "UTC"\n\n'
        "[ingest]\n"
        "max_rejected_share = 0.05\n\n"
        + DEMO_OPERATION_SETTINGS
        + sources.rstrip("\n") + "\n",
        encoding="utf-8",
    )
    return path


@app.command()
def demo(
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the dashboard afterwards.")] = True,
    scale: Annotated[int, typer.Option(help="Approximate number of interactions.")] = 200_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 42,
    fresh: Annotated[bool, typer.Option(help="Regenerate the exports and rebuild the warehouse from scratch.")] = False,
    port: Annotated[int, typer.Option(help="Port of the dashboard.")] = 8501,
    quiet: QuietOption = False,
) -> None:
    """Generate the demo exports (once), run the pipeline on them, then serve the dashboard."""
    folder = Path.cwd()
    exports = folder / DEMO_EXPORTS
    config_path = folder / "cxpulse.toml"
    if fresh:
        shutil.rmtree(exports, ignore_errors=True)
        for leftover in (folder / "data").glob("cxpulse.duckdb*"):
            leftover.unlink()
    if not (exports / "README.md").exists():
        generate(out=exports, scale=scale, seed=seed, end_date=None, export_format="vendor", quiet=quiet)
    if not config_path.exists():
        write_demo_config(folder, exports)
    settings = _settings(config_path)
    result = _run(settings, "run", quiet, skip_if_unchanged=not fresh)
    if result.exit_code:
        raise typer.Exit(code=result.exit_code)
    if serve_after:
        serve(port=port, config=config_path)


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8501,
    config: ConfigOption = None,
    address: Annotated[str, typer.Option(
        "--address", help="Address to bind; a non-loopback one needs sign-in configured or --insecure-open.")
    ] = DEFAULT_ADDRESS,
    insecure_open: Annotated[bool, typer.Option(
        "--insecure-open", help="Allow a non-loopback address without sign-in: anyone who reaches the port sees"
                                " everything.")] = False,
    secrets: Annotated[Path | None, typer.Option(
        "--secrets", help="The secrets file holding [auth] (default: ~/.streamlit/secrets.toml and the app's"
                          " .streamlit/secrets.toml).")] = None,
) -> None:
    """Serve the Streamlit dashboard on the configured warehouse, on 127.0.0.1 unless told otherwise.
    Exit code 2 when the address is refused or sign-in is on but not configured."""
    settings = _settings(config)
    sign_in = settings.access.sign_in
    try:  # sign-in off ignores [auth]
        auth = read_auth_section([secrets] if secrets is not None else default_secrets_files(REPO_ROOT)) \
            if sign_in else None
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise _fail(f"the secrets file cannot be read: {type(error).__name__}") from None
    problem = sign_in_problem(sign_in, auth)
    if problem:
        raise _fail(problem)
    refused = refusal(address, insecure_open, sign_in_ready=sign_in)
    if refused:
        raise _fail(refused)
    try:
        dialect_of(settings.warehouse_url)
    except WarehouseError as error:
        raise _fail(str(error)) from None
    _recover(settings)
    env = dict(os.environ)
    if settings.config_path:
        env["CXPULSE_CONFIG"] = str(settings.config_path)
    env["CXPULSE_WAREHOUSE_URL"] = settings.warehouse_url
    env.pop(OPEN_MODE_VARIABLE, None)
    if not sign_in:
        env[OPEN_MODE_VARIABLE] = open_mode(address)
    command = streamlit_command(REPO_ROOT / "dashboard" / "app.py", port, address, secrets)
    host = f"[{address}]" if ":" in address else address
    console.print(Text(f"serving http://{host}:{port} on {redact_url(settings.warehouse_url)}"))
    if sign_in:
        console.print(Text("sign-in on: only people whose claims map to a role see pages"))
    elif open_mode(address) != LOCAL_ONLY:
        console.print(Text("warning: open mode without sign-in: anyone who reaches this port sees everything",
                           style="bold red"))
    # a SIGTERM or SIGINT to this process ends the Streamlit server too (it runs in its own process group)
    raise typer.Exit(code=run_child(command, env=env, cwd=REPO_ROOT))


@app.command("catalog")
def catalog_command(
    markdown: Annotated[Path | None, typer.Option("--markdown", help="Write the catalog as Markdown to PATH.")] = None,
    check: Annotated[Path | None, typer.Option(
        "--check", help="Exit 1 when the Markdown file at PATH is out of date with the catalog.")] = None,
) -> None:
    """Print the metric catalog (sql/metrics/*.yml) as Markdown, write it to a file, or check a file is current."""
    from etl.catalog import CatalogError
    from etl.catalog_docs import catalog_markdown, is_stale

    try:
        text = catalog_markdown()
    except CatalogError as error:
        raise _fail(f"catalog: {error}") from None
    if check is not None:
        if is_stale(check, text):
            console.print(f"{check} is out of date with sql/metrics/*.yml: run `cxpulse catalog --markdown {check}`")
            raise typer.Exit(code=1)
        console.print(f"{check} is up to date")
    if markdown is not None:
        markdown.parent.mkdir(parents=True, exist_ok=True)
        markdown.write_text(text, encoding="utf-8")
        console.print(f"wrote {markdown}")
    if check is None and markdown is None:
        typer.echo(text, nl=False)


def _table(title: str, frame: object) -> Table:
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    table = Table(title=title)
    for column in frame.columns:
        table.add_column(str(column))
    for row in frame.itertuples(index=False):
        # as plain text: values from an export are never read as rich markup
        table.add_row(*[Text("" if value is None or (isinstance(value, float) and value != value) else str(value))
                        for value in row])
    return table


@app.command()
def status(config: ConfigOption = None) -> None:
    """Last runs, rows per table, rejected records per reason, the churn model. Exit code 2 when no warehouse
    has been built yet (or it cannot be read)."""
    from etl.status import read_status

    settings = _settings(config)
    shown_url = redact_url(settings.warehouse_url)
    try:
        url = settings.warehouse_url
        missing_file = dialect_of(url) == "duckdb" and not duckdb_path(url).exists()
    except WarehouseError as error:
        raise _fail(str(error)) from None
    if missing_file:
        raise _fail(f"no warehouse built yet at {shown_url}: run `cxpulse run`")
    recovery = _recover(settings)
    reader = open_reader(settings.warehouse_url)
    try:
        report = read_status(reader, lookback_hours=settings.lookback_hours)
    except WarehouseMissing:
        raise _fail(f"no warehouse built yet at {shown_url}: run `cxpulse run`") from None
    except (WarehouseError, sqlalchemy.exc.SQLAlchemyError) as error:
        raise _unreadable(settings.warehouse_url, error) from None
    finally:
        reader.close()
    out = Console()
    out.print(Text(f"warehouse: {shown_url}"))
    if recovery.writer_running:
        out.print("a run is writing the warehouse now")
    out.print(_table("Last runs", with_pending_runs(report.runs, recovery.pending)))
    out.print(_table("Stream state", report.streams))
    if report.files is not None:
        out.print(_table("Files of the latest runs (read = loaded + duplicate + quarantined + unrecoverable)",
                         report.files))
    out.print(_table("Rows per table", report.tables))
    out.print(_table("Rejected records per reason", report.rejects))
    if report.intents_to_map is not None and not report.intents_to_map.empty:
        out.print(_table("Intents to map: vendor values the taxonomy maps onto no intent (top 20)",
                         report.intents_to_map))
    _print_churn_model(out, report.churn_model)


@app.command()
def reconcile(config: ConfigOption = None) -> None:
    """Vendor figures against cxpulse's own: agreement per source and figure, and every disagreement with its
    cause (docs/reconciliation.md)."""
    from etl.reconcile import disagreements_view, not_compared_lines, read_reconciliation, summary_view
    from etl.status import has_run_log

    settings = _settings(config)
    url = settings.warehouse_url
    if dialect_of(url) == "duckdb" and not duckdb_path(url).exists():
        raise _fail(f"no warehouse built yet at {redact_url(url)}: run `cxpulse run`")
    reader = open_reader(url)
    try:
        if not has_run_log(reader):  # an empty database: nothing was ever built
            raise _fail(f"no warehouse built yet at {redact_url(url)}: run `cxpulse run`")
        result = read_reconciliation(reader)
    except WarehouseMissing as error:
        raise _fail(str(error)) from None
    except WarehouseError as error:
        raise _fail(f"no reconciliation in the warehouse yet (run `cxpulse build`): {error}") from None
    except sqlalchemy.exc.SQLAlchemyError as error:
        raise _unreadable(url, error) from None
    finally:
        reader.close()
    out = Console(width=200)
    if result.summary.empty:
        out.print("No source reports figures of its own (Zendesk ticket metrics, Connect contact records, Genesys"
                  " metrics): nothing to reconcile.")
        return
    compared = result.summary[result.summary["count_records"] > 0]
    out.print(_table("Reconciliation: vendor figures against cxpulse's (durations agree within 60 s or 1%,"
                     " counts exactly)", summary_view(compared).drop(columns=["Vendor figures"])))
    for line in not_compared_lines(result.summary):
        out.print(line, markup=False, soft_wrap=True)
    if result.disagreements.empty:
        out.print("No disagreement.")
    else:
        out.print(_table(f"Disagreements ({len(result.disagreements)})", disagreements_view(result.disagreements)))


@app.command("calibrate")
def calibrate_command(
    config: ConfigOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")] = False,
    by: Annotated[str | None, typer.Option("--by", help="Who calibrates (stored with the version).")] = None,
) -> None:
    """Refit the detectors' thresholds from people's labels (feedback.labels) and store them as a new
    calibration version; show what changed in precision and in the figures the thresholds move.
    Exit 0 also when there is nothing to calibrate (no labels, nothing changed); 2 when it cannot run."""
    import getpass

    from etl.calibration import fits_view, metrics_view, run_calibration
    settings = _settings(config)
    url = settings.warehouse_url
    if dialect_of(url) == "duckdb" and not duckdb_path(url).exists():
        raise _fail(f"no warehouse at {duckdb_path(url)} (run `cxpulse run` first)")
    try:
        result = run_calibration(url, settings, by or os.environ.get("CXPULSE_USER") or getpass.getuser(), dry_run)
    except (WarehouseError, ConfigError) as error:
        raise _fail(str(error)) from None
    except sqlalchemy.exc.SQLAlchemyError as error:
        raise _unreadable(url, error) from None
    out = Console(width=200)
    out.print(Text(f"active calibration: {result.previous.calibration_version}"))
    if result.fits:
        out.print(_table("Thresholds: old -> new, on the labels", fits_view(result)))
        out.print(_table("Figures the thresholds move (over core)", metrics_view(result)))
    out.print(Text(result.message))
    if result.supervised:
        out.print(Text(result.supervised))
    if result.version and not dry_run:
        out.print(Text(f"the next build applies {result.version} ([detectors] calibration = \"latest\");"
                       " the previous version stays selectable"))


def _recover(settings: Settings) -> Recovery:
    """Settle what killed runs left behind (when no run is writing now) and say what was done."""
    try:
        recovery = recover_interrupted_runs(settings.warehouse_url)
    except (WarehouseError, OSError, sqlalchemy.exc.SQLAlchemyError) as error:
        console.print(f"note: could not check for interrupted runs: {type(error).__name__}: {redact_text(str(error))}",
                      markup=False)
        return Recovery()
    if recovery.runs_marked or recovery.pending:
        console.print(f"note: {recovery.runs_marked + len(recovery.pending)} run(s) found interrupted"
                      " (their process ended before they finished)")
    for leftover in [*recovery.files_removed, *recovery.tables_dropped]:
        console.print(f"note: removed {leftover}, left behind by an interrupted run", markup=False)
    return recovery


def with_pending_runs(runs: pd.DataFrame, pending: list[RunMarker]) -> pd.DataFrame:
    """The runs table of `status` with the DuckDB runs found interrupted that no session has recorded yet."""
    import pandas as pd

    if not pending:
        return runs
    rows = pd.DataFrame([
        {"run_id": None, "command": marker.command, "status": INTERRUPTED, "started_at": marker.started_at,
         "finished_at": None, "rows_loaded": None, "rows_rejected": None,
         "message": f"{WHY} (pid {marker.pid} on {marker.host}); the next run records it"}
        for marker in pending
    ])
    return pd.concat([rows, runs], ignore_index=True)


def _print_churn_model(out: Console, model: ChurnModelStatus | None) -> None:
    if model is None:
        out.print("churn model: not fitted yet (it is fitted by `cxpulse run` or `cxpulse build` with enrichment)")
        return
    summary = model.summary
    method = {"logit": "logistic regression", "rule": "rule fallback (points per warning sign)",
              "none": "not measured (no account scored)"}.get(str(summary["method"]), str(summary["method"]))
    out.print(f"churn model: {method}, fitted {summary['fitted_at']:%Y-%m-%d %H:%M} UTC (run {summary['run_id']},"
              f" {summary['model_version']})", markup=False)
    if summary.get("feature_set"):
        out.print(f"  feature set: {summary['feature_set']}", markup=False)
    if summary.get("observation_basis"):
        out.print(f"  accounts dated by: {summary['observation_basis']}", markup=False)
    if summary.get("fallback_reason"):
        why = "why the rule" if summary["method"] == "rule" else "why"
        out.print(f"  {why}: {summary['fallback_reason']}", markup=False)
    if summary.get("fit_note"):
        out.print(f"  note: {summary['fit_note']}", markup=False)
    out.print(f"  accounts: {summary['n_accounts']} scored, {summary['n_known_outcome']} with a known outcome,"
              f" {summary['n_churned']} churned; training {summary['n_train']}"
              f" ({summary['n_train_churned']} churned), test {summary['n_test']}"
              f" ({summary['n_test_churned']} churned)")
    auc = summary.get("heldout_auc")
    brier = summary.get("brier_score")
    hl_p = summary.get("hosmer_lemeshow_p")
    out.print(f"  held-out AUC: {_maybe(auc, '.3f')}; Brier score: {_maybe(brier, '.4f')};"
              f" Hosmer-Lemeshow p: {_maybe(hl_p, '.3f')}")
    out.print(_table("Churn model calibration (held-out accounts by decile of predicted risk)", model.calibration))
    if summary["method"] != "none":
        title = "Strongest odds ratios (per SD or vs the reference level)" if summary["method"] == "logit" else (
            "Rule points")
        out.print(_table(title, model.strongest))
    if model.attributes is not None and not model.attributes.empty:
        out.print(_table("Further columns of the account export (how the churn model read them)", model.attributes))


def _maybe(value: object, spec: str) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "n/a"
    return format(value, spec)


labels_app = typer.Typer(no_args_is_help=True, help="People's labels of the detectors (feedback.labels).")
app.add_typer(labels_app, name="labels")


@labels_app.command("import")
def labels_import_command(
    path: Annotated[Path, typer.Argument(help="CSV with `label` and `message_id` or `tweet_id`.")],
    source: Annotated[str | None, typer.Option(help="Mapped Twitter source the tweet ids belong to.")] = None,
    labelled_by: Annotated[str | None, typer.Option(help="Who labelled (default fixture:<file name>).")] = None,
    config: ConfigOption = None,
) -> None:
    """Import hand-labelled sentiment of customer messages into feedback.labels (ids and labels only)."""
    from etl.label_import import LabelFileError, import_labels, read_label_file
    from etl.warehouse import open_writer

    settings = _settings(config)
    try:
        labels = read_label_file(path, source)
        with open_writer(settings.warehouse_url, command="labels import") as warehouse:
            result = import_labels(warehouse, labels, labelled_by or f"fixture:{path.name}")
    except (OSError, LabelFileError, WarehouseError) as error:
        raise _fail(str(error)) from None
    except sqlalchemy.exc.SQLAlchemyError as error:
        raise _unreadable(settings.warehouse_url, error) from None
    out = Console()
    out.print(f"{result.rows_read} rows read: {result.inserted} labels added, {result.already_present} already"
              f" present, {len(result.unmatched)} matched no customer message")
    for message_id in result.unmatched[:20]:
        out.print(f"  no customer message {message_id}")
    if result.unmatched:
        raise typer.Exit(code=1)


access_app = typer.Typer(no_args_is_help=True, help="Who may see what on the database (PostgreSQL roles).")
app.add_typer(access_app, name="access")


@access_app.command("apply")
def access_apply_command(
    role_prefix: Annotated[str, typer.Option(help="Prefix of the database roles' names.")] = "cxpulse",
    config: ConfigOption = None,
) -> None:
    """Create or refresh the database roles, scopes, grants and row-level security policies from [access]
    (PostgreSQL; every build re-applies the grants and policies). docs/access.md."""
    from etl.pg_access import AccessApplyError, apply_access
    from etl.warehouse import open_writer

    settings = _settings(config)
    try:
        with open_writer(settings.warehouse_url, command="access apply") as warehouse:
            report = apply_access(warehouse, settings.access, role_prefix)
    except (AccessApplyError, WarehouseError, sqlalchemy.exc.SQLAlchemyError) as error:
        raise _fail(str(error)) from None
    out = Console()
    out.print(f"roles created: {', '.join(report.roles_created) or 'none'}", markup=False)
    out.print(f"roles already present: {', '.join(report.roles_kept) or 'none'}", markup=False)
    if report.roles_no_longer_configured:
        out.print("no longer in [access], removed from the scopes and this warehouse's grants (drop them with"
                  f" DROP ROLE when no other database uses them): {', '.join(report.roles_no_longer_configured)}",
                  markup=False)
    out.print(f"scope rows written: {report.scope_rows}")
    kinds = ", ".join(f"{count} by {kind}" for kind, count in sorted(report.tables.tables_by_kind.items()))
    out.print(f"tables with a row policy: {report.tables.tables} ({kinds or 'none built yet'})", markup=False)
    out.print(f"restricted schema: {report.tables.restricted_schema}", markup=False)


if __name__ == "__main__":
    app()
