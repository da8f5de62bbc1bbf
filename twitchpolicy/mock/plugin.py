"""The pytest plugin: the ``twitch_mock`` and ``twitch_server`` fixtures, the ``twitch_token_scenarios`` and
``twitch_world`` markers, and the collection of scenario files (``*.twitch.yaml``) as test items.

pytest loads it through the ``pytest11`` entry point, so installing twitchpolicy is
enough. Each test gets a fresh seeded world. Tokens and secrets of that world are
replaced by their redacted form in the failure report of the test.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from twitchpolicy.mock.clock import Clock
from twitchpolicy.mock.harness import TwitchMock
from twitchpolicy.mock.redaction import scrub
from twitchpolicy.mock.scenarios import Scenario, applicable_scenarios, build_scenario
from twitchpolicy.mock.world import World

MARKER = "twitch_token_scenarios"
WORLD_MARKER = "twitch_world"
CLOCK_INI = "twitch_mock_clock"
_WORLD_OPTIONS = ("seed", "clock", "rate_limit")
_WORLD = pytest.StashKey[World]()

if TYPE_CHECKING:
    # Imported in the fixtures, so that test runs without them do not load uvicorn.
    from twitchpolicy.mock.server import MockServer


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        CLOCK_INI,
        "Start of the twitch_mock clock: 'fixed' for 2026-01-01T00:00:00Z (the default), "
        "'wall' for the wall-clock time when the test starts.",
        default="fixed",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(endpoint_id, user=None, scenarios=None): run the test once per token scenario for the endpoint "
        "(app-token, user-token, user-token-missing-scope, revoked-user-token, expired-user-token); "
        "the test receives each through the twitch_scenario fixture.",
    )
    config.addinivalue_line(
        "markers",
        f"{WORLD_MARKER}(seed=0, clock='fixed', rate_limit=800): build the test's twitch_mock world with this seed, "
        "clock start ('fixed', 'wall' or a Unix time in seconds) and rate-limit bucket size in points a minute.",
    )


def _clock(value: object) -> Clock:
    """Return the clock for a clock option: 'fixed', 'wall', a Unix time in seconds or a Clock."""
    if isinstance(value, Clock):
        return value
    if value == "fixed":
        return Clock()
    if value == "wall":
        return Clock.from_wall_time()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Clock(value)
    raise pytest.UsageError(f"@pytest.mark.{WORLD_MARKER}: invalid clock {value!r}; use 'fixed', 'wall' or a Unix time in seconds")


def _build_world(request: pytest.FixtureRequest) -> World:
    """Build the test's world from the twitch_world marker and the twitch_mock_clock ini option."""
    marker = request.node.get_closest_marker(WORLD_MARKER)
    options = dict(marker.kwargs) if marker is not None else {}
    unknown = [name for name in options if name not in _WORLD_OPTIONS]
    if unknown:
        raise pytest.UsageError(f"@pytest.mark.{WORLD_MARKER}: unknown option {unknown[0]!r}; the options are seed, clock and rate_limit")
    ini_clock = request.config.getini(CLOCK_INI)
    if ini_clock not in ("fixed", "wall"):
        raise pytest.UsageError(f"{CLOCK_INI} = {ini_clock!r} is invalid; use 'fixed' or 'wall'")
    clock = _clock(options.get("clock", ini_clock))
    return World(seed=options.get("seed", 0), clock=clock, rate_limit=options.get("rate_limit", 800))


