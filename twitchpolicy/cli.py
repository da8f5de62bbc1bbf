"""Command line: ``twitchpolicy check``, ``explain``, ``scopes``, ``endpoints``, ``eventsub``, ``policy validate``, ``rules`` and ``replay``."""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from typing import TYPE_CHECKING

import click

from twitchpolicy import __version__

if TYPE_CHECKING:
    from twitchpolicy.cache import Cache
    from twitchpolicy.config import Config
    from twitchpolicy.registry import Endpoint, Registry
    from twitchpolicy.scan import ScanResult

# The commands import the registry, scanners and rules when they run, so that
# "twitchpolicy --version" and "--help" start without loading them.

# The keys of twitchpolicy.formats.RENDERERS, written out so that --help need not import the renderers.
FORMATS = ("text", "json", "json-lines", "sarif", "github", "gitlab", "junit")
EXIT_FINDINGS = 1
EXIT_USAGE = 2
METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")
ENDPOINT_COLUMNS = ("id", "method", "path", "tokens", "scopes", "status")
# SCOPES comes last because channel.moderate's requirement is hundreds of characters long.
EVENTSUB_COLUMNS = ("type", "version", "status", "authorizer", "transports", "app_grants", "scopes")

policy_option = click.option(
    "--policy",
    "policy_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Extra policy file (YAML) that adds or overrides endpoints, EventSub types and scopes, or adds an SDK map. Repeatable.",
)


