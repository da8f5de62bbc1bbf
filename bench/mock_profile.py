"""Profile one mock repetition with cProfile and summarise it as Markdown for ``mock_speed.py``."""

from __future__ import annotations

import cProfile
import pstats
import sysconfig
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STDLIB = sysconfig.get_paths()["stdlib"]
TOP_FUNCTIONS = 15


def package_of(filename: str) -> str:
    """Group a profiled function's file by the package a reader would blame: a twitchpolicy.mock module, httpx, respx, or the rest."""
    path = filename.replace("\\", "/")
    if "/twitchpolicy/mock/" in path:
        return "twitchpolicy.mock." + path.rsplit("/twitchpolicy/mock/", 1)[1].removesuffix(".py").replace("/", ".")
    if "/twitchpolicy/" in path:
        return "twitchpolicy (outside mock)"
    for name in ("httpx", "httpcore", "respx", "h11", "anyio"):
        if f"/{name}/" in path:
            return name
    if path.startswith(STDLIB) or path.startswith("~") or path.startswith("<"):
        return "standard library and built-ins"
    return "other"


def short_location(filename: str, line: int, function: str) -> str:
    path = filename.replace("\\", "/")
    for marker in ("/twitchpolicy/", "/site-packages/"):
        if marker in path:
            path = path.rsplit(marker, 1)[1] if marker == "/site-packages/" else "twitchpolicy/" + path.rsplit(marker, 1)[1]
            break
    else:
        path = Path(path).name if path.startswith("/") else path
    return f"{path}:{line}({function})"


def profile_rows(profiler: cProfile.Profile) -> list[str]:
    """Summarise a profile as Markdown: own time by package, the functions with most own time, and the mock's functions."""
    stats = pstats.Stats(profiler)
    entries = stats.stats  # {(file, line, function): (primitive calls, calls, own time, cumulative time, callers)}
    total = sum(entry[2] for entry in entries.values())

    by_package: dict[str, float] = defaultdict(float)
    for (filename, _line, _function), entry in entries.items():
        by_package[package_of(filename)] += entry[2]
    lines = [
        f"cProfile of the calls of one repetition (profiling slows them down, so compare shares, not times). "
        f"Own time by package, total {total:.2f} s:",
        "",
        "| package | own time s | share |",
        "|---|---:|---:|",
    ]
    for package, seconds in sorted(by_package.items(), key=lambda item: -item[1]):
        if seconds / total >= 0.01:
            lines.append(f"| {package} | {seconds:.3f} | {seconds / total:.0%} |")

    lines += ["", f"The {TOP_FUNCTIONS} functions with the most own time:", "", "| function | calls | own s | cumulative s |", "|---|---:|---:|---:|"]
    ordered = sorted(entries.items(), key=lambda item: -item[1][2])[:TOP_FUNCTIONS]
    for (filename, line, function), entry in ordered:
        lines.append(f"| `{short_location(filename, line, function)}` | {entry[1]:,} | {entry[2]:.3f} | {entry[3]:.3f} |")

    lines += ["", "Mock functions by cumulative time:", "", "| function | calls | cumulative s |", "|---|---:|---:|"]
    mock_entries = [item for item in entries.items() if "/twitchpolicy/mock/" in item[0][0].replace("\\", "/")]
    for (filename, line, function), entry in sorted(mock_entries, key=lambda item: -item[1][3])[:TOP_FUNCTIONS]:
        lines.append(f"| `{short_location(filename, line, function)}` | {entry[1]:,} | {entry[3]:.3f} |")
    return lines