def _registry_endpoint(endpoint_id: str):  # noqa: ANN202 - returns a registry Endpoint
    from twitchpolicy.registry import load_registry

    endpoint = load_registry().endpoint(endpoint_id)
    if endpoint is None:
        raise pytest.UsageError(f"@pytest.mark.{MARKER}: unknown endpoint id {endpoint_id!r}; list ids with 'twitchpolicy endpoints'")
    return endpoint


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker(MARKER)
    if marker is None:
        return
    if not marker.args:
        raise pytest.UsageError(f"@pytest.mark.{MARKER} needs an endpoint id, for example @pytest.mark.{MARKER}('create-clip')")
    if "twitch_scenario" not in metafunc.fixturenames:
        raise pytest.UsageError(f"{metafunc.definition.nodeid}: @pytest.mark.{MARKER} needs the test to take the twitch_scenario fixture")
    endpoint = _registry_endpoint(marker.args[0])
    names = applicable_scenarios(endpoint)
    wanted = marker.kwargs.get("scenarios")
    if wanted is not None:
        unknown = [name for name in wanted if name not in names]
        if unknown:
            raise pytest.UsageError(f"@pytest.mark.{MARKER}: scenario {unknown[0]!r} does not apply to {endpoint.id}; choose from {', '.join(names)}")
        names = [name for name in names if name in wanted]
    metafunc.parametrize("twitch_scenario", names, ids=names, indirect=True)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect ``*.twitch.yaml`` and ``*.twitch.yml`` scenario files; see :mod:`twitchpolicy.mock.scenario_items`."""
    from twitchpolicy.mock.scenario_items import collect_scenario_file

    return collect_scenario_file(file_path, parent)


@pytest.fixture
def twitch_mock(request: pytest.FixtureRequest) -> Iterator[TwitchMock]:
    """A fresh mock Twitch for this test, with httpx routed to it.

    The object offers the world's seeded clients and users, ``app_token()``,
    ``user_token(user, scopes)``, ``clock``, the scenario helpers (``revoke``,
    ``expire``, ``advance``, ``disconnect``, ``change_password``, ``take_scope``,
    ``fail_next``, ``exhaust_rate_limit``, ``set_rate_limit``), ``allow_host`` and
    the call log ``calls``. The ``twitch_world`` marker and the ``twitch_mock_clock``
    ini option choose the seed, the clock start and the rate limit.
    """
    mock = TwitchMock(_build_world(request))
    request.node.stash[_WORLD] = mock.world
    mock.start()
    try:
        yield mock
    finally:
        mock.stop()
    if mock.unexpected_requests:
        listed = "\n".join(f"  {line}" for line in mock.unexpected_requests)
        pytest.fail(
            "the test sent requests to hosts other than api.twitch.tv and id.twitch.tv that no respx route of the test "
            f"matched; mock them in a respx router or call twitch_mock.allow_host(host):\n{listed}",
            pytrace=False,
        )


@pytest.fixture
def twitch_scenario(request: pytest.FixtureRequest, twitch_mock: TwitchMock) -> Scenario:
    """The token scenario of this run of a ``twitch_token_scenarios`` test.

    A scenario that expects a rejection registers it with the call log, so
    ``twitch_mock.calls.assert_authorized()`` does not report it.
    """
    marker = request.node.get_closest_marker(MARKER)
    if marker is None or not hasattr(request, "param"):
        raise pytest.UsageError(f"the twitch_scenario fixture needs @pytest.mark.{MARKER}('<endpoint id>') on the test")
    endpoint = _registry_endpoint(marker.args[0])
    scenario = build_scenario(twitch_mock.world, endpoint, request.param, marker.kwargs.get("user"))
    if not scenario.authorized:
        twitch_mock.calls.expect_rejection(endpoint.id, scenario.expected_status)
    return scenario


@pytest.fixture(scope="session")
def _twitch_server_socket() -> Iterator[MockServer]:
    """Start the loopback server behind ``twitch_server`` once per session."""
    from twitchpolicy.mock.server import MockServer

    with MockServer() as server:
        yield server


@pytest.fixture
def twitch_server(twitch_mock: TwitchMock, _twitch_server_socket: MockServer) -> Iterator[MockServer]:
    """Serve the test's ``twitch_mock`` world on a loopback HTTP server, for clients that respx cannot route.

    Tokens from ``twitch_mock.user_token()`` work over HTTP, and the call log lists
    requests from both paths. ``helix_url`` and ``oauth_url`` replace
    ``https://api.twitch.tv/helix`` and ``https://id.twitch.tv/oauth2``, and
    ``pytwitchapi_urls()`` returns pyTwitchAPI's ``base_url`` and ``auth_base_url``.
    One server on a free port serves every test of the session, each with its own world.
    """
    server = _twitch_server_socket
    server.world = twitch_mock.world
    # httpx clients in the test go through the mock's respx router, which must let them reach the socket.
    twitch_mock.allow_host(server.host)
    yield server


@pytest.fixture(scope="session")
def twitch_server_session() -> Iterator[MockServer]:
    """Serve one world on a loopback server that every test of the session shares and changes.

    For bots that start once per session. The world is not reset between tests and
    is independent of ``twitch_mock``.
    """
    from twitchpolicy.mock.server import MockServer

    # NOTE: failure reports are scrubbed of the twitch_mock world's secrets only, not of this world's.
    with MockServer() as server:
        yield server


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    world = item.stash.get(_WORLD, None)
    if world is None or not report.failed:
        return report
    secrets = world.secrets()
    report.longrepr = _scrub_repr(report.longrepr, secrets, set())
    report.sections = [(title, scrub(content, secrets)) for title, content in report.sections]
    return report


def _scrub_repr(value: Any, secrets: set[str], seen: set[int]) -> Any:
    """Scrub secrets from every string inside a failure repr and return it with its structure kept.

    pytest's repr classes (ExceptionChainRepr, ReprEntry, ReprFileLocation and the others)
    are dataclasses. The short summary line and JUnit's failure message read
    ``reprcrash.message`` from them, so replacing the repr by its text would lose both.
    Lists and dataclasses change in place, and strings and tuples are replaced.
    """
    if isinstance(value, str):
        return scrub(value, secrets)
    if isinstance(value, tuple):
        return tuple(_scrub_repr(item, secrets, seen) for item in value)
    if id(value) in seen:
        return value
    seen.add(id(value))
    if isinstance(value, list):
        value[:] = [_scrub_repr(item, secrets, seen) for item in value]
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            current = getattr(value, field.name)
            cleaned = _scrub_repr(current, secrets, seen)
            if cleaned is not current:
                object.__setattr__(value, field.name, cleaned)
    return value
