"""Time child processes, describe the machine, and rewrite one section of BENCHMARKS.md.

Shared by ``check_speed.py`` and ``mock_speed.py``.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Measurement:
    """The wall times, peak memory and exit statuses of repeated runs of one command."""

    label: str
    command: list[str]
    seconds: list[float] = field(default_factory=list)
    peak_rss_kib: list[int] = field(default_factory=list)
    exit_codes: list[int] = field(default_factory=list)
    output: Path | None = None
    skipped: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mib(self) -> float:
        return max(self.peak_rss_kib) / 1024


def run_child(argv: list[str], cwd: Path, env: dict[str, str], output: Path) -> tuple[float, int, int]:
    """Run one command to completion and return (wall seconds, peak RSS in KiB, exit code).

    The peak RSS is ``ru_maxrss`` from ``os.wait4`` on this child alone. Linux
    counts the child's waited-for descendants in it too, but as the largest
    single process, so the workers of a process pool are not added up.
    Standard output goes to ``output``, standard error to ``output`` with a
    ``.stderr`` suffix.
    """
    with open(output, "wb") as stdout, open(output.with_suffix(output.suffix + ".stderr"), "wb") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    exit_code = os.waitstatus_to_exitcode(status)
    process.returncode = exit_code  # os.wait4 reaped the child, so Popen must not wait for it again
    return seconds, usage.ru_maxrss, exit_code


def record_run(measurement: Measurement, cwd: Path, env: dict[str, str], accepted_exit_codes: tuple[int, ...]) -> None:
    """Run the measurement's command once and append its numbers. Raise RuntimeError on an unexpected exit code."""
    assert measurement.output is not None
    seconds, peak, exit_code = run_child(measurement.command, cwd, env, measurement.output)
    if exit_code not in accepted_exit_codes:
        error_text = measurement.output.with_suffix(measurement.output.suffix + ".stderr").read_text(errors="replace")
        last_line = error_text.strip().splitlines()[-1] if error_text.strip() else "no error output"
        raise RuntimeError(f"{measurement.label} exited with {exit_code}: {last_line} (command: {' '.join(measurement.command)})")
    measurement.seconds.append(seconds)
    measurement.peak_rss_kib.append(peak)
    measurement.exit_codes.append(exit_code)


def _first_value(path: str, key: str) -> str | None:
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    for line in lines:
        name, _, value = line.partition(":") if ":" in line else line.partition("=")
        if name.strip() == key:
            return value.strip().strip('"')
    return None


def machine_description() -> dict[str, str]:
    """Describe the CPU, core count, memory, Python and OS from /proc and /etc/os-release (Linux)."""
    memory_kib = _first_value("/proc/meminfo", "MemTotal")
    memory = f"{int(memory_kib.split()[0]) / 1024 / 1024:.1f} GiB" if memory_kib else "unknown"
    return {
        "cpu": _first_value("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "cores": str(os.cpu_count()),
        "memory": memory,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": _first_value("/etc/os-release", "PRETTY_NAME") or platform.platform(),
        "kernel": platform.release(),
    }


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def replace_section(path: Path, heading: str, body: str) -> None:
    """Replace the ``## heading`` section of a Markdown file with ``body``, or append it.

    A section runs from its heading to the next level-two heading or the end of
    the file, so the other sections stay as they are.
    """
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    lines = text.splitlines(keepends=True)
    title = f"## {heading}\n"
    new_section = [title, "\n", *(line + "\n" for line in body.strip("\n").split("\n"))]
    if title in lines:
        start = lines.index(title)
        end = next((index for index in range(start + 1, len(lines)) if lines[index].startswith("## ")), len(lines))
        if end < len(lines):
            new_section.append("\n")
        lines[start:end] = new_section
    else:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines += ["\n", *new_section]
    path.write_text("".join(lines), encoding="utf-8")
