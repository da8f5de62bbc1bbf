"""The machine-readable formats of ``twitchpolicy check``: SARIF, GitHub annotations, GitLab Code Quality, JUnit, JSON Lines."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, Project
from report_project import BOT, CHATTERS_MESSAGE, CLIP_MESSAGE, GAMES_MESSAGE
from twitchpolicy.formats.github import annotation, escape_data, escape_property
from twitchpolicy.rules import RULES, AppTokenNotAccepted

SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
SARIF_FIXTURES = ["requests_app_token_bot", "aiohttp_bot", "axios_fetch_bot", "kraken_bot", "twurple_bot", "multi_module_bot", "clean_bot"]


def sarif_errors(document: dict) -> list[str]:
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(document)]


# ---------------------------------------------------------------- SARIF


@pytest.mark.parametrize("fixture", SARIF_FIXTURES)
def test_sarif_fixture_valid(cli, fixture: str) -> None:
    result = cli("check", "--format", "sarif", f"fixtures/{fixture}")
    document = json.loads(result.stdout)

    assert sarif_errors(document) == []
    lines = (ROOT / "fixtures" / fixture / "expected.txt").read_text(encoding="utf-8").splitlines()
    expected = [line for line in lines if line.strip() and not line.startswith("#")]
    places = []
    for item in document["runs"][0]["results"]:
        location = item["locations"][0]["physicalLocation"]
        region = location["region"]
        places.append(f"{location['artifactLocation']['uri']}:{region['startLine']}:{region['startColumn']}: {item['ruleId']}")
    assert places == expected


def test_sarif_driver_and_rules(project: Project, cli) -> None:
    project.write("bot.py", BOT)
    document = json.loads(cli("check", "--format", "sarif", ".", cwd=project.root).stdout)

    driver = document["runs"][0]["tool"]["driver"]
    assert document["version"] == "2.1.0"
    assert driver["name"] == "twitchpolicy"
    assert driver["version"] == "0.1.0"
    assert driver["informationUri"] == "https://pypi.org/project/twitchpolicy/"
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in RULES]
    tp201 = driver["rules"][6]
    assert tp201["id"] == "TP201"
    assert tp201["name"] == "app-token-not-accepted"
    assert tp201["shortDescription"]["text"] == AppTokenNotAccepted.summary
    assert tp201["fullDescription"]["text"] == AppTokenNotAccepted.rationale
    assert tp201["help"]["text"].startswith(AppTokenNotAccepted.rationale + "\n\nFix: " + AppTokenNotAccepted.fix + "\n\nBad:\n")
    assert "**Good:**\n\n```\n" + AppTokenNotAccepted.good + "\n```" in tp201["help"]["markdown"]
    assert tp201["helpUri"] == "https://dev.twitch.tv/docs/api/reference/"
    assert tp201["defaultConfiguration"] == {"level": "error"}
    assert driver["rules"][11]["defaultConfiguration"] == {"level": "warning"}


def test_sarif_results_locations(project: Project, cli) -> None:
    project.write("bot.py", BOT)
    document = json.loads(cli("check", "--format", "sarif", ".", cwd=project.root).stdout)
    gitlab = json.loads(cli("check", "--format", "gitlab", ".", cwd=project.root).stdout)

    run = document["runs"][0]
    assert sarif_errors(document) == []
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": project.root.resolve().as_uri() + "/"}}
    assert run["columnKind"] == "unicodeCodePoints"
    first = run["results"][0]
    assert first["ruleId"] == "TP201"
    assert first["ruleIndex"] == 6
    assert first["level"] == "error"
    assert first["message"] == {"text": CLIP_MESSAGE}
    assert first["locations"] == [
        {"physicalLocation": {"artifactLocation": {"uri": "bot.py", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 15, "startColumn": 12, "endLine": 15}}}
    ]
    assert first["properties"]["endpoint"] == "create-clip"
    assert first["properties"]["evidence"] == "token from client_credentials request at bot.py:9"
    assert [result["partialFingerprints"]["twitchpolicy/v1"] for result in run["results"]] == [issue["fingerprint"] for issue in gitlab]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [(note["level"], note["message"]["text"]) for note in notes] == [("note", "token kind unknown for get-top-games; no token rule ran on this call")]


def test_sarif_parse_error_notified(project: Project, cli) -> None:
    project.write("broken.py", 'import requests\nrequests.get("https://api.twitch.tv/helix/users"\n')
    project.write("sub dir/bot.py", BOT)
    document = json.loads(cli("check", "--format", "sarif", ".", cwd=project.root).stdout)

    run = document["runs"][0]
    assert sarif_errors(document) == []
    parse_results = [result for result in run["results"] if result["ruleId"] == "TP901"]
    assert len(parse_results) == 1
    assert parse_results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.py"
    notes = [note for note in run["invocations"][0]["toolExecutionNotifications"] if note["level"] == "error"]
    assert [note["associatedRule"] for note in notes] == [{"id": "TP901", "index": 21}]
    uris = {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in run["results"]}
    assert "sub%20dir/bot.py" in uris


def test_sarif_path_outside_root(project: Project, cli, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "bot.py").write_text(BOT, encoding="utf-8")
    document = json.loads(cli("check", "--format", "sarif", str(outside), cwd=project.root).stdout)

    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (outside / "bot.py").resolve().as_uri()}
    assert sarif_errors(document) == []


# ---------------------------------------------------------------- GitHub annotations


def test_github_escape_exact() -> None:
    assert escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert escape_property("dir:a,b/100%.py\n") == "dir%3Aa%2Cb/100%25.py%0A"


def test_github_annotation_exact() -> None:
    finding = AppTokenNotAccepted("src/a,b:c.py", 7, 3, ("Create Clip (POST /helix/clips)", "a user access token", "100% sure\nreally"), end_line=9)

    assert annotation(finding) == (
        "::error file=src/a%2Cb%3Ac.py,line=7,endLine=9,col=3,title=TP201 app-token-not-accepted::"
        "Create Clip (POST /helix/clips) does not accept an app access token; it needs a user access token (100%25 sure%0Areally)"
    )


def test_github_format_output(project: Project, cli) -> None:
    project.write("bot.py", BOT)
    result = cli("check", "--format", "github", ".", cwd=project.root)

    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"::error file=bot.py,line=15,col=12,title=TP201 app-token-not-accepted::{CLIP_MESSAGE} (https://dev.twitch.tv/docs/api/reference/#create-clip)",
        f"::error file=bot.py,line=21,col=12,title=TP201 app-token-not-accepted::{CHATTERS_MESSAGE} (https://dev.twitch.tv/docs/api/reference/#get-chatters)",
        f"::error file=bot.py,line=25,col=12,title=TP402 missing-authorization::{GAMES_MESSAGE} (https://dev.twitch.tv/docs/api/reference/#get-top-games)",
    ]


def test_github_warning_command(project: Project, cli) -> None:
    project.write("bot.py", 'HELIX = "https://api.twitch.tv/helix"\nx = 1  # twitchpolicy: ignore[TP101]\n')
    result = cli("check", "--format", "github", ".", cwd=project.root)

    assert result.stdout == "::warning file=bot.py,line=2,col=8,title=TP903 unused-suppression::suppression ignore[TP101] matches no finding\n"


def test_control_characters_escaped(project: Project, cli) -> None:
    # The literal is written with Python escapes, so the scanned URL contains ESC and SOH.
    project.write("bot.py", 'import requests\n\nrequests.get("https://api.twitch.tv/helix/nope\\x1b]0;title\\x07\\x01")\n')
    text = cli("check", "--no-cache", ".", cwd=project.root)
    github = cli("check", "--no-cache", "--format", "github", ".", cwd=project.root)

    assert text.returncode == 1
    assert text.stdout.splitlines()[0] == (
        "bot.py:3:1: TP101 /helix/nope\\x1b]0;title\\x07\\x01 is not a Twitch API endpoint (https://dev.twitch.tv/docs/api/reference/)"
    )
    assert github.returncode == 1
    assert github.stdout == (
        "::error file=bot.py,line=3,col=1,title=TP101 unknown-endpoint::"
        "/helix/nope\\x1b]0;title\\x07\\x01 is not a Twitch API endpoint (https://dev.twitch.tv/docs/api/reference/)\n"
    )


SURROGATE_BOT = 'import requests\n\nrequests.get("https://api.twitch.tv/helix/nope\\ud800")\n'


@pytest.mark.parametrize("output_format", ["text", "json-lines", "sarif", "github", "gitlab", "junit"])
def test_lone_surrogate_escaped(project: Project, cli, output_format: str) -> None:
    # The Python escape in the literal gives a URL with a lone surrogate, which UTF-8 cannot encode.
    project.write("bot.py", SURROGATE_BOT)
    printed = cli("check", "--no-cache", "--format", output_format, ".", cwd=project.root)
    written = cli("check", "--no-cache", "--format", output_format, "-o", "report.out", ".", cwd=project.root)

    assert printed.stderr == ""
    assert printed.returncode == 1
    assert "/helix/nope\\ud800" in printed.stdout
    assert written.stderr == ""
    assert written.returncode == 1
    assert (project.root / "report.out").read_text(encoding="utf-8") == printed.stdout


def test_lone_surrogate_in_baseline(project: Project, cli) -> None:
    project.write("bot.py", SURROGATE_BOT)
    recorded = cli("check", "--no-cache", "--write-baseline", "baseline.json", ".", cwd=project.root)
    filtered = cli("check", "--no-cache", "--baseline", "baseline.json", ".", cwd=project.root)

    assert recorded.stderr == ""
    assert recorded.returncode == 0
    entries = json.loads((project.root / "baseline.json").read_text(encoding="utf-8"))["findings"]
    assert [entry["code"] for entry in entries] == ["TP101"]
    assert filtered.returncode == 0
    assert filtered.stdout == "All checks passed (1 file scanned; 1 finding hidden by baseline baseline.json).\n"


def test_sarif_undecodable_file_name(tmp_path: Path, cli) -> None:
    (tmp_path / os.fsdecode(b"bad\xff.py")).write_text('import requests\nrequests.get("https://api.twitch.tv/kraken/users")\n', encoding="utf-8")
    result = cli("check", "--no-cache", "--format", "sarif", ".", cwd=tmp_path)

    assert result.stderr == ""
    assert result.returncode == 1
    locations = [item["locations"][0]["physicalLocation"]["artifactLocation"] for item in json.loads(result.stdout)["runs"][0]["results"]]
    assert locations == [{"uri": "bad%FF.py", "uriBaseId": "%SRCROOT%"}]


# ---------------------------------------------------------------- GitLab Code Quality


def test_gitlab_exact_structure(project: Project, cli) -> None:
    project.write("bot.py", BOT)
    issues = json.loads(cli("check", "--format", "gitlab", ".", cwd=project.root).stdout)

    fingerprints = [issue.pop("fingerprint") for issue in issues]
    assert issues == [
        {"description": f"TP201 {CLIP_MESSAGE}", "check_name": "TP201", "severity": "major", "location": {"path": "bot.py", "lines": {"begin": 15}}},
        {"description": f"TP201 {CHATTERS_MESSAGE}", "check_name": "TP201", "severity": "major", "location": {"path": "bot.py", "lines": {"begin": 21}}},
        {"description": f"TP402 {GAMES_MESSAGE}", "check_name": "TP402", "severity": "major", "location": {"path": "bot.py", "lines": {"begin": 25}}},
    ]
    assert len(set(fingerprints)) == 3
    assert all(len(fingerprint) == 32 and int(fingerprint, 16) >= 0 for fingerprint in fingerprints)


def test_gitlab_fingerprint_survives_line_move(project: Project, cli) -> None:
    project.write("bot.py", BOT)
    before = json.loads(cli("check", "--format", "gitlab", ".", cwd=project.root).stdout)
    project.write("bot.py", '"""Moved down by this docstring."""\n\n\n' + BOT)
    after = json.loads(cli("check", "--format", "gitlab", ".", cwd=project.root).stdout)

    assert [issue["location"]["lines"]["begin"] for issue in after] == [18, 24, 28]
    assert [issue["fingerprint"] for issue in after] == [issue["fingerprint"] for issue in before]


def test_gitlab_fingerprint_copied_fixture(tmp_path: Path, cli) -> None:
    # The fixture's findings quote evidence as path:line, so a line moving above them changes their messages.
    source = (ROOT / "fixtures" / "requests_app_token_bot" / "bot.py").read_text(encoding="utf-8")
    (tmp_path / "bot.py").write_text(source, encoding="utf-8")
    before = json.loads(cli("check", "--format", "gitlab", ".", cwd=tmp_path).stdout)
    (tmp_path / "bot.py").write_text("# one\n# two\n\n" + source, encoding="utf-8")
    after = json.loads(cli("check", "--format", "gitlab", ".", cwd=tmp_path).stdout)

    assert len(before) == 4
    assert [issue["location"]["lines"]["begin"] for issue in after] == [issue["location"]["lines"]["begin"] + 3 for issue in before]
    assert [issue["fingerprint"] for issue in after] == [issue["fingerprint"] for issue in before]


@pytest.mark.parametrize(
    ("old", "new", "vanished", "added"),
    [
        ('HELIX + "/clips"', 'HELIX + "/chat/announcements"', ["TP201"], ["TP201"]),
        ('f"Bearer {token}", "Client-Id": client_id}\n    return requests.post', 'f"OAuth {token}", "Client-Id": client_id}\n    return requests.post', [], ["TP403"]),
        ('"Client-Id": client_id})', '"Client-Id": client_id, "Authorization": f"Bearer {app_token(client_id, None)}"})', ["TP402"], []),
    ],
)
def test_gitlab_fingerprint_changes_with_call(project: Project, cli, old: str, new: str, vanished: list[str], added: list[str]) -> None:
    project.write("bot.py", BOT)
    before = json.loads(cli("check", "--format", "gitlab", ".", cwd=project.root).stdout)
    assert BOT.count(old) == 1
    project.write("bot.py", BOT.replace(old, new))
    after = json.loads(cli("check", "--format", "gitlab", ".", cwd=project.root).stdout)

    before_prints = {issue["fingerprint"] for issue in before}
    after_prints = {issue["fingerprint"] for issue in after}
    assert [issue["check_name"] for issue in before if issue["fingerprint"] not in after_prints] == vanished
    assert [issue["check_name"] for issue in after if issue["fingerprint"] not in before_prints] == added


def test_gitlab_fingerprint_keeps_with_requested_scope(project: Project, cli) -> None:
    auth = 'AUTHORIZE = "https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=cid&redirect_uri=http://localhost&scope={}"\n'
    clip = 'import requests\nfrom auth import AUTHORIZE\n\n\ndef clip(token):\n    return requests.post("https://api.twitch.tv/helix/clips", headers={"Authorization": f"Bearer {token}", "Client-Id": "cid"})  # twitchpolicy: token=user\n'
    project.write("clip.py", clip)
    project.write("auth.py", auth.format("chat:read"))
    before = json.loads(cli("check", "--format", "gitlab", "--select", "TP301", ".", cwd=project.root).stdout)
    project.write("auth.py", auth.format("chat:edit"))
    after = json.loads(cli("check", "--format", "gitlab", "--select", "TP301", ".", cwd=project.root).stdout)

    assert [issue["location"] for issue in before] == [issue["location"] for issue in after] == [{"path": "clip.py", "lines": {"begin": 6}}]
    assert before[0]["description"] != after[0]["description"]
    assert before[0]["fingerprint"] == after[0]["fingerprint"]


# ---------------------------------------------------------------- JUnit and JSON Lines


def test_junit_parses(project: Project, cli) -> None:
    project.write("bot.py", BOT)
    project.write("clean.py", "print('no Twitch here')\n")
    result = cli("check", "--format", "junit", ".", cwd=project.root)

    root = ElementTree.fromstring(result.stdout)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("4", "3", "0", "0")
    cases = suite.findall("testcase")
    assert [(case.get("classname"), case.get("name"), case.get("line")) for case in cases] == [
        ("bot.py", "TP201 app-token-not-accepted at 15:12", "15"),
        ("bot.py", "TP201 app-token-not-accepted at 21:12", "21"),
        ("bot.py", "TP402 missing-authorization at 25:12", "25"),
        ("clean.py", "clean.py", None),
    ]
    failure = cases[0].find("failure")
    assert failure.get("message") == CLIP_MESSAGE
    assert failure.get("type") == "TP201"
    assert failure.text.splitlines()[0] == f"bot.py:15:12: TP201 {CLIP_MESSAGE}"
    assert cases[3].find("failure") is None


def test_junit_control_character_paths(project: Project, cli) -> None:
    project.write("a\x1bb.py", 'import requests\nrequests.get("https://api.twitch.tv/kraken/users")\n')
    project.write("c\x01.py", "# no Twitch call here\n")
    result = cli("check", "--no-cache", "--format", "junit", ".", cwd=project.root)

    assert result.returncode == 1
    cases = ElementTree.fromstring(result.stdout).find("testsuite").findall("testcase")
    assert [(case.get("classname"), case.get("file"), case.get("name")) for case in cases] == [
        ("a\ufffdb.py", "a\ufffdb.py", "TP103 kraken-endpoint at 2:1"),
        ("c\ufffd.py", "c\ufffd.py", "c\ufffd.py"),
    ]


def test_junit_lists_files_prefilter_skips(project: Project, cli) -> None:
    project.write("bot.py", 'import requests\nrequests.get("https://api.twitch.tv/kraken/users")\n')
    project.write("util.py", "def pad(text):\n    return text.rjust(4)\n")
    result = cli("check", "--no-cache", "--format", "junit", ".", cwd=project.root)

    assert result.returncode == 1
    suite = ElementTree.fromstring(result.stdout).find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    assert [(case.get("classname"), case.get("name")) for case in suite.findall("testcase")] == [
        ("bot.py", "TP103 kraken-endpoint at 2:1"),
        ("util.py", "util.py"),
    ]


def test_junit_clean_run(cli) -> None:
    result = cli("check", "--format", "junit", "fixtures/clean_bot")

    suite = ElementTree.fromstring(result.stdout).find("testsuite")
    assert result.returncode == 0
    assert (suite.get("tests"), suite.get("failures")) == ("1", "0")
    assert suite.find("testcase").get("name") == "fixtures/clean_bot/bot.py"


def test_json_lines_one_per_finding(cli) -> None:
    lines = cli("check", "--format", "json-lines", "fixtures/aiohttp_bot").stdout.splitlines()
    document = json.loads(cli("check", "--format", "json", "fixtures/aiohttp_bot").stdout)

    assert len(lines) == len(document["findings"]) == 5
    records = [json.loads(line) for line in lines]
    assert [{key: value for key, value in record.items() if key != "fingerprint"} for record in records] == document["findings"]
    assert all(len(record["fingerprint"]) == 32 for record in records)


def test_json_lines_empty_when_clean(cli) -> None:
    result = cli("check", "--format", "json-lines", "fixtures/clean_bot")

    assert result.returncode == 0
    assert result.stdout == ""


# ---------------------------------------------------------------- order


def github_place(annotation_line: str) -> tuple[str, int, str]:
    """Return the path, line and code of a ``::error file=...,line=...,col=...,title=CODE name::message`` line."""
    properties = dict(item.split("=", 1) for item in annotation_line.split(" ", 1)[1].split("::")[0].split(","))
    return properties["file"], int(properties["line"]), properties["title"].split()[0]


@pytest.mark.parametrize("output_format", ["json", "json-lines", "sarif", "github", "gitlab", "junit"])
def test_formats_keep_order(project: Project, cli, output_format: str) -> None:
    project.write("b.py", BOT)
    project.write("a/z.py", BOT)
    text = cli("check", ".", cwd=project.root).stdout.splitlines()[:-2]
    expected = [(line.split(":")[0], int(line.split(":")[1]), line.split()[1]) for line in text]
    output = cli("check", "--format", output_format, ".", cwd=project.root).stdout

    if output_format == "json":
        places = [(item["path"], item["line"], item["code"]) for item in json.loads(output)["findings"]]
    elif output_format == "json-lines":
        places = [(item["path"], item["line"], item["code"]) for item in map(json.loads, output.splitlines())]
    elif output_format == "sarif":
        results = json.loads(output)["runs"][0]["results"]
        places = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"]) for r in results]
    elif output_format == "github":
        places = [github_place(line) for line in output.splitlines()]
    elif output_format == "gitlab":
        places = [(item["location"]["path"], item["location"]["lines"]["begin"], item["check_name"]) for item in json.loads(output)]
    else:
        cases = ElementTree.fromstring(output).find("testsuite").findall("testcase")
        places = [(case.get("classname"), int(case.get("line")), case.get("name").split()[0]) for case in cases]
    assert len(expected) == 6
    assert places == expected


def test_cli_format_choices_match_renderers() -> None:
    from twitchpolicy import cli
    from twitchpolicy.formats import RENDERERS

    assert cli.FORMATS == tuple(RENDERERS)
