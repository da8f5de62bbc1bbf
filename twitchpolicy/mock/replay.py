"""Run a scenario file against a fresh in-process world and record what each step got.

Calls go straight to :meth:`World.handle`, so nothing touches the network. A scenario
stops at its first failing step, because later steps build on the state it left.
Descriptions show the call as the file writes it, with ``${...}`` references
unexpanded, and outcomes, messages and failure text are scrubbed of the world's
tokens and secrets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from twitchpolicy.mock.clock import Clock
from twitchpolicy.mock.model import Client, Token
from twitchpolicy.mock.redaction import scrub
from twitchpolicy.mock.scenario_file import CLIENTS, REFERENCE, TOKEN_ENDPOINT, ScenarioFile, Step
from twitchpolicy.mock.world import World

HOSTS = {"/helix/": "https://api.twitch.tv", "/oauth2/": "https://id.twitch.tv"}


@dataclass(frozen=True)
class StepResult:
    """The result of one step. ``outcome`` is the response (``401 'Invalid OAuth token'``) or ``done``, and ``failure`` describes the difference from the expectation."""

    step: Step
    description: str
    outcome: str
    failure: str | None = None
    status: int | None = None
    message: str | None = None

    @property
    def passed(self) -> bool:
        return self.failure is None


@dataclass
class ScenarioResult:
    """The steps that ran, in order. When the scenario failed, the last one is the failing step."""

    scenario: ScenarioFile
    steps: list[StepResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.steps)

    @property
    def not_run(self) -> int:
        return len(self.scenario.steps) - len(self.steps)


class StepFailed(Exception):
    """Raised inside a step when the scenario cannot go on, such as a refresh of a token without a refresh token."""


def run_scenario(scenario: ScenarioFile) -> ScenarioResult:
    """Build the scenario's world, issue its tokens and run its steps until one fails."""
    runner = _Runner(scenario)
    result = ScenarioResult(scenario)
    for step in scenario.steps:
        step_result = runner.run(step)
        result.steps.append(step_result)
        if not step_result.passed:
            break
    return result


def build_world(scenario: ScenarioFile) -> World:
    """Return a world with the scenario's seed, clock, rate limit, users, roles and grants."""
    settings = scenario.world
    clock_setting = settings.get("clock", "fixed")
    if clock_setting == "wall":
        clock = Clock.from_wall_time()
    elif clock_setting == "fixed":
        clock = Clock()
    else:
        clock = Clock(clock_setting)
    world = World(seed=settings.get("seed", 0), clock=clock, rate_limit=settings.get("rate_limit", 800))
    for login, details in scenario.users.items():
        world.add_user(details["id"], login, details.get("display_name"))
    for role in scenario.roles:
        world.add_role(role["channel"], role["user"], role["role"])
    for grant in scenario.grants:
        world.grant_scopes(grant["user"], grant["scopes"], client_of(world, grant.get("client", "default")))
    return world


def client_of(world: World, name: str) -> Client:
    client: Client = getattr(world, CLIENTS[name])
    return client


