"""Measure requests per second through ``twitchpolicy mock serve`` on a loopback port.

Run from the repository root: ``python bench/mock_server.py``. It starts the
command as a subprocess with ``--port 0`` and reads the URLs and the app access
token from its first stdout line. Then it sends authorized Get Users calls
(``GET /helix/users?login=mock_streamer``) with keep-alive clients. An httpx
client and a requests session send one request at a time, and
``--concurrency`` httpx.AsyncClient tasks send at once. For comparison it also times
``World.handle`` for the same call in-process, with no HTTP. Each figure is the
median of ``--repeat`` runs of ``--calls`` calls.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import httpx
import requests

from twitchpolicy.mock import World


def median_rate(run: Callable[[], int], repeat: int) -> float:
    """Return the median of ``repeat`` runs of calls per second; ``run`` returns how many calls it made."""
    rates = []
    for _ in range(repeat):
        start = time.perf_counter()
        calls = run()
        rates.append(calls / (time.perf_counter() - start))
    return statistics.median(rates)


def check(status: int) -> None:
    if status != 200:
        raise SystemExit(f"a call returned status {status}, expected 200; the measurement would time errors")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000, help="calls per run (default 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (default 5)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent async tasks (default 8)")
    options = parser.parse_args()

    # Every call spends a rate-limit point and the mock clock never moves, so the bucket must hold them all.
    total_calls = options.calls * (options.repeat + 1) * 3
    command = [sys.executable, "-m", "twitchpolicy", "mock", "serve", "--port", "0", "--rate-limit", str(total_calls)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        info = json.loads(server.stdout.readline())
        url = f"{info['helix_url']}/users?login=mock_streamer"
        headers = {"Authorization": f"Bearer {info['app_token']}", "Client-Id": info["client_id"]}

        with httpx.Client(headers=headers) as client:

            def httpx_run() -> int:
                for _ in range(options.calls):
                    check(client.get(url).status_code)
                return options.calls

            httpx_run()
            httpx_rate = median_rate(httpx_run, options.repeat)

        with requests.Session() as session:
            session.headers.update(headers)

            def requests_run() -> int:
                for _ in range(options.calls):
                    check(session.get(url).status_code)
                return options.calls

            requests_run()
            requests_rate = median_rate(requests_run, options.repeat)

        async def concurrent_run() -> int:
            async with httpx.AsyncClient(headers=headers) as client:

                async def worker(count: int) -> None:
                    for _ in range(count):
                        check((await client.get(url)).status_code)

                share = options.calls // options.concurrency
                await asyncio.gather(*(worker(share) for _ in range(options.concurrency)))
                return share * options.concurrency

        async_rate = median_rate(lambda: asyncio.run(concurrent_run()), options.repeat)
    finally:
        server.terminate()
        server.wait()

    world = World(rate_limit=total_calls)
    token = world.app_token().access_token
    world_headers = {"Authorization": f"Bearer {token}", "Client-Id": world.client.client_id}

    def world_run() -> int:
        for _ in range(options.calls):
            check(world.handle("GET", "https://api.twitch.tv/helix/users?login=mock_streamer", world_headers)[0])
        return options.calls

    world_rate = median_rate(world_run, options.repeat)

    print(f"Get Users, {options.calls} calls per run, median of {options.repeat} runs, calls per second:")
    print(f"  httpx.Client, one at a time:          {httpx_rate:8.0f}")
    print(f"  requests.Session, one at a time:      {requests_rate:8.0f}")
    print(f"  httpx.AsyncClient, {options.concurrency:2d} tasks at once:   {async_rate:8.0f}")
    print(f"  World.handle in-process, no HTTP:     {world_rate:8.0f}")


if __name__ == "__main__":
    main()
