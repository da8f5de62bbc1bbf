"""Time ``twitchpolicy check`` against ruff, Semgrep and a plain parse loop on the same trees.

Run from the repository root with the project's virtual environment, after
installing the comparison tools into ``bench/.venv`` (see bench/README.md)::

    .venv/bin/python bench/check_speed.py            # 5 runs each, writes BENCHMARKS.md
    .venv/bin/python bench/check_speed.py --quick    # small trees, 1 run, writes nothing

It builds the two trees of ``trees.py`` and times, as child processes, the
median wall time and peak memory of each command. Options that the installed
twitchpolicy lacks (``--jobs``, ``--no-cache``) are detected from
``twitchpolicy check --help``, and the runs that need them are reported as not
measured. The script reports whether the speed targets are met and exits 0
either way.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from measure import Measurement, load_average, machine_description, record_run, replace_section, run_child
from speed_report import current_commit, render_section, targets

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SECTION = "Checker speed (`bench/check_speed.py`)"
SEMGREP_RULES = BENCH / "semgrep_rules.yaml"


@dataclass
class Tree:
    """One benchmark tree and the measurements taken on it."""

    name: str
    path: Path
    sizes: dict[str, int]
    build_command: str
    measurements: dict[str, Measurement] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class Tools:
    """The commands being compared and what the installed twitchpolicy supports."""

    twitchpolicy: list[str]
    ruff: str | None
    semgrep: str | None
    has_jobs: bool
    has_no_cache: bool
    versions: dict[str, str] = field(default_factory=dict)


def find_tool(name: str, explicit: str | None) -> str | None:
    """Find a comparison tool: the given path, then ``bench/.venv/bin``, then PATH."""
    if explicit:
        return explicit if Path(explicit).exists() or shutil.which(explicit) else None
    local = BENCH / ".venv" / "bin" / name
    if local.exists():
        return str(local)
    return shutil.which(name)


def tool_version(argv: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    text = (result.stdout or result.stderr).strip()
    return text.splitlines()[-1] if text else f"unknown (exit {result.returncode})"


def detect_tools(arguments: argparse.Namespace, env: dict[str, str]) -> Tools:
    script = Path(sys.executable).with_name("twitchpolicy")
    twitchpolicy = [str(script)] if script.exists() else [sys.executable, "-m", "twitchpolicy"]
    help_text = subprocess.run([*twitchpolicy, "check", "--help"], capture_output=True, text=True, env=env, check=True).stdout
    tools = Tools(
        twitchpolicy=twitchpolicy,
        ruff=find_tool("ruff", arguments.ruff),
        semgrep=None if arguments.skip_semgrep else find_tool("semgrep", arguments.semgrep),
        has_jobs="--jobs" in help_text,
        has_no_cache="--no-cache" in help_text,
    )
    tools.versions["twitchpolicy"] = tool_version([*twitchpolicy, "--version"], env)
    if tools.ruff:
        tools.versions["ruff"] = tool_version([tools.ruff, "--version"], env)
    if tools.semgrep:
        tools.versions["semgrep"] = tool_version([tools.semgrep, "--version", "--metrics=off", "--disable-version-check"], env)
    return tools


def build_tree(kind: str, out: Path, arguments: argparse.Namespace) -> Tree:
    options = ["--seed", str(arguments.seed)]
    if kind == "twitch":
        options += ["--files", str(arguments.twitch_files)]
    elif arguments.stdlib_limit is not None:
        options += ["--limit", str(arguments.stdlib_limit)]
    result = subprocess.run([sys.executable, str(BENCH / "trees.py"), kind, str(out), *options], capture_output=True, text=True, check=True)
    sizes = json.loads(result.stdout.splitlines()[-1])
    command = f"python bench/trees.py {kind} TREE {' '.join(options)}"
    return Tree(name=kind, path=out, sizes={key: sizes[key] for key in ("files", "python_files", "script_files", "lines", "bytes")}, build_command=command)


def cold_commands(tree: Tree, tools: Tools) -> dict[str, list[str]]:
    """Return the commands timed on a cold start, by label."""
    check = [*tools.twitchpolicy, "check", str(tree.path)]
    if tools.has_no_cache:
        check.append("--no-cache")
    commands: dict[str, list[str]] = {}
    if tools.has_jobs:
        commands["twitchpolicy --jobs 1"] = [*check, "--jobs", "1"]
        commands["twitchpolicy --jobs 2"] = [*check, "--jobs", "2"]
    else:
        commands["twitchpolicy"] = check
    commands["read + ast.parse"] = [sys.executable, str(BENCH / "parse_floor.py"), str(tree.path)]
    if tools.ruff:
        commands["ruff"] = [tools.ruff, "check", "--select", "E9,F", "--no-cache", str(tree.path)]
    if tools.semgrep:
        # Without a .semgrepignore file Semgrep applies a default ignore list that skips test
        # folders (Semgrep 1.187.0 then scanned 882 of the stdlib tree's 1,873 files). An empty
        # one at the tree's root makes it scan every file, like the other tools.
        (tree.path / ".semgrepignore").touch()
        commands["semgrep"] = [
            tools.semgrep, "scan", "--config", str(SEMGREP_RULES), "--metrics=off", "--disable-version-check",
            "--json", str(tree.path),
        ]
    return commands


def measure_cold(tree: Tree, tools: Tools, work: Path, env: dict[str, str], runs: int) -> None:
    """Time every cold command ``runs`` times, round robin, so drift in the machine's load hits all alike."""
    commands = cold_commands(tree, tools)
    for label, command in commands.items():
        output = work / "output" / f"{tree.name}-{re.sub(r'[^a-z0-9]+', '-', label.lower()).strip('-')}.txt"
        tree.measurements[label] = Measurement(label=label, command=command, output=output)
    for _ in range(runs):
        for label in commands:
            measurement = tree.measurements[label]
            if measurement.skipped is None:
                attempt(measurement, work, env)