def _fail(message: str) -> None:
    click.echo(f"twitchpolicy: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _registry(policy_files: Sequence[str]) -> Registry:
    from twitchpolicy.policyfile import PolicyError
    from twitchpolicy.registry import load_registry

    try:
        return load_registry(policy_files)
    except PolicyError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(EXIT_USAGE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="twitchpolicy")
def main() -> None:
    """Check Twitch API calls against the registry of endpoints, token kinds and scopes."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format: text, json, json-lines (one object per finding), sarif (SARIF 2.1.0), github (workflow annotations), "
    "gitlab (Code Quality report) or junit (JUnit XML).",
)
@click.option("-o", "--output-file", type=click.Path(dir_okay=False), metavar="FILE", help="Write the report to FILE instead of standard output.")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule instead of the findings (text or json format).")
@click.option("--exit-zero", is_flag=True, help="Exit with 0 even when there are findings; usage and configuration errors still exit with 2.")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour text output. auto: only on a terminal, off when NO_COLOR is set, on when FORCE_COLOR is set.",
)
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False), metavar="FILE", help="Hide the findings recorded in this baseline file and report how many were hidden.")
@click.option("--write-baseline", "write_baseline_file", type=click.Path(dir_okay=False), metavar="FILE", help="Record the current findings in FILE as a baseline and exit with 0.")
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Skip files and folders whose name or path matches this glob, such as 'tests' or '*/mocks/*'. Repeatable; adds to the configuration's exclude.",
)
@click.option("--select", "select", multiple=True, metavar="CODE", help="Report only these rules: a code, a code prefix such as TP3, a rule name, or ALL. Repeatable; replaces the configuration's select.")
@click.option("--ignore", "ignore", multiple=True, metavar="CODE", help="Do not report these rules (code, prefix or name). Repeatable; adds to the configuration's ignore.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE", help="Configuration file (pyproject.toml or twitchpolicy.toml). Default: the nearest one above the first PATH.")
@click.option("--verbose", "-v", is_flag=True, help="Also list the Helix calls whose token kind is unknown, and print to stderr what the scan skipped.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Number of processes that analyse Python files. Default: the number of CPUs; 1 analyses in this process only.",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the .twitchpolicy_cache folder of earlier results.")
@policy_option
def check(
    paths: tuple[str, ...],
    output_format: str,
    output_file: str | None,
    statistics: bool,
    exit_zero: bool,
    color: str,
    baseline_file: str | None,
    write_baseline_file: str | None,
    exclude: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: str | None,
    verbose: bool,
    jobs: int | None,
    no_cache: bool,
    policy_files: tuple[str, ...],
) -> None:
    """Scan PATHS for Twitch API calls and report misuse.

    Exit status: 0 when clean, 1 with findings, 2 on a usage or configuration error.
    The scanned code is parsed, never imported or run.
    """
    from twitchpolicy.baseline import BaselineError, apply_baseline, write_baseline
    from twitchpolicy.checker import run_checks
    from twitchpolicy.config import valid_selector
    from twitchpolicy.fingerprint import fingerprints as fingerprint_findings
    from twitchpolicy.loader import use_parse_cache
    from twitchpolicy.formats import RENDERERS, STATISTICS_RENDERERS, Report
    from twitchpolicy.output import color_enabled
    from twitchpolicy.scan import ScanPathError, scan_paths

    if statistics and output_format not in STATISTICS_RENDERERS:
        _fail(f"--statistics works with --format text or json, not {output_format}")
    if baseline_file is not None and write_baseline_file is not None:
        _fail("--baseline and --write-baseline cannot be combined; --write-baseline records every current finding")
    recorded = _read_baseline(baseline_file) if baseline_file is not None else None
    # The scan allocates millions of short-lived AST nodes. A higher first-generation
    # threshold, as mypy sets for the same reason, saves about 15% of a large run.
    gc.set_threshold(100_000, 50, 100)
    config = _config(config_file, paths)
    # Like ruff, --select and --ignore take comma-separated lists as well as repeated options.
    select = tuple(part.strip() for value in select for part in value.split(",") if part.strip())
    ignore = tuple(part.strip() for value in ignore for part in value.split(",") if part.strip())
    for option, values in (("--select", select), ("--ignore", ignore)):
        for value in values:
            if not valid_selector(value):
                _fail(f"invalid value for {option}: {value!r} is not a rule code, code prefix or rule name; run 'twitchpolicy rules'")
    if select:
        config = replace(config, select=select, extend_select=())
    config = replace(config, ignore=config.ignore + ignore)
    cache = None if no_cache else _open_cache(config, paths, config.policy + policy_files)
    use_parse_cache(cache)
    registry = _registry(config.policy + policy_files)
    try:
        result = scan_paths(paths, _config_excludes(config) + exclude, registry, jobs=jobs or os.cpu_count() or 1, cache=cache)
    except ScanPathError as error:
        _fail(str(error))
    if verbose:
        _print_scan_summary(result)
    outcome = run_checks(registry, result, config)
    findings = outcome.findings
    fingerprints = fingerprint_findings(findings, result.sources)
    if write_baseline_file is not None:
        try:
            write_baseline(write_baseline_file, findings, fingerprints)
        except BaselineError as error:
            _fail(str(error))
        noun = "finding" if len(findings) == 1 else "findings"
        click.echo(f"Wrote {len(findings)} {noun} to baseline {write_baseline_file}.")
        sys.exit(0)

    hidden = 0
    if recorded is not None:
        filtered = apply_baseline(findings, fingerprints, recorded)
        findings, fingerprints, hidden = filtered.findings, filtered.fingerprints, filtered.hidden
    use_color = output_format == "text" and color_enabled(color, output_file is None and sys.stdout.isatty(), os.environ)
    report = Report(
        findings=findings,
        fingerprints=fingerprints,
        files=sorted(set(result.paths) | {problem.path for problem in result.problems}),
        files_scanned=result.files_scanned,
        unverified=outcome.unverified,
        verbose=verbose,
        color=use_color,
        baseline=baseline_file,
        hidden=hidden,
    )
    renderers = STATISTICS_RENDERERS if statistics else RENDERERS
    _deliver(renderers[output_format](report), output_file, use_color)
    if baseline_file is not None and (output_format not in ("text", "json", "sarif") or statistics and output_format == "json"):
        # These formats have no place for the count, so it goes to standard error, which CI logs keep.
        click.echo(f"twitchpolicy: {hidden} {'finding' if hidden == 1 else 'findings'} hidden by baseline {baseline_file}", err=True)
    sys.exit(EXIT_FINDINGS if findings and not exit_zero else 0)


def _read_baseline(path: str) -> frozenset[str]:
    from twitchpolicy.baseline import BaselineError, read_baseline

    try:
        return read_baseline(path)
    except BaselineError as error:
        _fail(str(error))
    raise AssertionError("unreachable")


def _deliver(text: str, output_file: str | None, color: bool) -> None:
    """Write the report to ``output_file``, or to standard output when there is none."""
    from twitchpolicy.output import escape_surrogates

    text = escape_surrogates(text)
    if output_file is None:
        # click.echo strips ANSI codes from output that is not a terminal unless color=True.
        click.echo(text, nl=False, color=True if color else None)
        return
    from twitchpolicy.output import OutputError, write_output_file

    try:
        write_output_file(output_file, text)
    except OutputError as error:
        _fail(str(error))


def _open_cache(config: Config, paths: Sequence[str], policy_files: Sequence[str]) -> Cache | None:
    """Open the cache next to the configuration file, else at the project root above the first path."""
    from twitchpolicy.cache import CACHE_DIR, Cache, code_key, project_root, run_key, unusable_reason

    if not paths or not Path(paths[0]).exists():
        return None
    root = config.path.parent if config.path is not None else project_root(paths[0])
    reason = unusable_reason(root / CACHE_DIR)
    if reason is not None:
        click.echo(f"twitchpolicy: warning: running without the cache: {reason}", err=True)
        return None
    return Cache(root / CACHE_DIR, run_key(policy_files, config), code_key())


def _print_scan_summary(result: ScanResult) -> None:
    """Print to stderr what discovery skipped and how many files the pre-filter let through to the parsers."""
    skipped = result.skipped.summary()
    if skipped is not None:
        click.echo(f"twitchpolicy: {skipped}", err=True)
    click.echo(
        f"twitchpolicy: parsed {result.files_parsed} of {result.files_scanned} files; "
        "the pre-filter left out the files that neither name Twitch nor share imports with one that does",
        err=True,
    )


def _config_excludes(config: Config) -> tuple[str, ...]:
    """Return the configuration's exclude globs, each also anchored at the configuration file's folder.

    The anchored glob is absolute, so it matches whichever folder the check runs from
    and whether the paths to check are given relative or absolute.
    """
    import glob

    if config.path is None:
        return config.exclude
    folder = glob.escape(Path(os.path.abspath(config.path.parent)).as_posix())
    anchored = tuple(os.path.normpath(f"{folder}/{pattern}") for pattern in config.exclude if not os.path.isabs(pattern))
    return config.exclude + anchored


def _config(config_file: str | None, paths: Sequence[str]) -> Config:
    from twitchpolicy.config import Config, ConfigError, find_config, load_config

    try:
        if config_file is not None:
            return load_config(Path(config_file))
        start = Path(paths[0]) if paths and Path(paths[0]).exists() else Path.cwd()
        found = find_config(start)
        return load_config(found) if found is not None else Config()
    except ConfigError as error:
        _fail(str(error))
    raise AssertionError("unreachable")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--authorize-url",
    nargs=2,
    metavar="CLIENT_ID REDIRECT_URI",
    help="Also print an authorization code flow URL for this client ID and redirect URI that requests exactly these scopes.",
)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files and folders whose name or path matches this glob. Repeatable.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE", help="Configuration file. Default: the nearest one above the first PATH.")
@policy_option
def scopes(
    paths: tuple[str, ...],
    authorize_url: tuple[str, str] | None,
    output_format: str,
    exclude: tuple[str, ...],
    config_file: str | None,
    policy_files: tuple[str, ...],
) -> None:
    """Print the minimal scope set that the Helix calls in PATHS need, with the endpoints that need each scope."""
    from twitchpolicy.privilege import authorize_url as build_authorize_url
    from twitchpolicy.privilege import minimal_scopes
    from twitchpolicy.scan import ScanPathError, scan_paths

    config = _config(config_file, paths)
    registry = _registry(config.policy + policy_files)
    try:
        result = scan_paths(paths, _config_excludes(config) + exclude, registry)
    except ScanPathError as error:
        _fail(str(error))
    needs = minimal_scopes(registry, result)
    url = build_authorize_url(authorize_url[0], authorize_url[1], [need.scope for need in needs]) if authorize_url else None
    if output_format == "json":
        document = {"scopes": [{"scope": need.scope, "endpoints": list(need.endpoints), "calls": list(need.calls)} for need in needs]}
        if url is not None:
            document["authorize_url"] = url
        click.echo(json.dumps(document, indent=2))
        return
    if not needs:
        click.echo("No scopes needed: no call in these paths needs a scope.")
    width = max((len(need.scope) for need in needs), default=0)
    for need in needs:
        click.echo(f"{need.scope.ljust(width)}  {'; '.join(need.endpoints)}  [{', '.join(need.calls)}]")
    if url is not None:
        click.echo(f"\nAuthorize URL:\n{url}")


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Print what rule CODE (a code such as TP201, or a name) reports and why, with a bad and a good example."""
    from twitchpolicy.rules import rule_for

    rule = rule_for(code)
    if rule is None:
        _fail(f"unknown rule {code!r}; run 'twitchpolicy rules' to list them")
    click.echo(f"{rule.code} {rule.name} ({rule.severity})\n")
    click.echo(f"{rule.summary}\n")
    click.echo(f"Why: {rule.rationale}\n")
    click.echo(f"Fix: {rule.fix}\n")
    click.echo("Bad:")
    click.echo(_indent(rule.bad))
    click.echo("\nGood:")
    click.echo(_indent(rule.good))


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


# ---------------------------------------------------------------- endpoints


def _accepts(endpoint: Endpoint, token: str) -> bool:
    kinds = endpoint.auth.token_kinds
    if token == "either":
        return "app" in kinds and "user" in kinds
    return token in kinds


def _matches_search(endpoint: Endpoint, text: str) -> bool:
    haystack = " ".join([endpoint.id, endpoint.name, endpoint.category, endpoint.path]).lower()
    return all(word in haystack for word in text.lower().split())


@main.group(invoke_without_command=True)
@click.option("--token", type=click.Choice(["app", "user", "either", "jwt", "none"]), help="Keep endpoints that accept this token kind; 'either' keeps those that accept both app and user access tokens.")
@click.option("--scope", help="Keep endpoints that require, accept or unlock fields with this scope.")
@click.option("--status", type=click.Choice(["live", "beta", "deprecated", "removed"]), help="Keep endpoints with this status.")
@click.option("--search", "search_text", metavar="TEXT", help="Keep endpoints whose id, name, category or path contains every word of TEXT.")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True, help="Output format.")
@policy_option
@click.pass_context
def endpoints(ctx: click.Context, token: str | None, scope: str | None, status: str | None, search_text: str | None, output_format: str, policy_files: tuple[str, ...]) -> None:
    """List Helix endpoints from the registry, filtered by token kind, scope, status or text."""
    from twitchpolicy.describe import endpoint_summary

    ctx.ensure_object(dict)
    ctx.obj["policy_files"] = policy_files
    if ctx.invoked_subcommand is not None:
        return
    registry = _registry(policy_files)
    if scope is not None and scope not in registry.scopes:
        _fail(f"invalid value for --scope: unknown scope {scope!r}; run 'twitchpolicy endpoints --search' or see the scopes in policy/scopes.yaml")
    selected = [
        endpoint
        for endpoint in registry.endpoints
        if (token is None or _accepts(endpoint, token))
        and (scope is None or scope in endpoint.scope_names())
        and (status is None or endpoint.status == status)
        and (search_text is None or _matches_search(endpoint, search_text))
    ]
    selected.sort(key=lambda endpoint: (endpoint.path, METHOD_ORDER.index(endpoint.method)))
    rows = [endpoint_summary(endpoint) for endpoint in selected]
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    _print_table(rows, ENDPOINT_COLUMNS, "endpoint")


