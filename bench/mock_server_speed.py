"""Measure requests per second through the loopback mock server, ``twitchpolicy mock serve``.

``mock_speed.py`` calls :func:`measure_loopback_server`. The command belongs to
another part of twitchpolicy. When the installed package lacks it, the
measurement returns a line saying so. The server prints one JSON line on
standard output when it is ready. This module takes the Helix base URL, the
OAuth URL and the default client ID and secret from whichever keys of that
line contain them.
"""

from __future__ import annotations

import json
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

START_TIMEOUT_SECONDS = 30
REPETITIONS = 3
# The mock charges one point per Helix call, and its default bucket is 800 points a minute.
CALLS_UNDER_DEFAULT_RATE_LIMIT = 700


def twitchpolicy_command() -> list[str]:
    script = Path(sys.executable).with_name("twitchpolicy")
    return [str(script)] if script.exists() else [sys.executable, "-m", "twitchpolicy"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _walk(value: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _walk(item, str(name))
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, key)
    else:
        yield key, value


def read_endpoints(ready: dict[str, Any]) -> tuple[str, str, str, str]:
    """Return (Helix base URL, token URL, client ID, client secret) from the server's ready line. Raise KeyError or StopIteration for a missing one."""
    values = list(_walk(ready))
    strings = [(key, value) for key, value in values if isinstance(value, str)]
    helix = next(value for _key, value in strings if value.startswith("http") and value.rstrip("/").endswith("/helix"))
    oauth = next((value for _key, value in strings if value.startswith("http") and "/oauth2" in value), None)
    if oauth is None:
        token_url = helix.rstrip("/").removesuffix("/helix") + "/oauth2/token"
    else:
        token_url = oauth.rstrip("/") + ("" if oauth.rstrip("/").endswith("/token") else "/token")
    client_id = next(value for key, value in strings if key == "client_id")
    client_secret = next(value for key, value in strings if key == "client_secret")
    return helix.rstrip("/"), token_url, client_id, client_secret


def _start(help_text: str, port: int, stderr_file: Any) -> tuple[subprocess.Popen[str], list[str]]:
    command = [*twitchpolicy_command(), "mock", "serve"]
    if "--host" in help_text:
        command += ["--host", "127.0.0.1"]
    if "--port" in help_text:
        command += ["--port", str(port)]
    if "--rate-limit" in help_text:
        command += ["--rate-limit", "1000000"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr_file, stdin=subprocess.DEVNULL, text=True)
    return process, command


def _ready_line(process: subprocess.Popen[str]) -> dict[str, Any]:
    assert process.stdout is not None
    readable, _, _ = select.select([process.stdout], [], [], START_TIMEOUT_SECONDS)
    if not readable:
        raise TimeoutError(f"the server printed nothing within {START_TIMEOUT_SECONDS} s")
    line = process.stdout.readline()
    if not line:
        raise RuntimeError(f"the server exited with {process.wait()} before printing its ready line")
    return json.loads(line)


def _time_requests(helix: str, token_url: str, client_id: str, client_secret: str, calls: int) -> list[float]:
    """Fetch an app access token, then time ``calls`` Get Users requests over one keep-alive connection, ``REPETITIONS`` times."""
    with httpx.Client(timeout=10) as client:
        response = client.post(token_url, data={"client_id": client_id, "client_secret": client_secret, "grant_type": "client_credentials"})
        response.raise_for_status()
        headers = {"Authorization": f"Bearer {response.json()['access_token']}", "Client-Id": client_id}
        times = []
        for _ in range(REPETITIONS):
            start = time.perf_counter()
            for _ in range(calls):
                reply = client.get(f"{helix}/users", params={"id": "1000002"}, headers=headers)
                if reply.status_code != 200:
                    raise RuntimeError(f"GET {helix}/users returned {reply.status_code}: {reply.text[:200]}")
            times.append(time.perf_counter() - start)
    return times


def measure_loopback_server(calls: int) -> list[str]:
    """Return Markdown lines with the requests per second through ``twitchpolicy mock serve``, or why it was not measured."""
    help_result = subprocess.run([*twitchpolicy_command(), "mock", "serve", "--help"], capture_output=True, text=True, check=False)
    if help_result.returncode != 0:
        return ["Not measured: the installed twitchpolicy has no `twitchpolicy mock serve` command."]
    notes = []
    if "--rate-limit" not in help_result.stdout:
        # NOTE: without a rate-limit option each repetition must stay under the default bucket.
        # The bucket may not refill between repetitions, so later ones can still get 429.
        calls = min(calls, CALLS_UNDER_DEFAULT_RATE_LIMIT)
        notes.append(f"`mock serve` has no `--rate-limit` option, so each repetition sends only {calls} calls.")

    with tempfile.TemporaryFile(mode="w+") as stderr_file:
        process, command = _start(help_result.stdout, free_port(), stderr_file)
        try:
            helix, token_url, client_id, client_secret = read_endpoints(_ready_line(process))
            times = _time_requests(helix, token_url, client_id, client_secret, calls)
        except (OSError, RuntimeError, ValueError, KeyError, StopIteration, httpx.HTTPError) as error:
            stderr_file.seek(0)
            last = (stderr_file.read().strip().splitlines() or ["no error output"])[-1]
            return [f"Not measured: `{' '.join(command[-4:])}` failed: {type(error).__name__}: {error} (server's last error line: {last})."]
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    median = statistics.median(times)
    return [
        f"`twitchpolicy mock serve` on 127.0.0.1, Get Users with an app access token over one keep-alive `httpx.Client`, "
        f"{calls:,} requests per repetition, median of {REPETITIONS}: {calls / median:,.0f} requests per second "
        f"({median * 1e6 / calls:.0f} µs per request).",
        *notes,
    ]
