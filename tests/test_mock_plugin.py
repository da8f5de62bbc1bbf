"""The pytest plugin as another project uses it: the sample bot under fixtures/mock_bot runs through pytester."""

from __future__ import annotations

import shutil
from xml.etree import ElementTree
from pathlib import Path

import pytest

from twitchpolicy.mock import World
from twitchpolicy.registry import load_registry

pytest_plugins = ["pytester"]

# pytester's in-process runs unload the modules a run imported. Loading the registry
# here keeps the YAML loader imported once; a second import breaks PyYAML's constructors.
load_registry()

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "mock_bot"


def copy_sample(pytester: pytest.Pytester) -> None:
    for item in SAMPLE.iterdir():
        if item.name in ("__pycache__", ".pytest_cache"):
            continue
        target = pytester.path / item.name
        if item.is_dir():
            shutil.copytree(item, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(item, target)


def test_sample_bot_suite_passes(pytester: pytest.Pytester) -> None:
    copy_sample(pytester)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=11)


def test_scenario_ids_are_readable(pytester: pytest.Pytester) -> None:
    copy_sample(pytester)
    result = pytester.runpytest("-p", "no:cacheprovider", "--collect-only", "-q", "-k", "each_token")
    result.stdout.fnmatch_lines(
        [
            "tests/test_bot.py::test_clip_each_token[app-token]",
            "tests/test_bot.py::test_clip_each_token[user-token]",
            "tests/test_bot.py::test_clip_each_token[user-token-missing-scope]",
            "tests/test_bot.py::test_clip_each_token[revoked-user-token]",
            "tests/test_bot.py::test_clip_each_token[expired-user-token]",
        ]
    )