def attempt(measurement: Measurement, work: Path, env: dict[str, str]) -> None:
    """Record one run. A failed run marks the command as skipped with the error, so the other tools still run."""
    try:
        record_run(measurement, work, env, accepted_exit_codes=(0, 1))
    except RuntimeError as error:
        measurement.skipped = f"failed: {error}"
        print(measurement.skipped, file=sys.stderr)


def clear_caches(tree: Tree, work: Path) -> None:
    """Remove the twitchpolicy caches that a run could have left in the tree, the work folder or XDG_CACHE_HOME."""
    for folder in (tree.path / ".twitchpolicy_cache", work / ".twitchpolicy_cache", work / "xdg-cache"):
        shutil.rmtree(folder, ignore_errors=True)


def measure_warm(tree: Tree, tools: Tools, work: Path, env: dict[str, str], runs: int) -> None:
    """Fill the cache with one untimed run, then time ``runs`` warm runs."""
    if not tools.has_no_cache:
        tree.notes.append("warm cache: not measured, because `twitchpolicy check` has no `--no-cache` option and so no cache")
        return
    command = [*tools.twitchpolicy, "check", str(tree.path)]
    if tools.has_jobs:
        command += ["--jobs", "2"]
    label = "twitchpolicy warm" + (" --jobs 2" if tools.has_jobs else "")
    measurement = Measurement(label=label, command=command, output=work / "output" / f"{tree.name}-warm.txt")
    clear_caches(tree, work)
    run_child(command, work, env, measurement.output)
    for _ in range(runs):
        if measurement.skipped is None:
            attempt(measurement, work, env)
    tree.measurements[label] = measurement
    clear_caches(tree, work)


def describe_outputs(tree: Tree, tools: Tools, env: dict[str, str]) -> None:
    """Add what each tool reported on the tree (files, findings) to the tree's notes."""
    for label, measurement in tree.measurements.items():
        text = measurement.output.read_text(encoding="utf-8", errors="replace") if measurement.output else ""
        if label.startswith("twitchpolicy"):
            match = re.search(r"(\d+) findings? in (\d+) files? scanned", text)
            if match:
                tree.notes.append(f"{label}: {match.group(1)} findings in {match.group(2)} files")
        elif label == "read + ast.parse":
            counts = json.loads(text.strip().splitlines()[-1])
            tree.notes.append(f"read + ast.parse: {counts['parsed']} files parsed, {counts['failed']} with syntax errors")
        elif label == "semgrep":
            report = json.loads(text)
            by_rule = collections.Counter(result["check_id"].rsplit(".", 1)[-1] for result in report["results"])
            rules = ", ".join(f"{rule} {count}" for rule, count in sorted(by_rule.items()))
            tree.notes.append(f"semgrep: {len(report['results'])} findings ({rules or 'none'}) in {len(report['paths']['scanned'])} files")
    if tools.ruff:
        listed = subprocess.run([tools.ruff, "check", "--show-files", "--no-cache", str(tree.path)], capture_output=True, text=True, env=env, check=False)
        tree.notes.append(f"ruff: {len([line for line in listed.stdout.splitlines() if line.strip()])} files checked")