def _print_table(rows: list[dict[str, object]], columns: tuple[str, ...], noun: str) -> None:
    """Print ``columns`` of ``rows`` as aligned text, then the row count as ``N <noun>s``."""
    cells = [[_cell(row[column]) for column in columns] for row in rows]
    widths = [max([len(column)] + [len(line[index]) for line in cells]) for index, column in enumerate(columns)]
    click.echo("  ".join(column.upper().ljust(width) for column, width in zip(columns, widths)).rstrip())
    for line in cells:
        click.echo("  ".join(value.ljust(width) for value, width in zip(line, widths)).rstrip())
    click.echo(f"{len(rows)} {noun}{'s' if len(rows) != 1 else ''}")


def _cell(value: object) -> str:
    """Render a table cell: lists joined by commas, app grants as their scopes, and None as empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(item["scopes"] if isinstance(item, dict) else str(item) for item in value)
    return str(value)


@endpoints.command("show")
@click.argument("target")
@click.pass_context
def endpoints_show(ctx: click.Context, target: str) -> None:
    """Print everything the registry has on one endpoint: TARGET is an id or "METHOD URL"."""
    from twitchpolicy.describe import format_endpoint, format_kraken, format_oauth, format_unverified
    from twitchpolicy.registry import KrakenEndpoint, OAuthEndpoint, UnverifiedEndpoint

    registry = _registry(ctx.obj["policy_files"])
    entry = registry.endpoint(target.strip().lower()) or registry.unverified_endpoint(target.strip().lower())
    if entry is None:
        parts = target.split(None, 1)
        if len(parts) == 2:
            entry = registry.lookup(parts[0], parts[1].strip()).entry
    if entry is None:
        _fail(f"endpoint not found: {target!r}; use an id such as 'get-users' or a method and URL such as 'GET /helix/users'")
    if isinstance(entry, UnverifiedEndpoint):
        click.echo(format_unverified(entry))
    elif isinstance(entry, KrakenEndpoint):
        click.echo(format_kraken(registry, entry))
    elif isinstance(entry, OAuthEndpoint):
        click.echo(format_oauth(registry, entry))
    else:
        click.echo(format_endpoint(registry, entry))


# ---------------------------------------------------------------- eventsub


@main.command("eventsub")
@click.option("--scope", help="Keep subscription types that require this scope, need it with an app access token, or gain event fields from it.")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True, help="Output format.")
@policy_option
def eventsub(scope: str | None, output_format: str, policy_files: tuple[str, ...]) -> None:
    """List EventSub subscription types with their status, scopes and the condition field of the user who grants them.

    APP_GRANTS are the further scopes needed when an app access token creates the
    subscription (webhook and conduit transports). An empty TRANSPORTS cell means any.
    """
    from twitchpolicy.describe import eventsub_summary

    registry = _registry(policy_files)
    if scope is not None and scope not in registry.scopes:
        _fail(f"invalid value for --scope: unknown scope {scope!r}; see the scopes in policy/scopes.yaml")
    selected = [entry for entry in registry.eventsub_types.values() if scope is None or scope in entry.scope_names()]
    selected.sort(key=lambda entry: (entry.type, entry.version))
    rows = [eventsub_summary(entry) for entry in selected]
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    _print_table(rows, EVENTSUB_COLUMNS, "subscription type")


# ---------------------------------------------------------------- policy


@main.group()
def policy() -> None:
    """Work with policy files."""


@policy.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def policy_validate(files: tuple[str, ...]) -> None:
    """Check policy FILES against the schema and the bundled registry.

    Prints one line per problem, FILE:LINE: field.path: message, and exits with 2 if there is any.
    """
    from twitchpolicy.policyfile import PolicyError
    from twitchpolicy.registry import load_registry

    try:
        load_registry(files, validate_bundled=True)
    except PolicyError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(EXIT_USAGE)
    for file in files:
        click.echo(f"{file}: valid")


@main.command("rules")
def list_rules() -> None:
    """List the rules of 'twitchpolicy check' with their codes, names and default severity."""
    from twitchpolicy.rules import RULES

    for rule in RULES:
        click.echo(f"{rule.code}  {rule.name:<30} {rule.severity:<8} {rule.summary}")


# ---------------------------------------------------------------- replay


@main.command("replay")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format of the results.")
def replay(paths: tuple[str, ...], output_format: str) -> None:
    """Run scenario files against a fresh in-process mock Twitch and report each step.

    PATHS are scenario files, or folders searched for *.twitch.yaml and *.twitch.yml.
    Exit status: 0 when every step passes, 1 when a step fails, 2 when a file is
    missing or invalid (one line per file, naming its line and field).
    """
    from twitchpolicy.mock.replay_cli import replay_paths

    sys.exit(replay_paths(paths, output_format))


# ---------------------------------------------------------------- mock


@main.group()
def mock() -> None:
    """Run the mock Twitch outside pytest."""


@mock.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to listen on (127.0.0.1, ::1 or localhost). Other addresses are rejected.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True, help="TCP port; 0 picks a free port, which the JSON line reports.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the world's users, ids and counts.")
@click.option("--clock", type=click.Choice(["fixed", "wall"]), default="fixed", show_default=True, help="Start of the mock clock: 2026-01-01T00:00:00Z, or the wall-clock time.")
@click.option("--rate-limit", type=click.IntRange(min=1), default=800, show_default=True, help="Size of each rate-limit bucket, in points (calls) a minute of the mock clock.")
@click.option("--consenting-user", default="bot_user", show_default=True, metavar="LOGIN", help="User who signs in and approves at GET /oauth2/authorize.")
@click.option("--deny", is_flag=True, help="Make GET /oauth2/authorize redirect with error=access_denied.")
@click.option("--redirect-uri", "redirect_uris", multiple=True, metavar="URI", help="Register another redirect URI for the default client. Repeatable.")
def mock_serve(host: str, port: int, seed: int, clock: str, rate_limit: int, consenting_user: str, deny: bool, redirect_uris: tuple[str, ...]) -> None:
    """Serve the mock Helix API and OAuth server over HTTP on a loopback address.

    Prints one JSON line on stdout (helix_url, oauth_url, client_id, client_secret,
    redirect_uris, app_token, consenting_user, consent, host, port, seed), then logs
    each request to stderr until Ctrl-C or SIGTERM.
    """
    from twitchpolicy.mock.serve_command import build_world, log_to, serve_until_signal
    from twitchpolicy.mock.server import MockServer, ServerError

    try:
        world = build_world(seed, clock, rate_limit, consenting_user, deny, redirect_uris)
    except KeyError as error:
        _fail(f"invalid value for --consenting-user: {error.args[0]}")
    except ValueError as error:
        _fail(f"invalid value for --redirect-uri: {error}")
    try:
        server = MockServer(world, host=host, port=port)
        log_to(sys.stderr)
        serve_until_signal(server, seed)
    except ServerError as error:
        _fail(str(error))
    click.echo("twitchpolicy: mock server stopped", err=True)
