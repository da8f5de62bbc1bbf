"""Policy files: the schema and the loader's extra checks reject malformed entries with exact problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from twitchpolicy.policyfile import PolicyError, Problem, read_policy_file, schema_problems
from twitchpolicy.registry import load_registry

REPO_POLICY_DIR = Path(__file__).resolve().parents[1] / "policy"

WIDGETS_REFERENCE = "https://dev.twitch.tv/docs/api/reference/#get-widgets"


def write_policy(tmp_path: Path, text: str, name: str = "extra.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_problems(path: Path) -> list[Problem]:
    with pytest.raises(PolicyError) as caught:
        load_registry(extra_files=[path])
    return caught.value.problems


def widgets_endpoint(*, status: str = "live", method: str = "GET", auth: str = "  auth: {app: {}}\n", extra: str = "") -> str:
    """Return a policy file with one endpoint, GET /helix/widgets, on lines 3 to 10 or more.

    ``auth`` and ``extra`` are inserted as they are, so they must be indented by two spaces.
    """
    return (
        "policy_version: 1\n"
        "endpoints:\n"
        "- id: get-widgets\n"
        "  name: Get Widgets\n"
        "  category: Widgets\n"
        f"  method: {method}\n"
        "  path: /helix/widgets\n"
        f"  status: {status}\n"
        f"{auth}"
        f"{extra}"
        f"  reference: {WIDGETS_REFERENCE}\n"
    )


# ---------------------------------------------------------------- shipped files


def shipped_files() -> list[Path]:
    folders = (REPO_POLICY_DIR, REPO_POLICY_DIR / "helix", REPO_POLICY_DIR / "eventsub", REPO_POLICY_DIR / "sdk")
    return [path for folder in folders for path in sorted(folder.glob("*.yaml"))]


def test_shipped_files_exist():
    names = [path.name for path in shipped_files()]
    assert "scopes.yaml" in names
    assert "users.yaml" in names
    assert "pytwitchapi.yaml" in names
    assert "automod.yaml" in names


@pytest.mark.parametrize("path", shipped_files(), ids=lambda path: path.relative_to(REPO_POLICY_DIR).as_posix())
def test_shipped_file_valid(path):
    data, lines, problems = read_policy_file(path)
    assert problems == []
    assert data is not None
    assert schema_problems(data, lines, str(path)) == []


def test_bundled_registry_loads():
    """The registry names bundled files by their path in the repository, such as policy/helix/users.yaml."""
    registry = load_registry()
    shipped = ["policy/" + path.relative_to(REPO_POLICY_DIR).as_posix() for path in shipped_files()]
    assert sorted(registry.files) == sorted(shipped)


def test_live_beta_helix_count():
    registry = load_registry()
    current = [endpoint for endpoint in registry.endpoints if endpoint.status in ("live", "beta") and endpoint.path.startswith("/helix/")]
    assert len(current) == 142


def test_endpoint_ids_unique():
    registry = load_registry()
    ids = [endpoint.id for endpoint in registry.endpoints]
    assert len(ids) == len(set(ids))


# ---------------------------------------------------------------- file-level problems


def test_invalid_yaml(tmp_path):
    path = write_policy(tmp_path, "policy_version: 1\nendpoints:\n- id: [unclosed\n")
    problems = load_problems(path)
    assert len(problems) == 1
    assert (problems[0].file, problems[0].line, problems[0].field) == (str(path), 4, "")
    # The rest of the message is PyYAML's, which differs between its C and pure-Python parsers.
    assert problems[0].message.startswith("invalid YAML: ")
    assert "expected ',' or ']'" in problems[0].message


def test_duplicate_key(tmp_path):
    path = write_policy(tmp_path, "policy_version: 1\nendpoints: []\nendpoints: []\n")
    assert load_problems(path) == [
        Problem(str(path), 3, "endpoints", "duplicate key 'endpoints'; first defined on line 2"),
    ]


def test_unknown_top_level_key(tmp_path):
    path = write_policy(tmp_path, "policy_version: 1\nendpoints: []\nwidgets: []\n")
    assert load_problems(path) == [
        Problem(str(path), 3, "widgets", "unknown field; allowed fields are endpoints, eventsub_types, kraken, oauth, policy_version, scopes, sdk, unverified"),
    ]


def test_missing_policy_version(tmp_path):
    path = write_policy(tmp_path, "endpoints: []\nscopes: []\n")
    assert load_problems(path) == [
        Problem(str(path), 1, "", "'policy_version' is required"),
    ]


def test_missing_file(tmp_path):
    path = tmp_path / "absent.yaml"
    assert load_problems(path) == [Problem(str(path), 1, "", "file not found")]


# ---------------------------------------------------------------- schema problems in one endpoint


def test_missing_auth(tmp_path):
    path = write_policy(tmp_path, widgets_endpoint(auth=""))
    assert load_problems(path) == [
        Problem(str(path), 3, "endpoints[0]", "'auth' is required"),
    ]


def test_bad_method(tmp_path):
    path = write_policy(tmp_path, widgets_endpoint(method="FETCH"))
    assert load_problems(path) == [
        Problem(str(path), 6, "endpoints[0].method", "invalid value 'FETCH'; expected one of 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'"),
    ]


def test_bad_status(tmp_path):
    path = write_policy(tmp_path, widgets_endpoint(status="retired"))
    assert load_problems(path) == [
        Problem(str(path), 8, "endpoints[0].status", "invalid value 'retired'; expected one of 'live', 'beta', 'deprecated', 'removed'"),
    ]


def test_removed_without_date(tmp_path):
    path = write_policy(tmp_path, widgets_endpoint(status="removed"))
    assert load_problems(path) == [
        Problem(str(path), 3, "endpoints[0]", "'removed_on' is required"),
    ]


def test_deprecated_without_date(tmp_path):
    path = write_policy(tmp_path, widgets_endpoint(status="deprecated"))
    assert load_problems(path) == [
        Problem(str(path), 3, "endpoints[0]", "'deprecated_on' is required"),
    ]


def test_any_of_single_scope(tmp_path):
    auth = "  auth:\n    user:\n      scopes:\n        any_of: ['user:edit']\n"
    path = write_policy(tmp_path, widgets_endpoint(auth=auth))
    assert load_problems(path) == [
        Problem(str(path), 12, "endpoints[0].auth.user.scopes.any_of", "any_of needs at least two scopes; use all_of for a single required scope"),
    ]


def test_none_with_app(tmp_path):
    auth = "  auth:\n    none: {}\n    app: {}\n"
    path = write_policy(tmp_path, widgets_endpoint(auth=auth))
    assert load_problems(path) == [
        Problem(str(path), 9, "endpoints[0].auth", "token kind 'none' cannot be combined with 'app'"),
    ]


# ---------------------------------------------------------------- checks beyond the schema


def test_unknown_scope(tmp_path):
    auth = "  auth:\n    user:\n      scopes:\n        all_of: ['widgets:read']\n"
    path = write_policy(tmp_path, widgets_endpoint(auth=auth))
    assert load_problems(path) == [
        Problem(str(path), 12, "endpoints[0].auth.user.scopes.all_of[0]", "unknown scope 'widgets:read'"),
    ]


def test_scope_declared_in_same_file(tmp_path):
    auth = "  auth:\n    user:\n      scopes:\n        all_of: ['widgets:read']\n"
    scopes = (
        "scopes:\n"
        "- name: 'widgets:read'\n"
        "  description: View the widgets of a channel.\n"
        "  status: current\n"
        "  reference: https://dev.twitch.tv/docs/authentication/scopes/\n"
    )
    path = write_policy(tmp_path, widgets_endpoint(auth=auth) + scopes)
    registry = load_registry(extra_files=[path])
    assert registry.endpoint("get-widgets").auth.user.scopes.all_of == ("widgets:read",)
    assert registry.scopes["widgets:read"].status == "current"


def test_unknown_replaced_by(tmp_path):
    extra = "  removed_on: '2023-01-01'\n  replaced_by: [get-gadgets]\n"
    path = write_policy(tmp_path, widgets_endpoint(status="removed", extra=extra))
    assert load_problems(path) == [
        Problem(str(path), 11, "endpoints[0].replaced_by[0]", "unknown endpoint id 'get-gadgets'"),
    ]


def test_removed_on_while_live(tmp_path):
    path = write_policy(tmp_path, widgets_endpoint(extra="  removed_on: '2023-01-01'\n"))
    assert load_problems(path) == [
        Problem(str(path), 10, "endpoints[0].removed_on", "removed_on is set but status is 'live'"),
    ]


def users_route_entry(extra: str = "") -> str:
    return (
        "policy_version: 1\n"
        "endpoints:\n"
        "- id: get-users-again\n"
        "  name: Get Users Again\n"
        "  category: Users\n"
        "  method: GET\n"
        "  path: /helix/users\n"
        "  status: live\n"
        "  auth: {app: {}}\n"
        f"{extra}"
        "  reference: https://dev.twitch.tv/docs/api/reference/#get-users\n"
    )


def test_duplicate_route_rejected(tmp_path):
    bundled = load_registry().endpoint("get-users")
    path = write_policy(tmp_path, users_route_entry())
    message = f"GET /helix/users is already defined by 'get-users' at {bundled.source}:{bundled.line}; set variant_of to model a variant"
    assert load_problems(path) == [Problem(str(path), 7, "endpoints[0].path", message)]


def test_variant_of_accepted(tmp_path):
    path = write_policy(tmp_path, users_route_entry("  variant_of: get-users\n"))
    registry = load_registry(extra_files=[path])
    assert registry.endpoint("get-users-again").variant_of == "get-users"
    assert registry.lookup("GET", "/helix/users").entry.id == "get-users"
    assert len(registry.lookup("GET", "/helix/users").path_entries) == 3


def test_variant_of_unknown_id(tmp_path):
    path = write_policy(tmp_path, users_route_entry("  variant_of: get-gadgets\n"))
    assert load_problems(path) == [
        Problem(str(path), 10, "endpoints[0].variant_of", "unknown endpoint id 'get-gadgets'"),
    ]


def test_identity_param_not_listed(tmp_path):
    auth = "  auth:\n    user:\n      identity:\n      - {param: moderator_id, in: query, role: moderator}\n"
    extra = "  query:\n  - {name: broadcaster_id, required: true}\n"
    path = write_policy(tmp_path, widgets_endpoint(auth=auth, extra=extra))
    assert load_problems(path) == [
        Problem(str(path), 12, "endpoints[0].auth.user.identity[0].param", "identity parameter 'moderator_id' is not among the query parameters"),
    ]


def test_identity_param_listed(tmp_path):
    auth = "  auth:\n    user:\n      identity:\n      - {param: moderator_id, in: query, role: moderator}\n"
    extra = "  query:\n  - {name: moderator_id, required: true}\n"
    path = write_policy(tmp_path, widgets_endpoint(auth=auth, extra=extra))
    registry = load_registry(extra_files=[path])
    rule = registry.endpoint("get-widgets").auth.user.identity[0]
    assert (rule.param, rule.location, rule.role) == ("moderator_id", "query", "moderator")


def test_duplicate_id_in_file(tmp_path):
    entry = widgets_endpoint().split("endpoints:\n", 1)[1]
    path = write_policy(tmp_path, "policy_version: 1\nendpoints:\n" + entry + entry)
    assert load_problems(path) == [
        Problem(str(path), 11, "endpoints[1].id", f"duplicate endpoint id 'get-widgets'; first defined at {path}:3"),
    ]


# ---------------------------------------------------------------- overrides


def test_override_by_id_wins(tmp_path):
    text = (
        "policy_version: 1\n"
        "endpoints:\n"
        "- id: get-users\n"
        "  name: Get Users\n"
        "  category: Users\n"
        "  method: GET\n"
        "  path: /helix/users\n"
        "  status: live\n"
        "  auth:\n"
        "    user:\n"
        "      scopes:\n"
        "        all_of: ['user:read:email']\n"
        "  reference: https://dev.twitch.tv/docs/api/reference/#get-users\n"
        "  note: Local override that requires the email scope.\n"
    )
    path = write_policy(tmp_path, text)
    registry = load_registry(extra_files=[path])
    endpoint = registry.endpoint("get-users")
    assert endpoint.source == str(path)
    assert endpoint.auth.token_kinds == ("user",)
    assert endpoint.auth.user.scopes.all_of == ("user:read:email",)
    assert registry.lookup("GET", "/helix/users").entry is endpoint
    assert [entry.id for entry in registry.endpoints].count("get-users") == 1


def test_override_leaves_bundled_cache(tmp_path):
    path = write_policy(tmp_path, widgets_endpoint())
    load_registry(extra_files=[path])
    assert load_registry().endpoint("get-widgets") is None
