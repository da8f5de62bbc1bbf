"""The shipped policy files pass the schema and the checks beyond it."""

from __future__ import annotations

from collections import Counter

from twitchpolicy.registry import load_registry


def test_bundled_files_pass_schema() -> None:
    registry = load_registry(validate_bundled=True)
    assert len(registry.files) == 46
    assert registry.kraken_shutdown_on == "2022-02-28"


def test_bundled_status_counts() -> None:
    registry = load_registry(validate_bundled=True)
    counts = Counter(endpoint.status for endpoint in registry.endpoints)
    assert counts == {"live": 130, "beta": 12, "removed": 18}


def test_bundled_token_kind_counts() -> None:
    registry = load_registry(validate_bundled=True)
    live = [endpoint for endpoint in registry.endpoints if endpoint.status != "removed"]
    counts = Counter(endpoint.auth.token_kinds for endpoint in live)
    assert counts == {("user",): 84, ("app", "user"): 39, ("app",): 10, ("jwt",): 8, ("none",): 1}


def test_every_entry_names_reference_anchor() -> None:
    registry = load_registry(validate_bundled=True)
    helix_reference = "https://dev.twitch.tv/docs/api/reference/#"
    live = [endpoint for endpoint in registry.endpoints if endpoint.status != "removed"]
    assert [e.id for e in live if e.reference != helix_reference + e.id] == []


def test_unverified_pins_listed() -> None:
    registry = load_registry(validate_bundled=True)
    pins = [entry for entry in registry.unverified if entry.path == "/helix/chat/pins"]
    assert [entry.id for entry in pins] == ["get-pinned-chat-message", "pin-chat-message", "update-pinned-chat-message", "unpin-chat-message"]
    assert registry.lookup("PUT", "https://api.twitch.tv/helix/chat/pins").unverified == tuple(pins)
