"""EventSub types in policy files: the schema and the loader's checks reject malformed entries with exact problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from twitchpolicy.policyfile import PolicyError, Problem
from twitchpolicy.registry import OptionalScope, Parameter, ScopeRequirement, UserGrant, load_registry

REFERENCE = "https://dev.twitch.tv/docs/eventsub/eventsub-subscription-types/#channelwidgetadd"


def write_policy(tmp_path: Path, text: str, name: str = "extra.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_problems(*paths: Path) -> list[Problem]:
    with pytest.raises(PolicyError) as caught:
        load_registry(extra_files=list(paths))
    return caught.value.problems


def widget_type(
    *,
    type_name: str = "channel.widget.add",
    version: str = "'1'",
    status: str = "live",
    scopes: str = "    all_of: ['moderator:read:followers']\n",
    authorizer: str = "  authorizer: moderator_user_id\n",
    extra: str = "",
) -> str:
    """Return a policy file with one EventSub type on lines 3 to 13; ``scopes:`` is on line 10.

    With the default arguments the scopes are on line 11, the authorizer on line 12, and
    ``extra`` starts on line 13.

    ``scopes`` goes under ``scopes:`` indented by four spaces; ``authorizer`` and ``extra``
    are entry fields indented by two spaces, inserted after the scopes in that order.
    """
    return (
        "policy_version: 1\n"
        "eventsub_types:\n"
        f"- type: {type_name}\n"
        f"  version: {version}\n"
        "  name: Channel Widget Add\n"
        f"  status: {status}\n"
        "  condition:\n"
        "  - {name: broadcaster_user_id, required: true}\n"
        "  - {name: moderator_user_id, required: true}\n"
        "  scopes:\n"
        f"{scopes}"
        f"{authorizer}"
        f"{extra}"
        f"  reference: {REFERENCE}\n"
    )


# ---------------------------------------------------------------- valid entries


def test_eventsub_type_loads(tmp_path):
    extra = (
        "  app_grants:\n"
        "  - param: broadcaster_user_id\n"
        "    scopes: {all_of: ['channel:bot']}\n"
        "    or_moderator: true\n"
        "  optional_scopes:\n"
        "  - {scope: 'user:read:email', unlocks: the email field}\n"
        "  transports: [webhook, conduit]\n"
        "  note: A test type.\n"
    )
    path = write_policy(tmp_path, widget_type(extra=extra))
    entry = load_registry(extra_files=[path]).eventsub_type("channel.widget.add", "1")
    assert entry is not None
    assert entry.key == "channel.widget.add@1"
    assert (entry.type, entry.version, entry.name, entry.status) == ("channel.widget.add", "1", "Channel Widget Add", "live")
    assert entry.condition == (Parameter("broadcaster_user_id", True), Parameter("moderator_user_id", True))
    assert entry.scopes == ScopeRequirement(all_of=("moderator:read:followers",))
    assert entry.authorizer == "moderator_user_id"
    assert entry.app_grants == (UserGrant("broadcaster_user_id", "condition", ScopeRequirement(all_of=("channel:bot",)), True),)
    assert entry.optional_scopes == (OptionalScope("user:read:email", "the email field"),)
    assert entry.transports == ("webhook", "conduit")
    assert entry.replaced_by == ()
    assert entry.note == "A test type."
    assert entry.reference == REFERENCE
    assert entry.scope_names() == ("moderator:read:followers", "channel:bot", "user:read:email")


def test_no_authorization_type(tmp_path):
    path = write_policy(tmp_path, widget_type(scopes="", authorizer="").replace("  scopes:\n", "  scopes: {}\n"))
    entry = load_registry(extra_files=[path]).eventsub_type("channel.widget.add", "1")
    assert entry.scopes == ScopeRequirement()
    assert not entry.scopes
    assert entry.authorizer is None
    assert entry.transports == ()


def test_any_of_groups_load(tmp_path):
    scopes = (
        "    all_of: ['moderator:read:vips']\n"
        "    any_of_groups:\n"
        "    - ['moderator:read:blocked_terms', 'moderator:manage:blocked_terms']\n"
        "    - ['moderator:read:warnings', 'moderator:manage:warnings']\n"
    )
    path = write_policy(tmp_path, widget_type(scopes=scopes))
    requirement = load_registry(extra_files=[path]).eventsub_type("channel.widget.add", "1").scopes
    assert requirement.any_of == ()
    assert requirement.any_of_groups == (
        ("moderator:read:blocked_terms", "moderator:manage:blocked_terms"),
        ("moderator:read:warnings", "moderator:manage:warnings"),
    )
    expected = "moderator:read:vips and (moderator:read:blocked_terms or moderator:manage:blocked_terms) and (moderator:read:warnings or moderator:manage:warnings)"
    assert requirement.describe() == expected


def test_newest_live_version(tmp_path):
    second = widget_type(version="'2'").split("eventsub_types:\n", 1)[1]
    beta = widget_type(version="beta", status="beta").split("eventsub_types:\n", 1)[1]
    third = widget_type(version="'3'", status="deprecated").split("eventsub_types:\n", 1)[1]
    path = write_policy(tmp_path, widget_type() + second + beta + third)
    registry = load_registry(extra_files=[path])
    assert registry.eventsub_type("channel.widget.add", None).key == "channel.widget.add@2"
    assert registry.eventsub_type("channel.widget.add", "beta").status == "beta"
    assert registry.eventsub_type("channel.widget.add", "4") is None
    assert registry.eventsub_type("channel.gadget.add", None) is None


def test_only_beta_has_no_newest_live(tmp_path):
    path = write_policy(tmp_path, widget_type(version="beta", status="beta"))
    registry = load_registry(extra_files=[path])
    assert registry.eventsub_type("channel.widget.add", None) is None
    assert registry.eventsub_type("channel.widget.add", "beta") is not None


def test_override_bundled_type(tmp_path):
    text = widget_type(type_name="channel.follow", version="'2'")
    path = write_policy(tmp_path, text)
    registry = load_registry(extra_files=[path])
    assert registry.eventsub_type("channel.follow", "2").reference == REFERENCE
    assert load_registry().eventsub_type("channel.follow", "2").reference != REFERENCE


def test_extra_file_leaves_bundled_cache(tmp_path):
    path = write_policy(tmp_path, widget_type())
    load_registry(extra_files=[path])
    assert "channel.widget.add@1" not in load_registry().eventsub_types


def test_replaced_by_bundled_type(tmp_path):
    extra = "  replaced_by: ['channel.follow@2']\n"
    path = write_policy(tmp_path, widget_type(status="removed", extra=extra))
    entry = load_registry(extra_files=[path]).eventsub_type("channel.widget.add", "1")
    assert entry.replaced_by == ("channel.follow@2",)


# ---------------------------------------------------------------- checks beyond the schema


def test_duplicate_type_version(tmp_path):
    entry = widget_type().split("eventsub_types:\n", 1)[1]
    path = write_policy(tmp_path, "policy_version: 1\neventsub_types:\n" + entry + entry)
    assert load_problems(path) == [
        Problem(str(path), 15, "eventsub_types[1].version", f"duplicate EventSub type 'channel.widget.add@1'; first defined at {path}:3"),
    ]


def test_same_type_other_version_accepted(tmp_path):
    second = widget_type(version="'2'").split("eventsub_types:\n", 1)[1]
    path = write_policy(tmp_path, widget_type() + second)
    assert set(load_registry(extra_files=[path]).eventsub_types) >= {"channel.widget.add@1", "channel.widget.add@2"}


def test_unknown_scope(tmp_path):
    path = write_policy(tmp_path, widget_type(scopes="    all_of: ['widgets:read']\n"))
    assert load_problems(path) == [
        Problem(str(path), 11, "eventsub_types[0].scopes.all_of[0]", "unknown scope 'widgets:read'"),
    ]


def test_unknown_scope_in_group(tmp_path):
    scopes = "    any_of_groups:\n    - ['moderator:read:vips', 'widgets:read']\n    - ['moderator:read:warnings', 'moderator:manage:warnings']\n"
    path = write_policy(tmp_path, widget_type(scopes=scopes))
    assert load_problems(path) == [
        Problem(str(path), 12, "eventsub_types[0].scopes.any_of_groups[0][1]", "unknown scope 'widgets:read'"),
    ]


def test_unknown_app_grant_scope(tmp_path):
    extra = "  app_grants:\n  - param: broadcaster_user_id\n    scopes: {all_of: ['widgets:bot']}\n"
    path = write_policy(tmp_path, widget_type(extra=extra))
    assert load_problems(path) == [
        Problem(str(path), 15, "eventsub_types[0].app_grants[0].scopes.all_of[0]", "unknown scope 'widgets:bot'"),
    ]


def test_legacy_scope(tmp_path):
    path = write_policy(tmp_path, widget_type(scopes="    all_of: ['user_read']\n"))
    assert load_problems(path) == [
        Problem(str(path), 11, "eventsub_types[0].scopes.all_of[0]", "legacy scope 'user_read'; use a current scope"),
    ]


def test_scope_without_eventsub_use(tmp_path):
    path = write_policy(tmp_path, widget_type(scopes="    all_of: ['chat:read']\n"))
    message = "scope 'chat:read' does not list eventsub in its used_by; add it where the scope is defined"
    assert load_problems(path) == [Problem(str(path), 11, "eventsub_types[0].scopes.all_of[0]", message)]


def test_unknown_replaced_by(tmp_path):
    extra = "  replaced_by: ['channel.widget.add@9']\n"
    path = write_policy(tmp_path, widget_type(status="removed", extra=extra))
    message = "unknown EventSub type 'channel.widget.add@9'; replaced_by takes the type@version of another entry"
    assert load_problems(path) == [Problem(str(path), 13, "eventsub_types[0].replaced_by[0]", message)]


def test_replaced_by_itself(tmp_path):
    extra = "  replaced_by: ['channel.widget.add@1']\n"
    path = write_policy(tmp_path, widget_type(status="deprecated", extra=extra))
    assert load_problems(path) == [
        Problem(str(path), 13, "eventsub_types[0].replaced_by[0]", "a subscription type version cannot replace itself"),
    ]


def test_authorizer_not_in_condition(tmp_path):
    path = write_policy(tmp_path, widget_type(authorizer="  authorizer: user_id\n"))
    assert load_problems(path) == [
        Problem(str(path), 12, "eventsub_types[0].authorizer", "authorizer 'user_id' is not a condition field"),
    ]


def test_scopes_without_authorizer(tmp_path):
    path = write_policy(tmp_path, widget_type(authorizer=""))
    message = "the type needs scopes, so authorizer must name the condition field of the user who grants them"
    assert load_problems(path) == [Problem(str(path), 10, "eventsub_types[0].scopes", message)]


def test_authorizer_without_scopes(tmp_path):
    path = write_policy(tmp_path, widget_type(scopes="").replace("  scopes:\n", "  scopes: {}\n"))
    assert load_problems(path) == [
        Problem(str(path), 11, "eventsub_types[0].authorizer", "authorizer is set but the type needs no scopes; remove it"),
    ]


def test_app_grant_param_not_in_condition(tmp_path):
    extra = "  app_grants:\n  - param: user_id\n    scopes: {all_of: ['user:bot']}\n"
    path = write_policy(tmp_path, widget_type(extra=extra))
    assert load_problems(path) == [
        Problem(str(path), 14, "eventsub_types[0].app_grants[0].param", "app grant parameter 'user_id' is not a condition field"),
    ]


def test_duplicate_condition_field(tmp_path):
    text = widget_type().replace("  - {name: moderator_user_id, required: true}\n", "  - {name: broadcaster_user_id, required: false}\n")
    path = write_policy(tmp_path, text.replace("moderator_user_id", "broadcaster_user_id"))
    assert load_problems(path) == [
        Problem(str(path), 9, "eventsub_types[0].condition[1].name", "duplicate condition field 'broadcaster_user_id'"),
    ]


def test_eventsub_scope_unused(tmp_path):
    text = (
        "policy_version: 1\n"
        "scopes:\n"
        "- name: 'widgets:read'\n"
        "  description: Read the widgets of a channel.\n"
        "  status: current\n"
        "  used_by: [helix, eventsub]\n"
        "  reference: https://dev.twitch.tv/docs/authentication/scopes/\n"
    )
    path = write_policy(tmp_path, text)
    message = "used_by lists eventsub, but no EventSub subscription type needs the scope; remove eventsub or add the type"
    assert load_problems(path) == [Problem(str(path), 3, "scopes[widgets:read].used_by", message)]


def test_eventsub_scope_used_by_extra_type(tmp_path):
    scope = (
        "scopes:\n"
        "- name: 'widgets:read'\n"
        "  description: Read the widgets of a channel.\n"
        "  status: current\n"
        "  used_by: [eventsub]\n"
        "  reference: https://dev.twitch.tv/docs/authentication/scopes/\n"
    )
    path = write_policy(tmp_path, widget_type(scopes="    all_of: ['widgets:read']\n") + scope)
    assert load_registry(extra_files=[path]).eventsub_type("channel.widget.add", "1").scopes.all_of == ("widgets:read",)


# ---------------------------------------------------------------- schema problems


def test_numeric_version_rejected(tmp_path):
    path = write_policy(tmp_path, widget_type(version="1"))
    assert load_problems(path) == [
        Problem(str(path), 4, "eventsub_types[0].version", "invalid value 1; expected string"),
    ]


@pytest.mark.parametrize("version", ["'v2'", "'01'", "'0'", "'Beta'"])
def test_bad_version(tmp_path, version):
    path = write_policy(tmp_path, widget_type(version=version))
    problems = load_problems(path)
    assert [(p.line, p.field) for p in problems] == [(4, "eventsub_types[0].version")]
    assert problems[0].message == f"invalid value {version.strip(chr(39))!r}; it must match ^([1-9][0-9]*|beta)$"


def test_bad_type_name(tmp_path):
    path = write_policy(tmp_path, widget_type(type_name="ChannelFollow"))
    assert load_problems(path) == [
        Problem(str(path), 3, "eventsub_types[0].type", "invalid value 'ChannelFollow'; it must match ^[a-z_]+(\\.[a-z_]+)+$"),
    ]


def test_bad_status(tmp_path):
    path = write_policy(tmp_path, widget_type(status="retired"))
    assert load_problems(path) == [
        Problem(str(path), 6, "eventsub_types[0].status", "invalid value 'retired'; expected one of 'live', 'beta', 'deprecated', 'removed'"),
    ]


def test_missing_scopes(tmp_path):
    path = write_policy(tmp_path, widget_type(scopes="", authorizer="").replace("  scopes:\n", ""))
    assert load_problems(path) == [Problem(str(path), 3, "eventsub_types[0]", "'scopes' is required")]


def test_empty_condition(tmp_path):
    text = widget_type().replace(
        "  condition:\n  - {name: broadcaster_user_id, required: true}\n  - {name: moderator_user_id, required: true}\n", "  condition: []\n"
    )
    path = write_policy(tmp_path, text)
    assert load_problems(path) == [Problem(str(path), 7, "eventsub_types[0].condition", "[] should be non-empty")]


def test_bad_transport(tmp_path):
    path = write_policy(tmp_path, widget_type(extra="  transports: [webhook, sse]\n"))
    assert load_problems(path) == [
        Problem(str(path), 13, "eventsub_types[0].transports[1]", "invalid value 'sse'; expected one of 'webhook', 'websocket', 'conduit'"),
    ]


def test_bad_replaced_by_format(tmp_path):
    path = write_policy(tmp_path, widget_type(status="removed", extra="  replaced_by: ['channel.follow']\n"))
    pattern = "^[a-z_]+(\\.[a-z_]+)+@([1-9][0-9]*|beta)$"
    assert load_problems(path) == [
        Problem(str(path), 13, "eventsub_types[0].replaced_by[0]", f"invalid value 'channel.follow'; it must match {pattern}"),
    ]


def test_unknown_entry_field(tmp_path):
    path = write_policy(tmp_path, widget_type(extra="  token: user\n"))
    allowed = "app_grants, authorizer, condition, name, note, optional_scopes, reference, replaced_by, scopes, status, transports, type, version"
    assert load_problems(path) == [
        Problem(str(path), 13, "eventsub_types[0].token", f"unknown field; allowed fields are {allowed}"),
    ]


def test_any_of_single_scope(tmp_path):
    path = write_policy(tmp_path, widget_type(scopes="    any_of: ['moderator:read:followers']\n"))
    assert load_problems(path) == [
        Problem(str(path), 11, "eventsub_types[0].scopes.any_of", "any_of needs at least two scopes; use all_of for a single required scope"),
    ]


def test_any_of_groups_single_group(tmp_path):
    path = write_policy(tmp_path, widget_type(scopes="    any_of_groups:\n    - ['moderator:read:vips', 'channel:read:vips']\n"))
    assert load_problems(path) == [
        Problem(str(path), 11, "eventsub_types[0].scopes.any_of_groups", "any_of_groups needs at least two groups; use any_of for a single one-of set"),
    ]


def test_any_of_groups_single_scope(tmp_path):
    scopes = "    any_of_groups:\n    - ['moderator:read:vips']\n    - ['moderator:read:warnings', 'moderator:manage:warnings']\n"
    path = write_policy(tmp_path, widget_type(scopes=scopes))
    message = "a group in any_of_groups needs at least two scopes; move a single required scope to all_of"
    assert load_problems(path) == [Problem(str(path), 12, "eventsub_types[0].scopes.any_of_groups[0]", message)]


def test_any_of_with_any_of_groups(tmp_path):
    scopes = (
        "    any_of: ['channel:read:vips', 'channel:manage:vips']\n"
        "    any_of_groups:\n"
        "    - ['moderator:read:blocked_terms', 'moderator:manage:blocked_terms']\n"
        "    - ['moderator:read:warnings', 'moderator:manage:warnings']\n"
    )
    path = write_policy(tmp_path, widget_type(scopes=scopes))
    message = "any_of and any_of_groups cannot be combined; move the any_of scopes into any_of_groups as one more group"
    assert load_problems(path) == [Problem(str(path), 10, "eventsub_types[0].scopes", message)]


def test_app_grant_without_scopes(tmp_path):
    path = write_policy(tmp_path, widget_type(extra="  app_grants:\n  - param: broadcaster_user_id\n"))
    assert load_problems(path) == [Problem(str(path), 14, "eventsub_types[0].app_grants[0]", "'scopes' is required")]
