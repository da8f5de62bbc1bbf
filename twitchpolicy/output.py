"""Deliver a rendered report: decide on colour and write to standard output or to ``--output-file``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


class OutputError(Exception):
    """Raised when the output file cannot be written; the message names the file."""


def color_enabled(choice: str, is_terminal: bool, environ: Mapping[str, str]) -> bool:
    """Decide on ANSI colour for ``--color`` ``always``, ``never`` or ``auto``.

    ``auto`` follows the NO_COLOR and FORCE_COLOR conventions: a non-empty NO_COLOR
    turns colour off, and otherwise a non-empty FORCE_COLOR turns it on. Without
    either, colour is on only when the output is a terminal.
    """
    if choice != "auto":
        return choice == "always"
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return is_terminal


def escape_surrogates(text: str) -> str:
    """Replace lone surrogates, which UTF-8 cannot encode, with ``\\uXXXX`` escapes.

    They reach a report from string escapes in scanned code (``"\\ud800"``) and from
    file names that are not valid UTF-8, which Python decodes with surrogateescape.
    In a JSON string the escape is valid JSON, and elsewhere it is plain text.
    """
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def write_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8, creating missing parent folders; raise OSError on failure."""
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    Path(path).write_text(text, encoding="utf-8")


def write_output_file(path: str, text: str) -> None:
    """Write ``text`` to ``path``, creating missing parent folders."""
    try:
        write_text(path, text)
    except OSError as error:
        raise OutputError(f"cannot write output file {path}: {error.strerror or error}") from None
