"""SDK maps in policy files: the schema and the loader's checks reject malformed maps with exact problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from twitchpolicy.policyfile import PolicyError, Problem
from twitchpolicy.registry import SdkArgument, SdkAuth, SdkCondition, SdkMethod, load_registry

REPO_POLICY_DIR = Path(__file__).resolve().parents[1] / "policy"

UNKNOWN_ID_HINT = "use an id that 'twitchpolicy endpoints' lists"


def write_policy(tmp_path: Path, text: str, name: str = "extra.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_problems(*paths: Path) -> list[Problem]:
    with pytest.raises(PolicyError) as caught:
        load_registry(extra_files=list(paths))
    return caught.value.problems


def widget_sdk(*, sdk_id: str = "widgetsdk", language: str = "python", call: str = "method", auth_token: str = "user", methods: str = "") -> str:
    """Return an SDK map whose auth entries are on lines 10 and 15 and whose methods start on line 20.

    ``methods`` is inserted after the two fixed methods, indented by four spaces.
    """
    return (
        "policy_version: 1\n"
        "sdk:\n"
        f"  id: {sdk_id}\n"
        "  name: WidgetSDK\n"
        f"  language: {language}\n"
        "  versions: '1.x'\n"
        "  modules: [widgetsdk]\n"
        "  source: https://example.invalid/widgetsdk (v1.0.0)\n"
        "  auth:\n"
        "    - name: Client\n"
        "      call: constructor\n"
        "      token: app\n"
        "      scopes: null\n"
        "      unless: {keyword: authenticate_app, position: 2, value: false}\n"
        "    - name: set_user_token\n"
        f"      call: {call}\n"
        f"      token: {auth_token}\n"
        "      scopes: {position: 1, keyword: scope}\n"
        "  methods:\n"
        "    get_users: {endpoint: get-users}\n"
        "    create_clip: {endpoint: create-clip, token: user, note: Sends the clips:edit user token.}\n"
        f"{methods}"
    )


# ---------------------------------------------------------------- a valid map


def test_sdk_map_loads(tmp_path):
    path = write_policy(tmp_path, widget_sdk(methods="    users.byName: {endpoint: get-users, token: app}\n"))
    sdk = load_registry(extra_files=[path]).sdks["widgetsdk"]
    assert (sdk.id, sdk.name, sdk.language, sdk.versions) == ("widgetsdk", "WidgetSDK", "python", "1.x")
    assert sdk.modules == ("widgetsdk",)
    assert sdk.source == "https://example.invalid/widgetsdk (v1.0.0)"
    assert sdk.auth == (
        SdkAuth("Client", "constructor", "app", None, SdkCondition(2, "authenticate_app", False)),
        SdkAuth("set_user_token", "method", "user", SdkArgument(1, "scope"), None),
    )
    assert list(sdk.methods) == ["get_users", "create_clip", "users.byName"]
    assert sdk.methods["get_users"] == SdkMethod("get_users", "get-users", None, None)
    assert sdk.methods["create_clip"] == SdkMethod("create_clip", "create-clip", "user", "Sends the clips:edit user token.")
    assert sdk.methods["users.byName"].token == "app"


def test_sdk_methods_for_endpoint(tmp_path):
    path = write_policy(tmp_path, widget_sdk(methods="    users.byName: {endpoint: get-users}\n"))
    registry = load_registry(extra_files=[path])
    found = [(sdk.id, method.name) for sdk, method in registry.sdk_methods("get-users") if sdk.id == "widgetsdk"]
    assert found == [("widgetsdk", "get_users"), ("widgetsdk", "users.byName")]


def test_sdk_map_leaves_bundled_cache(tmp_path):
    path = write_policy(tmp_path, widget_sdk())
    load_registry(extra_files=[path])
    assert "widgetsdk" not in load_registry().sdks


def test_removed_endpoint_accepted(tmp_path):
    """A method that calls a removed endpoint is mapped to it, so the checker can report the call."""
    path = write_policy(tmp_path, widget_sdk(methods="    get_follows: {endpoint: get-users-follows}\n"))
    registry = load_registry(extra_files=[path])
    method = registry.sdks["widgetsdk"].methods["get_follows"]
    assert registry.endpoint(method.endpoint).status == "removed"


def test_endpoint_from_same_file(tmp_path):
    endpoint = (
        "endpoints:\n"
        "- id: get-widgets\n"
        "  name: Get Widgets\n"
        "  category: Widgets\n"
        "  method: GET\n"
        "  path: /helix/widgets\n"
        "  status: live\n"
        "  auth: {app: {}}\n"
        "  reference: https://dev.twitch.tv/docs/api/reference/#get-widgets\n"
    )
    path = write_policy(tmp_path, widget_sdk(methods="    get_widgets: {endpoint: get-widgets}\n") + endpoint)
    registry = load_registry(extra_files=[path])
    assert registry.sdks["widgetsdk"].methods["get_widgets"].endpoint == "get-widgets"


# ---------------------------------------------------------------- checks beyond the schema


def test_unknown_endpoint_id(tmp_path):
    path = write_policy(tmp_path, widget_sdk(methods="    get_gadgets: {endpoint: get-gadgets}\n"))
    assert load_problems(path) == [
        Problem(str(path), 22, "sdk.methods.get_gadgets.endpoint", f"unknown endpoint id 'get-gadgets'; {UNKNOWN_ID_HINT}"),
    ]


def test_unknown_endpoint_in_dotted_name(tmp_path):
    path = write_policy(tmp_path, widget_sdk(methods="    users.getGadgets:\n      endpoint: get-gadgets\n"))
    assert load_problems(path) == [
        Problem(str(path), 23, "sdk.methods.users.getGadgets.endpoint", f"unknown endpoint id 'get-gadgets'; {UNKNOWN_ID_HINT}"),
    ]


def test_duplicate_sdk_id_across_files(tmp_path):
    first = write_policy(tmp_path, widget_sdk(), name="first.yaml")
    second = write_policy(tmp_path, widget_sdk(), name="second.yaml")
    assert load_problems(first, second) == [
        Problem(str(second), 3, "sdk.id", f"duplicate SDK id 'widgetsdk'; first defined at {first}:2"),
    ]


def test_duplicate_bundled_sdk_id(tmp_path):
    shipped = REPO_POLICY_DIR / "sdk" / "pytwitchapi.yaml"
    sdk_line = shipped.read_text(encoding="utf-8").splitlines().index("sdk:") + 1
    path = write_policy(tmp_path, widget_sdk(sdk_id="pytwitchapi"))
    assert load_problems(path) == [
        Problem(str(path), 3, "sdk.id", f"duplicate SDK id 'pytwitchapi'; first defined at policy/sdk/pytwitchapi.yaml:{sdk_line}"),
    ]


def test_duplicate_auth_entry(tmp_path):
    text = widget_sdk(call="constructor", auth_token="app").replace("    - name: set_user_token\n", "    - name: Client\n")
    path = write_policy(tmp_path, text)
    assert load_problems(path) == [
        Problem(str(path), 15, "sdk.auth[1]", "duplicate auth entry 'Client' (constructor, app token); first defined on line 10"),
    ]


def test_same_auth_name_per_token_kind(tmp_path):
    """One name may appear once per token kind, for SDKs whose versions set up different tokens."""
    text = widget_sdk(call="constructor").replace("    - name: set_user_token\n", "    - name: Client\n")
    path = write_policy(tmp_path, text)
    auth = load_registry(extra_files=[path]).sdks["widgetsdk"].auth
    assert [(entry.name, entry.token) for entry in auth] == [("Client", "app"), ("Client", "user")]


# ---------------------------------------------------------------- schema problems


def test_duplicate_method(tmp_path):
    path = write_policy(tmp_path, widget_sdk(methods="    get_users: {endpoint: get-users, token: app}\n"))
    assert load_problems(path) == [
        Problem(str(path), 22, "sdk.methods.get_users", "duplicate key 'get_users'; first defined on line 20"),
    ]


def test_bad_language(tmp_path):
    path = write_policy(tmp_path, widget_sdk(language="rust"))
    assert load_problems(path) == [
        Problem(str(path), 5, "sdk.language", "invalid value 'rust'; expected one of 'python', 'javascript'"),
    ]


def test_bad_auth_call(tmp_path):
    path = write_policy(tmp_path, widget_sdk(call="function"))
    assert load_problems(path) == [
        Problem(str(path), 16, "sdk.auth[1].call", "invalid value 'function'; expected one of 'constructor', 'method'"),
    ]


def test_bad_auth_token(tmp_path):
    path = write_policy(tmp_path, widget_sdk(auth_token="jwt"))
    assert load_problems(path) == [
        Problem(str(path), 17, "sdk.auth[1].token", "invalid value 'jwt'; expected one of 'app', 'user'"),
    ]


def test_bad_method_token(tmp_path):
    path = write_policy(tmp_path, widget_sdk(methods="    get_games: {endpoint: get-games, token: bot}\n"))
    assert load_problems(path) == [
        Problem(str(path), 22, "sdk.methods.get_games.token", "invalid value 'bot'; expected one of 'app', 'user'"),
    ]


def test_bad_method_name(tmp_path):
    path = write_policy(tmp_path, widget_sdk(methods="    get users: {endpoint: get-users}\n"))
    pattern = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"
    assert load_problems(path) == [
        Problem(str(path), 22, "sdk.methods.get users", f"invalid name 'get users'; it must match {pattern}"),
    ]


def test_bad_endpoint_id_format(tmp_path):
    path = write_policy(tmp_path, widget_sdk(methods="    get_games: {endpoint: Get_Games}\n"))
    assert load_problems(path) == [
        Problem(str(path), 22, "sdk.methods.get_games.endpoint", "invalid value 'Get_Games'; it must match ^[a-z0-9]+(-[a-z0-9]+)*$"),
    ]


def test_unknown_method_field(tmp_path):
    path = write_policy(tmp_path, widget_sdk(methods="    get_games: {endpoint: get-games, scopes: [user:read:email]}\n"))
    assert load_problems(path) == [
        Problem(str(path), 22, "sdk.methods.get_games.scopes", "unknown field; allowed fields are endpoint, note, token"),
    ]


def test_unless_without_value(tmp_path):
    path = write_policy(tmp_path, widget_sdk().replace("position: 2, value: false}", "position: 2}"))
    assert load_problems(path) == [
        Problem(str(path), 14, "sdk.auth[0].unless", "'value' is required"),
    ]


def test_negative_scopes_position(tmp_path):
    path = write_policy(tmp_path, widget_sdk().replace("{position: 1, keyword: scope}", "{position: -1, keyword: scope}"))
    assert load_problems(path) == [
        Problem(str(path), 18, "sdk.auth[1].scopes.position", "-1 is less than the minimum of 0"),
    ]


def test_missing_methods(tmp_path):
    text = widget_sdk().split("  methods:\n", 1)[0]
    path = write_policy(tmp_path, text)
    assert load_problems(path) == [
        Problem(str(path), 2, "sdk", "'methods' is required"),
    ]


def test_empty_modules(tmp_path):
    path = write_policy(tmp_path, widget_sdk().replace("modules: [widgetsdk]", "modules: []"))
    assert load_problems(path) == [
        Problem(str(path), 7, "sdk.modules", "[] should be non-empty"),
    ]