def measure_startup(tools: Tools, work: Path, env: dict[str, str], runs: int) -> Measurement:
    measurement = Measurement(label="twitchpolicy --version", command=[*tools.twitchpolicy, "--version"], output=work / "output" / "version.txt")
    for _ in range(runs):
        record_run(measurement, work, env, accepted_exit_codes=(0,))
    return measurement


def child_environment(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["SEMGREP_ENABLE_VERSION_CHECK"] = "0"
    env["SEMGREP_SEND_METRICS"] = "off"
    env["XDG_CACHE_HOME"] = str(work / "xdg-cache")
    return env


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time twitchpolicy check against ruff, Semgrep and a plain parse loop.")
    parser.add_argument("--runs", type=int, help="timed runs per command; the median is reported (default 5, 1 with --quick)")
    parser.add_argument("--startup-runs", type=int, help="timed runs of `twitchpolicy --version` (default 30, 3 with --quick)")
    parser.add_argument("--twitch-files", type=int, help="files in the Twitch-heavy tree (default 4000, 150 with --quick)")
    parser.add_argument("--stdlib-limit", type=int, help="copy only this many standard library files (default all, 100 with --quick)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated code (default 1)")
    parser.add_argument("--quick", action="store_true", help="smoke run with small trees and single runs; writes nothing unless --benchmarks is given")
    parser.add_argument("--work", type=Path, help="folder for the trees and outputs (default: a temporary folder, removed at the end)")
    parser.add_argument("--benchmarks", type=Path, help="Markdown file whose section to replace (default BENCHMARKS.md at the repository root)")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing it")
    parser.add_argument("--ruff", help="ruff executable (default: bench/.venv/bin/ruff, then PATH)")
    parser.add_argument("--semgrep", help="semgrep executable (default: bench/.venv/bin/semgrep, then PATH)")
    parser.add_argument("--skip-semgrep", action="store_true", help="do not run Semgrep")
    arguments = parser.parse_args(argv)
    defaults = {"runs": 5, "startup_runs": 30, "twitch_files": 4000, "stdlib_limit": None}
    if arguments.quick:
        defaults = {"runs": 1, "startup_runs": 3, "twitch_files": 150, "stdlib_limit": 100}
    for name, value in defaults.items():
        if getattr(arguments, name) is None:
            setattr(arguments, name, value)
    if arguments.benchmarks is None and not arguments.quick:
        arguments.benchmarks = ROOT / "BENCHMARKS.md"
    if arguments.runs < 1 or arguments.startup_runs < 1:
        parser.error("--runs and --startup-runs must be at least 1")
    return arguments


def run(arguments: argparse.Namespace, work: Path) -> str:
    """Build the trees, take every measurement, and return the Markdown section."""
    (work / "output").mkdir(parents=True, exist_ok=True)
    env = child_environment(work)
    tools = detect_tools(arguments, env)
    load_before = load_average()
    commit = current_commit()
    startup = measure_startup(tools, work, env, arguments.startup_runs)
    trees = []
    for kind in ("stdlib", "twitch"):
        tree = build_tree(kind, work / f"tree-{kind}", arguments)
        print(f"{kind} tree: {tree.sizes['files']} files, {tree.sizes['lines']} lines", flush=True)
        measure_cold(tree, tools, work, env, arguments.runs)
        measure_warm(tree, tools, work, env, arguments.runs)
        describe_outputs(tree, tools, env)
        trees.append(tree)
    rows = targets(trees, startup, tools)
    for row in rows:
        print(f"{row.target}: {row.measured} -> {row.verdict}")
    return render_section(
        machine=machine_description(), load=(load_before, load_average()), tools=tools, trees=trees,
        startup=startup, rows=rows, runs=arguments.runs, quick=arguments.quick, commit=commit,
    )


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if arguments.semgrep is None and not arguments.skip_semgrep and find_tool("semgrep", None) is None:
        print("semgrep not found in bench/.venv/bin or on PATH, so its runs are skipped", file=sys.stderr)
    if arguments.work is not None:
        arguments.work.mkdir(parents=True, exist_ok=True)
        if any(arguments.work.iterdir()):
            print(f"check_speed.py: work folder {arguments.work} is not empty. Remove it or name another.", file=sys.stderr)
            return 2
        section = run(arguments, arguments.work)
    else:
        with tempfile.TemporaryDirectory(prefix="twitchpolicy-bench-") as folder:
            section = run(arguments, Path(folder))
    if arguments.no_write or arguments.benchmarks is None:
        print(section)
    else:
        replace_section(arguments.benchmarks, SECTION, section)
        print(f"wrote section {SECTION!r} of {arguments.benchmarks}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
