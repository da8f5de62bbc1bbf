"""Compare the check_speed.py measurements with the speed targets and render them as Markdown."""

from __future__ import annotations

import datetime
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from trees import STDLIB_BOT_PACKAGES

if TYPE_CHECKING:
    from check_speed import Tools, Tree
    from measure import Measurement

ROOT = Path(__file__).resolve().parent.parent

TREE_TITLES = {"stdlib": "stdlib tree", "twitch": "Twitch-heavy tree"}

MAX_STARTUP_SECONDS = 0.150
MAX_PARSE_FLOOR_RATIO = 1.3
MIN_TWO_JOB_SPEEDUP = 1.6
MAX_WARM_SHARE = 0.25
MAX_STDLIB_PEAK_MB = 200


@dataclass
class TargetRow:
    """One speed target with its measured value and whether it was met."""

    target: str
    measured: str
    verdict: str


def _usable(tree: Tree, label: str) -> Measurement | None:
    measurement = tree.measurements.get(label)
    if measurement is None or measurement.skipped or not measurement.seconds:
        return None
    return measurement


def _verdict(met: bool) -> str:
    return "met" if met else "not met"


def _missing(*labels: str) -> str:
    return "not measured (" + ", ".join(labels) + " did not run)"


def main_check_label(tools: Tools) -> str:
    """Return the label of the cold run that uses every core, or the only cold run when there is no --jobs."""
    return "twitchpolicy --jobs 2" if tools.has_jobs else "twitchpolicy"


def single_process_label(tools: Tools) -> str:
    return "twitchpolicy --jobs 1" if tools.has_jobs else "twitchpolicy"


def targets(trees: list[Tree], startup: Measurement, tools: Tools) -> list[TargetRow]:
    """Compute every target row. A row whose inputs are missing names the run that is missing."""
    by_name = {tree.name: tree for tree in trees}
    stdlib, twitch = by_name["stdlib"], by_name["twitch"]
    rows = []

    check, ruff = _usable(stdlib, main_check_label(tools)), _usable(stdlib, "ruff")
    target = f"stdlib tree: `{main_check_label(tools)}` cold ≤ ruff wall time"
    if check and ruff:
        ratio = check.median / ruff.median
        rows.append(TargetRow(target, f"{check.median:.2f} s vs {ruff.median:.2f} s ({ratio:.1f}×)", _verdict(check.median <= ruff.median)))
    else:
        rows.append(TargetRow(target, _missing(main_check_label(tools), "ruff"), "not measured"))

    single, floor = _usable(twitch, single_process_label(tools)), _usable(twitch, "read + ast.parse")
    target = f"Twitch-heavy tree: one process ≤ {MAX_PARSE_FLOOR_RATIO}× read + ast.parse"
    if single and floor:
        ratio = single.median / floor.median
        rows.append(TargetRow(target, f"{single.median:.2f} s vs {floor.median:.2f} s ({ratio:.2f}×)", _verdict(ratio <= MAX_PARSE_FLOOR_RATIO)))
    else:
        rows.append(TargetRow(target, _missing(single_process_label(tools), "read + ast.parse"), "not measured"))

    target = f"Twitch-heavy tree: `--jobs 2` ≥ {MIN_TWO_JOB_SPEEDUP}× faster than `--jobs 1`"
    one, two = _usable(twitch, "twitchpolicy --jobs 1"), _usable(twitch, "twitchpolicy --jobs 2")
    if one and two:
        speedup = one.median / two.median
        rows.append(TargetRow(target, f"{one.median:.2f} s / {two.median:.2f} s = {speedup:.2f}×", _verdict(speedup >= MIN_TWO_JOB_SPEEDUP)))
    else:
        rows.append(TargetRow(target, "not measured (`twitchpolicy check` has no `--jobs` option)" if not tools.has_jobs else _missing("--jobs 1", "--jobs 2"), "not measured"))

    for tree in trees:
        warm_label = "twitchpolicy warm" + (" --jobs 2" if tools.has_jobs else "")
        warm, cold = _usable(tree, warm_label), _usable(tree, main_check_label(tools))
        target = f"{TREE_TITLES[tree.name]}: warm cache ≤ {MAX_WARM_SHARE:.0%} of cold"
        if warm and cold:
            share = warm.median / cold.median
            rows.append(TargetRow(target, f"{warm.median:.2f} s vs {cold.median:.2f} s ({share:.0%})", _verdict(share <= MAX_WARM_SHARE)))
        else:
            reason = "not measured (`twitchpolicy check` has no `--no-cache` option)" if not tools.has_no_cache else _missing(warm_label)
            rows.append(TargetRow(target, reason, "not measured"))

    peaks = [measurement for label, measurement in stdlib.measurements.items() if label.startswith("twitchpolicy") and "warm" not in label and measurement.seconds]
    target = f"stdlib tree: peak memory ≤ {MAX_STDLIB_PEAK_MB} MB"
    if peaks:
        peak_mb = max(max(measurement.peak_rss_kib) for measurement in peaks) * 1024 / 1e6
        rows.append(TargetRow(target, f"{peak_mb:.0f} MB (largest process, cold runs)", _verdict(peak_mb <= MAX_STDLIB_PEAK_MB)))
    else:
        rows.append(TargetRow(target, _missing("twitchpolicy on the stdlib tree"), "not measured"))

    target = f"`twitchpolicy --version` < {MAX_STARTUP_SECONDS * 1000:.0f} ms"
    rows.append(TargetRow(target, f"{startup.median * 1000:.0f} ms", _verdict(startup.median < MAX_STARTUP_SECONDS)))
    return rows