def test_missing_scope_scenario_only_where_scopes_apply(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.twitch_token_scenarios("get-streams")
        def test_streams(twitch_mock, twitch_scenario):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--collect-only", "-q")
    collected = [line.split("::")[-1] for line in result.stdout.lines if "::" in line]
    assert collected == ["test_streams[app-token]", "test_streams[user-token]", "test_streams[revoked-user-token]", "test_streams[expired-user-token]"]


def test_unknown_endpoint_in_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.twitch_token_scenarios("no-such-endpoint")
        def test_nothing(twitch_mock, twitch_scenario):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*unknown endpoint id 'no-such-endpoint'*"])


def test_other_host_fails_even_if_caught(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_swallows(twitch_mock):
            try:
                httpx.get("https://example.invalid/status")
            except Exception:
                pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*hosts other than api.twitch.tv and id.twitch.tv*", "*GET https://example.invalid/status*"])


def test_failure_output_hides_tokens(pytester: pytest.Pytester) -> None:
    # Tokens differ in every world, so the inner test writes its token to a file for this check.
    pytester.makepyfile(
        """
        from pathlib import Path

        def test_leaks(twitch_mock):
            token = twitch_mock.app_token()
            Path("issued-token.txt").write_text(token.access_token)
            print("token is", token.access_token, "or", token.access_token.upper())
            assert token.access_token == "something else"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    secret = (pytester.path / "issued-token.txt").read_text()
    output = result.stdout.str()
    assert secret[:4] + "…" in output
    assert secret not in output
    assert secret[4:12] not in output
    assert secret.upper() not in output
    assert secret[4:12].upper() not in output


def test_rejection_helper_fails_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_app_token_on_create_clip(twitch_mock):
            token = twitch_mock.app_token()
            httpx.post("https://api.twitch.tv/helix/clips?broadcaster_id=1000001", headers=twitch_mock.headers(token))
            twitch_mock.calls.assert_authorized()
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*1 call(s) were rejected by Twitch authorization checks*", "*create-clip] with app -> 401 'Missing User OAUTH Token'*"])


def test_token_from_earlier_test_rejected(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx

        CACHE = {}

        def cached_app_token(twitch_mock):
            if "app" not in CACHE:
                form = {"client_id": twitch_mock.client.client_id, "client_secret": twitch_mock.client.client_secret, "grant_type": "client_credentials"}
                CACHE["app"] = httpx.post("https://id.twitch.tv/oauth2/token", data=form).json()["access_token"]
            return CACHE["app"]

        def test_first(twitch_mock):
            assert cached_app_token(twitch_mock)

        def test_second(twitch_mock):
            twitch_mock.user_token("bot_user", ["clips:edit"])
            headers = {"Authorization": f"Bearer {cached_app_token(twitch_mock)}", "Client-Id": twitch_mock.client.client_id}
            response = httpx.post("https://api.twitch.tv/helix/clips", params={"broadcaster_id": "1000001"}, headers=headers)
            assert response.status_code == 401
            assert response.json()["message"] == "Invalid OAuth token"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_scenarios_pass_assert_authorized(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        @pytest.mark.twitch_token_scenarios("send-chat-message")
        def test_chat(twitch_mock, twitch_scenario):
            message = {"broadcaster_id": "1000001", "sender_id": "1000002", "message": "hello"}
            response = httpx.post("https://api.twitch.tv/helix/chat/messages", json=message, headers=twitch_mock.headers(twitch_scenario.token))
            assert response.status_code == (twitch_scenario.expected_status or 200)
            twitch_mock.calls.assert_authorized()

        @pytest.mark.twitch_token_scenarios("get-extensions")
        def test_extensions(twitch_mock, twitch_scenario):
            params = {"extension_id": twitch_mock.extension.client_id}
            response = httpx.get("https://api.twitch.tv/helix/extensions", params=params, headers=twitch_mock.headers(twitch_scenario.token))
            assert (response.status_code, response.json()["message"]) == (twitch_scenario.expected_status, twitch_scenario.expected_message)
            twitch_mock.calls.assert_authorized()

        @pytest.mark.twitch_token_scenarios("get-channel-icalendar")
        def test_icalendar(twitch_mock, twitch_scenario):
            response = httpx.get("https://api.twitch.tv/helix/schedule/icalendar", params={"broadcaster_id": "1000001"}, headers=twitch_mock.headers(twitch_scenario.token))
            assert twitch_scenario.authorized
            assert response.status_code == 200
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=13)


def test_respx_routers_of_the_test_work(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        import respx

        WEBHOOK = "https://chat-relay.example.invalid/webhook"

        def streams(twitch_mock):
            return httpx.get("https://api.twitch.tv/helix/streams", headers=twitch_mock.headers(twitch_mock.app_token()))

        def test_fixture_before(respx_mock, twitch_mock):
            respx_mock.post(WEBHOOK).respond(204)
            assert httpx.post(WEBHOOK).status_code == 204
            assert streams(twitch_mock).status_code == 200

        def test_fixture_after(twitch_mock, respx_mock):
            respx_mock.post(WEBHOOK).respond(204)
            assert httpx.post(WEBHOOK).status_code == 204
            assert streams(twitch_mock).status_code == 200

        @respx.mock
        def test_decorator(twitch_mock):
            respx.post(WEBHOOK).respond(204)
            assert httpx.post(WEBHOOK).status_code == 204
            assert streams(twitch_mock).status_code == 200

        def test_context(twitch_mock):
            with respx.mock(assert_all_called=False) as router:
                router.post(WEBHOOK).respond(204)
                assert httpx.post(WEBHOOK).status_code == 204
                assert streams(twitch_mock).status_code == 200

        def test_unmocked_host_swallowed(twitch_mock, respx_mock):
            respx_mock.post(WEBHOOK).respond(204)
            try:
                httpx.get("https://other.example.invalid/status")
            except Exception:
                pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=5, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_unmocked_host_swallowed*", "*GET https://other.example.invalid/status*"])


def test_redacted_report_keeps_summary_and_junit(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    # A wide terminal keeps pytest from shortening the summary line.
    monkeypatch.setenv("COLUMNS", "300")
    pytester.makepyfile(
        """
        from pathlib import Path

        def test_leaks(twitch_mock):
            token = twitch_mock.user_token("bot_user", ["clips:edit"])
            Path("issued-token.txt").write_text(token.access_token)
            assert token.access_token == "wrong"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-rf", "--junitxml=report.xml")
    result.assert_outcomes(failed=1)
    secret = (pytester.path / "issued-token.txt").read_text()

    summary = [line for line in result.stdout.lines if line.startswith("FAILED")]
    assert len(summary) == 1
    assert summary[0].startswith(f"FAILED test_redacted_report_keeps_summary_and_junit.py::test_leaks - AssertionError: assert '{secret[:4]}…")
    assert summary[0].endswith("' == 'wrong'")
    assert secret not in result.stdout.str()
    assert secret[-8:] not in result.stdout.str()

    failure = ElementTree.parse(pytester.path / "report.xml").find(".//testcase/failure")
    assert failure is not None
    message = failure.get("message", "")
    assert message.startswith(f"AssertionError: assert '{secret[:4]}…")
    assert "def test_leaks" not in message
    assert secret not in message
    assert secret not in (failure.text or "")
    assert "def test_leaks" in (failure.text or "")


def test_failure_output_hides_extension_jwt(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from pathlib import Path

        def test_jwt(twitch_mock):
            jwt = twitch_mock.extension_jwt()
            Path("issued-jwt.txt").write_text(jwt)
            assert jwt == ""
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    header, payload, signature = (pytester.path / "issued-jwt.txt").read_text().split(".")
    output = result.stdout.str()
    assert header not in output
    assert payload not in output
    assert signature not in output


WALL_CLOCK_TEST = """
import time

import httpx

def test_reset_follows_wall_clock(twitch_mock):
    before = time.time()
    token = twitch_mock.app_token()
    twitch_mock.exhaust_rate_limit(token)
    response = httpx.get("https://api.twitch.tv/helix/streams", headers=twitch_mock.headers(token))
    assert response.status_code == 429
    reset = int(response.headers["Ratelimit-Reset"])
    assert before + 59 <= reset <= time.time() + 61
"""


def test_wall_clock_from_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntwitch_mock_clock = wall\n")
    pytester.makepyfile(WALL_CLOCK_TEST)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_world_marker_options(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        WALL_CLOCK_TEST.replace("def test_reset", "@pytest.mark.twitch_world(clock='wall')\ndef test_reset").replace("import httpx", "import httpx\nimport pytest")
        + """
@pytest.mark.twitch_world(rate_limit=3)
def test_small_bucket(twitch_mock):
    token = twitch_mock.app_token()
    statuses = [httpx.get("https://api.twitch.tv/helix/streams", headers=twitch_mock.headers(token)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]

@pytest.mark.twitch_world(clock=1_800_000_000)
def test_clock_at_time(twitch_mock):
    assert twitch_mock.clock.rfc3339() == "2027-01-15T08:00:00Z"

def test_default_clock(twitch_mock):
    assert twitch_mock.clock.rfc3339() == "2026-01-01T00:00:00Z"
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_world_marker_rejects_bad_options(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.twitch_world(clock="sundial")
        def test_bad_clock(twitch_mock):
            pass

        @pytest.mark.twitch_world(speed=3)
        def test_bad_option(twitch_mock):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*twitch_world: invalid clock 'sundial'; use 'fixed', 'wall' or a Unix time in seconds*", "*twitch_world: unknown option 'speed'; the options are seed, clock and rate_limit*"])


def test_clock_ini_rejects_bad_value(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntwitch_mock_clock = tomorrow\n")
    pytester.makepyfile("def test_any(twitch_mock):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*twitch_mock_clock = 'tomorrow' is invalid; use 'fixed' or 'wall'*"])
