"""Bad policy files: each gets problems that name the file, line and field, never an exception."""

from __future__ import annotations

from pathlib import Path

import pytest

from twitchpolicy.policyfile import PolicyError, Problem
from twitchpolicy.registry import load_registry

ENDPOINT = """policy_version: 1
endpoints:
  - id: get-widgets
    name: Get Widgets
    category: Widgets
    method: GET
    path: /helix/widgets
    status: removed
    removed_on: {removed_on}
    auth:
      app: {{}}
    reference: https://dev.twitch.tv/docs/api/reference/#get-widgets
"""


def problems_for(tmp_path: Path, text: str) -> list[Problem]:
    path = tmp_path / "extra.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as raised:
        load_registry([path])
    return raised.value.problems


def test_empty_file(tmp_path: Path) -> None:
    for text in ("", "# only a comment\n", "null\n"):
        problems = problems_for(tmp_path, text)
        assert [(p.line, p.field) for p in problems] == [(1, "")]
        assert "policy_version" in problems[0].message


def test_list_instead_of_mapping(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, "- policy_version: 1\n")
    assert problems == [Problem(str(tmp_path / "extra.yaml"), 1, "", "invalid value [{'policy_version': 1}]; expected object")]


def test_recursive_alias_rejected(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, "policy_version: 1\nendpoints: &loop [*loop]\n")
    assert problems == [
        Problem(str(tmp_path / "extra.yaml"), 2, "endpoints[0]", "YAML aliases are not supported in policy files; write the value out")
    ]


def test_alias_expansion_rejected(tmp_path: Path) -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 8):
        previous = f"*a{level - 1}"
        levels.append(f"a{level}: &a{level} [{', '.join([previous] * 10)}]")
    problems = problems_for(tmp_path, "policy_version: 1\n" + "\n".join(levels) + "\n")
    assert len(problems) == 1
    assert problems[0].message == "YAML aliases are not supported in policy files; write the value out"


def test_non_string_key(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, "policy_version: 1\n1: a\nfoo: b\n")
    fields = [p.field for p in problems]
    assert fields == ["[1]", "foo"]
    assert all(p.message.startswith("unknown field; allowed fields are ") for p in problems)


def test_unquoted_date(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, ENDPOINT.format(removed_on="2023-09-12"))
    assert problems == [
        Problem(str(tmp_path / "extra.yaml"), 9, "endpoints[0].removed_on", "invalid value 2023-09-12; write the date in quotes, as '2023-09-12'")
    ]


def test_impossible_date(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, ENDPOINT.format(removed_on="'2023-13-45'"))
    assert problems == [Problem(str(tmp_path / "extra.yaml"), 9, "endpoints[0].removed_on", "invalid date '2023-13-45'; expected YYYY-MM-DD")]


def test_path_outside_helix(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, ENDPOINT.format(removed_on="'2023-09-12'").replace("/helix/widgets", "/widgets"))
    assert [(p.line, p.field) for p in problems] == [(7, "endpoints[0].path")]
    assert problems[0].message == "invalid value '/widgets'; it must match ^/helix(/[A-Za-z0-9_.-]+)+$"


def test_second_document_rejected(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, "policy_version: 1\n---\npolicy_version: 1\n")
    assert [(p.line, p.field) for p in problems] == [(2, "")]
    assert problems[0].message == "invalid YAML: expected a single document in the stream, but found another document"


def test_no_section(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, "policy_version: 1\n")
    assert problems == [Problem(str(tmp_path / "extra.yaml"), 1, "", "the file has no section; add endpoints, eventsub_types, scopes, oauth, kraken or sdk")]


def test_wrong_version(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, "policy_version: 2\nscopes: []\n")
    assert problems == [Problem(str(tmp_path / "extra.yaml"), 1, "policy_version", "invalid value 2; expected 1")]


def test_directory_as_policy(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as raised:
        load_registry([tmp_path])
    assert raised.value.problems == [Problem(str(tmp_path), 1, "", "is a directory; name a policy file")]


def test_unverified_clashes_with_verified(tmp_path: Path) -> None:
    text = (
        "policy_version: 1\n"
        "unverified:\n"
        "  - id: get-streams-again\n"
        "    name: Get Streams Again\n"
        "    category: Streams\n"
        "    path: /helix/streams\n"
        "    methods: [GET]\n"
        "    reference: https://dev.twitch.tv/docs/api/reference/#get-streams\n"
        "    note: A duplicate.\n"
    )
    problems = problems_for(tmp_path, text)
    assert problems == [
        Problem(str(tmp_path / "extra.yaml"), 3, "unverified[get-streams-again].path", "/helix/streams has verified endpoints; describe this one there")
    ]


def test_duplicate_oauth_endpoint(tmp_path: Path) -> None:
    endpoint = (
        "  - id: oauth-extra\n"
        "    name: Extra\n"
        "    method: GET\n"
        "    path: /oauth2/extra\n"
        "    reference: https://dev.twitch.tv/docs/authentication/\n"
    )
    grant = (
        "  grants:\n"
        "  - id: extra-grant\n"
        "    name: Extra grant\n"
        "    endpoint: oauth-extra\n"
        "    yields: user\n"
        "    refreshable: false\n"
        "    requires_client_secret: false\n"
        "    reference: https://dev.twitch.tv/docs/authentication/\n"
    )
    text = "policy_version: 1\noauth:\n  base_url: https://id.twitch.tv/oauth2\n  endpoints:\n" + endpoint + endpoint + grant
    problems = problems_for(tmp_path, text)
    file = str(tmp_path / "extra.yaml")
    assert problems == [Problem(file, 10, "oauth.endpoints[1].id", f"duplicate OAuth endpoint id 'oauth-extra'; first defined at {file}:5")]