def _display(command: list[str], tree: Tree | None) -> str:
    """Show a command with the tree path as TREE, repository files relative to the root and executables by name."""
    words = []
    for index, word in enumerate(command):
        path = Path(word)
        if tree is not None and word == str(tree.path):
            words.append("TREE")
        elif index == 0 and path.is_absolute():
            words.append("python" if word == sys.executable else path.name)
        elif path.is_absolute() and path.is_relative_to(ROOT):
            words.append(path.relative_to(ROOT).as_posix())
        else:
            words.append(word)
    return " ".join(words)


def _version_text(name: str, version: str) -> str:
    return version if version.lower().startswith(name) else f"{name} {version}"


def current_commit() -> str:
    """Return the short commit hash of the repository that contains this script, or "unknown"."""
    result = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    return result.stdout.strip() or "unknown"


def render_section(*, machine: dict[str, str], load: tuple[str, str], tools: Tools, trees: list[Tree], startup: Measurement, rows: list[TargetRow], runs: int, quick: bool, commit: str) -> str:
    """Render the BENCHMARKS.md section: machine, tools, trees, commands, results and targets."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"`bench/check_speed.py{' --quick' if quick else ''}`, median of {runs} run{'s' if runs != 1 else ''} per command, "
        f"{now}, repository at commit {commit}.",
        "",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory']} RAM, "
        f"{machine['python']}, {machine['os']} (kernel {machine['kernel']}).",
        f"- The machine was shared with other jobs: load average (1, 5, 15 min) {load[0]} at the start and {load[1]} at the end, "
        "so single numbers can be off by tens of percent.",
        "- Tools: " + ", ".join(_version_text(name, version) for name, version in tools.versions.items())
        + ("" if tools.semgrep else ", Semgrep skipped (not installed or `--skip-semgrep`)") + ".",
        f"- twitchpolicy options found: `--jobs` {'yes' if tools.has_jobs else 'no'}, `--no-cache` {'yes' if tools.has_no_cache else 'no'}.",
        "- Wall time is measured around each child process. Peak memory is `ru_maxrss` of that child from `os.wait4`, "
        "which on Linux is the largest single process among the child and its waited-for descendants, so process-pool workers are not summed.",
        "",
        "### Trees",
        "",
        "The stdlib tree contains only the `.py` and `.pyi` files of the standard library (no `site-packages`, test data "
        f"or other non-source files) plus {STDLIB_BOT_PACKAGES} generated bot packages in `twitch_bots/`. "
        "The Twitch-heavy tree contains only generated bots.",
        "",
        "| tree | files | Python files | JavaScript and TypeScript files | lines | bytes | built with |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for tree in trees:
        sizes = tree.sizes
        lines.append(f"| {TREE_TITLES[tree.name]} | {sizes['files']:,} | {sizes['python_files']:,} | {sizes['script_files']:,} | {sizes['lines']:,} | {sizes['bytes']:,} | `{tree.build_command}` |")

    for tree in trees:
        lines += ["", f"### Results on the {TREE_TITLES[tree.name]}", "", "| command | median s | min s | max s | peak MB |", "|---|---|---:|---:|---:|"]
        for label, measurement in tree.measurements.items():
            command = _display(measurement.command, tree)
            if measurement.skipped or not measurement.seconds:
                lines.append(f"| `{command}` | {measurement.skipped or 'no runs'} | | | |")
                continue
            peak_mb = max(measurement.peak_rss_kib) * 1024 / 1e6
            lines.append(f"| `{command}` | {measurement.median:.3f} | {min(measurement.seconds):.3f} | {max(measurement.seconds):.3f} | {peak_mb:.0f} |")
        if tree.notes:
            lines.append("")
            lines += [f"- {note}" for note in tree.notes]

    peak_mb = max(startup.peak_rss_kib) * 1024 / 1e6
    lines += [
        "",
        f"`{_display(startup.command, None)}`: median {startup.median * 1000:.0f} ms over {len(startup.seconds)} runs, peak {peak_mb:.0f} MB.",
        "",
        "### Targets",
        "",
        "| target | measured | result |",
        "|---|---|---|",
    ]
    lines += [f"| {row.target} | {row.measured} | {row.verdict} |" for row in rows]
    return "\n".join(lines)
