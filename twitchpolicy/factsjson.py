"""Convert scanner facts to JSON-compatible data and back, for the cache.

Only plain data is written and read, never pickle: a scanned repository may
commit a crafted cache, and reading it must not run code. Decoding raises
``ValueError`` on anything it does not expect.
"""

from __future__ import annotations

from typing import Any

from twitchpolicy.sites import CallSite, Fields, FileFacts, FileProblem, ScopeRequest, Secret, TokenEvidence, TokenRequest


def encode_value(value: object) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, Fields):
        return {"fields": {key: encode_value(item) for key, item in value.values.items()}, "complete": value.complete}
    if isinstance(value, (list, tuple)):
        return {"tuple" if isinstance(value, tuple) else "list": [encode_value(item) for item in value]}
    raise ValueError(f"cannot store a {type(value).__name__} in the cache")


def decode_value(data: Any) -> object:
    if data is None or isinstance(data, (str, bool, int, float)):
        return data
    if not isinstance(data, dict):
        raise ValueError("invalid cached value")
    if "fields" in data:
        return _fields(data)
    if "tuple" in data:
        return tuple(decode_value(item) for item in _list(data["tuple"]))
    if "list" in data:
        return [decode_value(item) for item in _list(data["list"])]
    raise ValueError("invalid cached value")


def _fields(data: Any) -> Fields | None:
    if data is None:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict) or not isinstance(data.get("complete"), bool):
        raise ValueError("invalid cached fields")
    return Fields({str(key): decode_value(item) for key, item in data["fields"].items()}, data["complete"])


def _list(data: Any) -> list:
    if not isinstance(data, list):
        raise ValueError("invalid cached list")
    return data


def _strings(data: Any) -> tuple[str, ...]:
    items = _list(data)
    if not all(isinstance(item, str) for item in items):
        raise ValueError("invalid cached strings")
    return tuple(items)


def encode_facts(facts: FileFacts) -> dict:
    return {
        "sites": [_encode_site(site) for site in facts.sites],
        "scope_requests": [
            [r.path, r.line, r.column, list(r.scopes), r.source, r.grant, r.complete, r.end_line] for r in facts.scope_requests
        ],
        "token_requests": [[r.path, r.line, r.column, r.grant] for r in facts.token_requests],
        "secrets": [[s.path, s.line, s.column, s.name, s.kind, s.masked] for s in facts.secrets],
        "reads_refresh_token": facts.reads_refresh_token,
    }


def decode_facts(data: Any) -> FileFacts:
    if not isinstance(data, dict):
        raise ValueError("invalid cached facts")
    try:
        return FileFacts(
            sites=[_decode_site(item) for item in _list(data["sites"])],
            scope_requests=[_decode_scope_request(item) for item in _list(data["scope_requests"])],
            token_requests=[
                TokenRequest(_text(path), _number(line), _number(column), _optional_text(grant))
                for path, line, column, grant in _list(data["token_requests"])
            ],
            secrets=[_decode_secret(item) for item in _list(data["secrets"])],
            reads_refresh_token=bool(data["reads_refresh_token"]),
        )
    except (KeyError, TypeError) as error:
        raise ValueError(f"invalid cached facts: {error}") from None


def _decode_scope_request(data: Any) -> ScopeRequest:
    path, line, column, scopes, source, grant, complete, end_line = _list(data)
    if not isinstance(complete, bool):
        raise ValueError("invalid cached scope request")
    return ScopeRequest(_text(path), _number(line), _number(column), _strings(scopes), _text(source), _optional_text(grant), complete, _number(end_line))


def _decode_secret(data: Any) -> Secret:
    path, line, column, name, kind, masked = _list(data)
    return Secret(_text(path), _number(line), _number(column), _text(name), _text(kind), _text(masked))


def _text(data: Any) -> str:
    if not isinstance(data, str):
        raise ValueError("invalid cached text")
    return data


def _optional_text(data: Any) -> str | None:
    return None if data is None else _text(data)


def _number(data: Any) -> int:
    # bool is a subclass of int, but no line or column is ever stored as one.
    if not isinstance(data, int) or isinstance(data, bool):
        raise ValueError("invalid cached line or column")
    return data


def _encode_site(site: CallSite) -> dict:
    token = site.token
    return {
        "at": [site.path, site.line, site.column, site.end_line],
        "url": site.url,
        "method": site.method,
        "kind": site.kind,
        "query": encode_value(site.query),
        "body": encode_value(site.body),
        "headers": encode_value(site.headers),
        "token": None if token is None else [token.kind, token.reason, None if token.scopes is None else list(token.scopes)],
        "endpoint": site.endpoint,
        "sdk": site.sdk,
        "credentials": list(site.credentials),
        "token_names": list(site.token_names),
    }


def _decode_site(data: Any) -> CallSite:
    if not isinstance(data, dict):
        raise ValueError("invalid cached call site")
    path, line, column, end_line = _list(data["at"])
    token = None
    if data["token"] is not None:
        kind, reason, scopes = _list(data["token"])
        token = TokenEvidence(_text(kind), _text(reason), None if scopes is None else _strings(scopes))
    return CallSite(
        _text(path),
        _number(line),
        _number(column),
        _text(data["url"]),
        _optional_text(data["method"]),
        _text(data["kind"]),
        end_line=_number(end_line),
        query=_fields(data["query"]),
        body=_fields(data["body"]),
        headers=_fields(data["headers"]),
        token=token,
        endpoint=_optional_text(data["endpoint"]),
        sdk=_optional_text(data["sdk"]),
        credentials=_strings(data["credentials"]),
        token_names=_strings(data["token_names"]),
    )


def encode_problem(problem: FileProblem) -> list:
    return [problem.path, problem.line, problem.column, problem.message, problem.kind]


def decode_problem(data: Any) -> FileProblem:
    path, line, column, message, kind = _list(data)
    return FileProblem(_text(path), _number(line), _number(column), _text(message), _text(kind))