class _Runner:
    def __init__(self, scenario: ScenarioFile) -> None:
        self.world = build_world(scenario)
        self.tokens: dict[str, Token] = {}
        self.values: dict[str, str] = {}
        for name, spec in scenario.tokens.items():
            client = client_of(self.world, spec.get("client", "default"))
            if spec["kind"] == "app":
                self.tokens[name] = self.world.app_token(client, **_lifetime(spec))
            else:
                self.tokens[name] = self.world.user_token(spec["user"], spec.get("scopes", ()), client, refreshable=spec.get("refreshable", True), **_lifetime(spec))

    def run(self, step: Step) -> StepResult:
        description = describe(step)
        try:
            if step.action == "call":
                return self._call(step, description)
            if step.action == "refresh":
                return self._refresh(step, description)
            self._event(step)
        except StepFailed as error:
            return StepResult(step, description, "not done", self._scrub(str(error)))
        return StepResult(step, description, "done")

    # ------------------------------------------------------------------ events

    def _event(self, step: Step) -> None:
        world = self.world
        value = step.fields[step.action]
        if step.action == "revoke":
            world.revoke(self.tokens[value])
        elif step.action == "expire":
            world.expire(self.tokens[value])
        elif step.action == "exhaust_rate_limit":
            world.exhaust_rate_limit(self.tokens[value])
        elif step.action == "advance":
            try:
                world.advance(value)
            except ValueError as error:
                raise StepFailed(str(error)) from None
        elif step.action == "disconnect":
            world.disconnect(value, client_of(world, step.fields.get("client", "default")))
        elif step.action == "change_password":
            world.change_password(value)
        elif step.action == "take_scope":
            world.take_scope(self.tokens[value], step.fields["scope"])
        elif step.action == "grant":
            world.grant_scopes(value["user"], value["scopes"], client_of(world, value.get("client", "default")))
        elif step.action == "add_role":
            world.add_role(value["channel"], value["user"], value["role"])
        elif step.action == "remove_role":
            world.remove_role(value["channel"], value["user"], value["role"])
        elif step.action == "fail_next":
            world.fail_next(value.get("status", 500), value.get("endpoint"), value.get("count", 1))
        else:
            raise AssertionError(f"unhandled step action {step.action!r}")

    # ------------------------------------------------------------------ requests

    def _refresh(self, step: Step, description: str) -> StepResult:
        name = step.fields["refresh"]
        token = self.tokens[name]
        if token.refresh_token is None:
            raise StepFailed(f"token {name!r} has no refresh token; an app access token or an implicit-flow token cannot be refreshed")
        client = self.world.clients[token.client_id]
        form = {"client_id": client.client_id, "grant_type": "refresh_token", "refresh_token": token.refresh_token}
        if client.client_secret is not None:
            form["client_secret"] = client.client_secret
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        status, body = self._send("POST", "/oauth2/token", [], headers, urlencode(form).encode())
        result = self._check(step, description, status, body, default_status=200)
        if result.passed and status == 200:
            self.tokens[step.fields.get("as", name)] = self._issued(body)
        return result

    def _call(self, step: Step, description: str) -> StepResult:
        fields = step.fields
        headers: dict[str, str] = {}
        token = self.tokens[fields["token"]] if "token" in fields else None
        if token is not None:
            headers["Authorization"] = f"{fields.get('auth_scheme', 'Bearer')} {token.access_token}"
        client_name = fields.get("client")
        if client_name not in (None, "none"):
            headers["Client-Id"] = client_of(self.world, client_name).client_id
        elif client_name is None and token is not None:
            headers["Client-Id"] = token.client_id
        query = [(key, self._expand(_parameter_text(value))) for key, values in fields.get("query", {}).items() for value in _listed(values)]
        body = b""
        if "json" in fields:
            headers["Content-Type"] = "application/json"
            body = json.dumps(self._expand_all(fields["json"])).encode()
        elif "form" in fields:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            form = [(key, self._expand(_parameter_text(value))) for key, values in fields["form"].items() for value in _listed(values)]
            body = urlencode(form).encode()
        status, parsed = self._send(step.method, step.path, query, headers, body)
        result = self._check(step, description, status, parsed, default_status=None)
        if result.passed and "as" in fields:
            self._save(step, fields["as"], parsed)
        return result

    def _send(self, method: str, path: str, query: list[tuple[str, str]], headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        host = next(host for prefix, host in HOSTS.items() if path.startswith(prefix))
        url = f"{host}{path}" + (f"?{urlencode(query)}" if query else "")
        status, _, raw = self.world.handle(method, url, headers, body)
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return status, parsed

    def _save(self, step: Step, name: str, body: Any) -> None:
        if (step.method, step.path) == TOKEN_ENDPOINT:
            self.tokens[name] = self._issued(body)
            return
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list) or not data or not isinstance(data[0], dict) or "id" not in data[0]:
            raise StepFailed(f"cannot save {name!r}: the response has no data[0].id")
        self.values[name] = str(data[0]["id"])

    def _issued(self, body: Any) -> Token:
        access_token = body.get("access_token") if isinstance(body, dict) else None
        token = self.world.find_token(access_token) if isinstance(access_token, str) else None
        if token is None:
            raise StepFailed("the token response has no access_token that the mock issued")
        return token

    def _check(self, step: Step, description: str, status: int, body: Any, default_status: int | None) -> StepResult:
        """Compare the response with the step's ``expect``; without one, any status below 400 passes."""
        message = body.get("message") if isinstance(body, dict) else None
        error = body.get("error") if isinstance(body, dict) else None
        expect = step.fields.get("expect", {})
        shown_error = error if "error" in expect else None
        got = format_response(status, shown_error, message)
        expected_status = expect.get("status", default_status)
        differs = (
            (expected_status is None and status >= 400)
            or (expected_status is not None and status != expected_status)
            or ("message" in expect and message != expect["message"])
            or ("error" in expect and error != expect["error"])
        )
        failure = None
        if differs:
            expected_head = "a status below 400" if expected_status is None else expected_status
            expected_text = format_response(expected_head, expect.get("error"), expect.get("message"))
            got_text = got
            if expected_text == got_text:
                # The difference is an empty field against a missing one, so name both.
                expected_text = format_response(expected_head, expect.get("error"), expect.get("message"), shown=tuple(expect))
                got_text = format_response(status, shown_error, message, shown=tuple(expect))
            failure = self._scrub(f"expected {expected_text}, got {got_text}")
        shown_message = self._scrub(message) if isinstance(message, str) else None
        return StepResult(step, description, self._scrub(got), failure, status, shown_message)

    # ------------------------------------------------------------------ references

    def _expand(self, text: str) -> str:
        return REFERENCE.sub(lambda match: self._resolve(match.group(1)), text)

    def _expand_all(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._expand(value)
        if isinstance(value, dict):
            return {key: self._expand_all(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._expand_all(item) for item in value]
        return value

    def _resolve(self, reference: str) -> str:
        name, _, part = reference.partition(".")
        if name in CLIENTS:
            return getattr(client_of(self.world, name), part) or ""
        if name in self.tokens:
            token = self.tokens[name]
            if part == "refresh_token":
                if token.refresh_token is None:
                    raise StepFailed(f"token {name!r} has no refresh token")
                return token.refresh_token
            return token.access_token
        if name in self.values:
            return self.values[name]
        raise StepFailed(f"${{{reference}}} names nothing saved yet; the step that saves it did not run")

    def _scrub(self, text: str) -> str:
        return scrub(text, self.world.secrets())


def _lifetime(spec: dict[str, Any]) -> dict[str, int]:
    return {"expires_in": spec["expires_in"]} if "expires_in" in spec else {}


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _parameter_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def format_response(status: int | str | None, error: str | None, message: str | None, shown: tuple[str, ...] = ()) -> str:
    """Render a response as ``401 'Invalid OAuth token'``, with ``error 'Unauthorized'`` when the error field matters.

    ``shown`` names fields ("error", "message") to print even when empty (``''``) or
    missing (``no message``), for a failure whose only difference is between the two.
    """
    parts = [str(status)]
    if error is not None:
        parts.append(f"error {error!r}")
    elif "error" in shown:
        parts.append("no error")
    if message or (message is not None and "message" in shown):
        parts.append(repr(message))
    elif "message" in shown:
        parts.append("no message")
    return " ".join(parts)


def describe(step: Step) -> str:
    """Describe a step as the file writes it, such as ``call POST /helix/clips?broadcaster_id=1000001 with token app``."""
    fields = step.fields
    value = fields[step.action]
    if step.action == "call":
        query = [(key, _parameter_text(item)) for key, values in fields.get("query", {}).items() for item in _listed(values)]
        text = f"call {step.method} {step.path}" + (f"?{urlencode(query, safe='${}:')}" if query else "")
        if "token" in fields:
            text += f" with token {fields['token']}"
        if "auth_scheme" in fields:
            text += f", scheme {fields['auth_scheme']}"
        if fields.get("client") is not None:
            text += f", client {fields['client']}"
    elif step.action == "refresh":
        text = f"refresh {value}" + (f" as {fields['as']}" if "as" in fields else "")
    elif step.action == "advance":
        text = f"advance {value} s"
    elif step.action == "take_scope":
        text = f"take scope {fields['scope']} from {value}"
    elif step.action == "disconnect":
        text = f"disconnect {value} from the {fields.get('client', 'default')} client"
    elif step.action == "grant":
        scopes = value["scopes"] if isinstance(value["scopes"], str) else " ".join(value["scopes"])
        text = f"grant {scopes} from {value['user']} to the {value.get('client', 'default')} client"
    elif step.action in ("add_role", "remove_role"):
        verb = "add" if step.action == "add_role" else "remove"
        text = f"{verb} {value['role']} {value['user']} in {value['channel']}"
    elif step.action == "fail_next":
        text = f"fail next {value.get('count', 1)} call(s) to {value.get('endpoint', 'any endpoint')} with {value.get('status', 500)}"
    else:
        text = f"{step.action.replace('_', ' ')} {value}"
    return text
