"""Time authorized Helix calls through the in-process Twitch mock against a plain respx route.

Run from the repository root with the project's virtual environment::

    .venv/bin/python bench/mock_speed.py             # 1,000 calls, 7 repetitions, writes BENCHMARKS.md
    .venv/bin/python bench/mock_speed.py --quick     # 50 calls, 1 repetition, prints the section

Both measurements send Get Users (``GET /helix/users``) with a user access
token through one real ``httpx.Client``. The mock checks the token, scopes and
rate limit and records each call, and the plain respx route returns fixed
JSON. The target is the mock at most 3× the plain route. When the mock misses
it, or with ``--profile``, one repetition runs under cProfile and the section
lists where its time goes. ``mock_server.py`` measures requests per second
through the loopback server, ``twitchpolicy mock serve``.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import statistics
import sys
import time
from pathlib import Path

import httpx
import respx

from measure import load_average, machine_description, replace_section
from mock_profile import profile_rows

from twitchpolicy.mock.harness import TwitchMock
from twitchpolicy.mock.world import World

ROOT = Path(__file__).resolve().parent.parent
SECTION = "Mock speed (`bench/mock_speed.py`)"
URL = "https://api.twitch.tv/helix/users"
MAX_MOCK_RATIO = 3.0
# Large enough that no call of a repetition meets the rate limit (800 points a minute by default).
RATE_LIMIT = 1_000_000
FIXED_USERS = {
    "data": [{
        "id": "1000002", "login": "bot_user", "display_name": "bot_user", "type": "", "broadcaster_type": "",
        "description": "", "profile_image_url": "", "offline_image_url": "", "view_count": 0,
        "created_at": "2020-01-01T00:00:00Z",
    }]
}


def send_calls(client: httpx.Client, headers: dict[str, str], calls: int) -> float:
    """Send ``calls`` Get Users requests and return the seconds they took. Raise RuntimeError on a status other than 200."""
    start = time.perf_counter()
    for _ in range(calls):
        response = client.get(URL, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"GET {URL} returned {response.status_code}: {response.text[:200]}")
    return time.perf_counter() - start


def mock_repetition(calls: int, profiler: cProfile.Profile | None = None) -> float:
    """Time ``calls`` authorized calls through a fresh mock world. Building the world is not timed.

    A ``profiler`` is enabled around the calls only.
    """
    with TwitchMock(World(rate_limit=RATE_LIMIT)) as mock, httpx.Client() as client:
        token = mock.user_token("bot_user", ["user:read:email"])
        if profiler is not None:
            profiler.enable()
        seconds = send_calls(client, mock.headers(token), calls)
        if profiler is not None:
            profiler.disable()
        recorded = len(mock.calls.by_endpoint("get-users"))
    if recorded != calls:
        raise RuntimeError(f"the mock's call log has {recorded} Get Users calls, expected {calls}")
    return seconds


def respx_repetition(calls: int) -> float:
    """Time ``calls`` calls through a respx route that returns fixed JSON."""
    with respx.mock(assert_all_called=True) as router, httpx.Client() as client:
        route = router.get(URL).mock(return_value=httpx.Response(200, json=FIXED_USERS))
        seconds = send_calls(client, {"Authorization": "Bearer fixed", "Client-Id": "fixed"}, calls)
        if route.call_count != calls:
            raise RuntimeError(f"the respx route saw {route.call_count} calls, expected {calls}")
    return seconds


def measure_in_process(calls: int, repetitions: int) -> tuple[list[float], list[float]]:
    """Run both measurements ``repetitions`` times, alternating, after one untimed warm-up of each."""
    mock_repetition(min(calls, 20))
    respx_repetition(min(calls, 20))
    mock_times, respx_times = [], []
    for _ in range(repetitions):
        mock_times.append(mock_repetition(calls))
        respx_times.append(respx_repetition(calls))
    return mock_times, respx_times


def render_section(arguments: argparse.Namespace, mock_times: list[float], respx_times: list[float], profile: list[str] | None, load: tuple[str, str]) -> str:
    machine = machine_description()
    mock_median, respx_median = statistics.median(mock_times), statistics.median(respx_times)
    ratio = mock_median / respx_median
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    versions = f"httpx {httpx.__version__}, respx {respx.__version__}"
    lines = [
        f"`bench/mock_speed.py{' --quick' if arguments.quick else ''}`, {arguments.calls:,} calls per repetition, "
        f"median of {arguments.repetitions} repetition{'s' if arguments.repetitions != 1 else ''}, {now}.",
        "",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory']} RAM, {machine['python']}, {machine['os']}; {versions}.",
        f"- The machine was shared with other jobs: load average (1, 5, 15 min) {load[0]} at the start and {load[1]} at the end.",
        "- Each call is Get Users (`GET /helix/users`) through one `httpx.Client` in this process. The mock world is built "
        f"with a rate-limit bucket of {RATE_LIMIT:,} points, so no call gets 429; building it and issuing the token is not timed.",
        "",
        f"| route | median ms for {arguments.calls:,} calls | µs per call | min ms | max ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, times in (("twitch_mock (user access token checked, call logged)", mock_times), ("plain respx route, fixed JSON", respx_times)):
        median = statistics.median(times)
        lines.append(f"| {label} | {median * 1000:.0f} | {median * 1e6 / arguments.calls:.0f} | {min(times) * 1000:.0f} | {max(times) * 1000:.0f} |")
    verdict = "met" if ratio <= MAX_MOCK_RATIO else "not met"
    lines += ["", f"Target: the mock at most {MAX_MOCK_RATIO:.0f}× the plain respx route. Measured {ratio:.1f}×: {verdict}."]
    if profile:
        lines += ["", "### Where the mock's time goes", "", *profile]
    return "\n".join(lines)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time Helix calls through the in-process Twitch mock against a plain respx route.")
    parser.add_argument("--calls", type=int, help="calls per repetition (default 1000, 50 with --quick)")
    parser.add_argument("--repetitions", type=int, help="repetitions, of which the median is reported (default 7, 1 with --quick)")
    parser.add_argument("--profile", action="store_true", help="profile one mock repetition even when the target is met")
    parser.add_argument("--quick", action="store_true", help="smoke run that writes nothing unless --benchmarks is given")
    parser.add_argument("--benchmarks", type=Path, help="Markdown file whose section to replace (default BENCHMARKS.md at the repository root)")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing it")
    arguments = parser.parse_args(argv)
    defaults = {"calls": 50, "repetitions": 1} if arguments.quick else {"calls": 1000, "repetitions": 7}
    for name, value in defaults.items():
        if getattr(arguments, name) is None:
            setattr(arguments, name, value)
    if arguments.calls < 1 or arguments.repetitions < 1:
        parser.error("--calls and --repetitions must be at least 1")
    if arguments.benchmarks is None and not arguments.quick:
        arguments.benchmarks = ROOT / "BENCHMARKS.md"
    return arguments


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    load_before = load_average()
    mock_times, respx_times = measure_in_process(arguments.calls, arguments.repetitions)
    ratio = statistics.median(mock_times) / statistics.median(respx_times)
    print(f"mock {statistics.median(mock_times) * 1000:.0f} ms, respx {statistics.median(respx_times) * 1000:.0f} ms for {arguments.calls} calls: {ratio:.1f}×")

    profile = None
    if ratio > MAX_MOCK_RATIO or arguments.profile:
        profiler = cProfile.Profile()
        mock_repetition(arguments.calls, profiler)
        profile = profile_rows(profiler)

    section = render_section(arguments, mock_times, respx_times, profile, (load_before, load_average()))
    if arguments.no_write or arguments.benchmarks is None:
        print(section)
    else:
        replace_section(arguments.benchmarks, SECTION, section)
        print(f"wrote section {SECTION!r} of {arguments.benchmarks}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
