"""Build the source trees that the speed benchmarks scan.

Two kinds of tree, both reproducible: the same kind, options and seed give
byte-identical files.

``stdlib``: the Python and stub files (``.py``, ``.pyi``) of the running
interpreter's standard library, without ``site-packages`` and ``__pycache__``.
Non-source files (test data, wheels, C headers) are dropped. Next to it, a
``twitch_bots`` package contains generated bots: mostly helper code with some
Twitch calls, a few deliberate mistakes, and a few JavaScript and TypeScript
files.

``twitch``: ``--files`` generated files, every one of them calling Twitch. Most
sit in small independent bot packages under ``bots/``, each with its own
settings, auth module and callers. About a fifth sit in a few large packages
whose callers share a Helix client module and import each other in a chain.

Run from the repository root::

    python bench/trees.py stdlib /tmp/tree-stdlib --seed 1
    python bench/trees.py twitch /tmp/tree-twitch --files 4000 --seed 1
    python bench/trees.py stdlib /tmp/tree-small --limit 100   # smoke runs

The output folder must be missing or empty. The last line printed is a JSON
object with the tree's file, line and byte counts.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import sysconfig
from pathlib import Path

from botcode import (
    BotSpec,
    auth_module,
    caller_module,
    choose_spec,
    javascript_module,
    settings_module,
    wrapper_module,
)

STDLIB_SUFFIXES = (".py", ".pyi")
STDLIB_SKIPPED_DIRS = frozenset({"site-packages", "__pycache__"})
STDLIB_BOT_PACKAGES = 12
DEFAULT_TWITCH_FILES = 4000
LARGE_PACKAGES = 4  # the maximum, because a tree gets one large package per 40 of its large-package files
LARGE_SHARE = 0.2


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def copy_stdlib(out: Path, limit: int | None = None) -> None:
    """Copy the standard library's source files in sorted order, skipping ``STDLIB_SKIPPED_DIRS``.

    ``limit`` keeps only the first that many files, for quick smoke runs.
    """
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    copied = 0
    for path in sorted(stdlib.rglob("*")):
        if limit is not None and copied >= limit:
            break
        relative = path.relative_to(stdlib)
        if STDLIB_SKIPPED_DIRS.intersection(relative.parts[:-1]) or relative.parts[0] in STDLIB_SKIPPED_DIRS:
            continue
        if path.is_file() and not path.is_symlink() and path.suffix in STDLIB_SUFFIXES:
            target = out / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
            copied += 1


def small_bot(out: Path, spec: BotSpec, rng: random.Random, files: int) -> None:
    """Write one bot package of ``files`` files: settings, auth, callers and maybe one script file."""
    folder = spec.package.replace(".", "/")
    write(out, f"{folder}/__init__.py", f'"""The {spec.package} bot."""\n')
    write(out, f"{folder}/settings.py", settings_module(spec))
    write(out, f"{folder}/auth.py", auth_module(spec, rng))
    remaining = files - 3
    wants_script = rng.random() < 0.4 or "oauth-prefix-in-js" in spec.mistakes
    if remaining >= 2 and wants_script:
        typescript = rng.random() < 0.5
        write(out, f"{folder}/overlay/stream.{'ts' if typescript else 'js'}", javascript_module(spec, rng, typescript))
        remaining -= 1
    for index in range(remaining):
        module = caller_module(spec, rng, calls=rng.randint(1, 3), fillers=rng.randint(3, 6), with_mistakes=index == 0)
        write(out, f"{folder}/commands_{index:02d}.py", module)


def large_bot(out: Path, spec: BotSpec, rng: random.Random, files: int) -> None:
    """Write one large package of ``files`` files whose callers go through ``client.py`` and import each other."""
    folder = spec.package.replace(".", "/")
    write(out, f"{folder}/__init__.py", f'"""The {spec.package} bot platform."""\n')
    write(out, f"{folder}/settings.py", settings_module(spec))
    write(out, f"{folder}/auth.py", auth_module(spec, rng))
    write(out, f"{folder}/client.py", wrapper_module(spec))
    groups = ("chat", "moderation", "clips", "channel", "stats")
    previous = None
    for index in range(files - 5 - len(groups)):
        group = groups[index % len(groups)]
        module = f"features.{group}.cmd_{index:04d}"
        text = caller_module(spec, rng, calls=rng.randint(2, 4), fillers=rng.randint(3, 5), with_mistakes=index % 25 == 0, previous=previous)
        write(out, f"{folder}/" + module.replace(".", "/") + ".py", text)
        previous = module
    write(out, f"{folder}/features/__init__.py", '"""Bot features, one command per module."""\n')
    for group in groups:
        write(out, f"{folder}/features/{group}/__init__.py", f'"""The {group} commands."""\n')


def build_stdlib(out: Path, seed: int, limit: int | None = None) -> None:
    copy_stdlib(out, limit)
    rng = random.Random(seed)
    write(out, "twitch_bots/__init__.py", '"""Generated Twitch bots."""\n')
    for index in range(STDLIB_BOT_PACKAGES):
        mistake_number = index // 3 if index % 3 == 0 else None
        spec = choose_spec(rng, f"twitch_bots.bot{index:02d}", mistake_number)
        small_bot(out, spec, rng, files=rng.randint(5, 9))


def build_twitch(out: Path, files: int, seed: int) -> None:
    """Write exactly ``files`` files: about ``LARGE_SHARE`` of them in large packages, the rest in small ones."""
    if files < 100:
        raise ValueError(f"--files {files} is too small: the twitch tree needs at least 100 files")
    rng = random.Random(seed)
    large_total = int(files * LARGE_SHARE)
    packages = max(1, min(LARGE_PACKAGES, large_total // 40))
    large_sizes = [large_total // packages] * packages
    large_sizes[-1] += large_total - sum(large_sizes)
    for index, size in enumerate(large_sizes):
        spec = choose_spec(rng, f"platform_{index}", mistake_number=index)
        spec.library = "wrapper"
        large_bot(out, spec, rng, files=size)

    remaining = files - large_total
    index = 0
    while remaining:
        size = rng.randint(4, 10)
        if remaining - size < 4:
            size = remaining
        mistake_number = len(large_sizes) + index // 7 if index % 7 == 0 else None
        spec = choose_spec(rng, f"bots.bot{index:04d}", mistake_number)
        small_bot(out, spec, rng, files=size)
        remaining -= size
        index += 1


def measure(out: Path) -> dict[str, int]:
    """Count the files, lines and bytes of a tree."""
    counts = {"files": 0, "python_files": 0, "script_files": 0, "lines": 0, "bytes": 0}
    for path in out.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        counts["files"] += 1
        counts["python_files" if path.suffix in STDLIB_SUFFIXES else "script_files"] += 1
        counts["lines"] += data.count(b"\n")
        counts["bytes"] += len(data)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build a reproducible source tree for the speed benchmarks.")
    parser.add_argument("kind", choices=("stdlib", "twitch"), help="which tree to build")
    parser.add_argument("out", type=Path, help="output folder; must be missing or empty")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generated code (default 1)")
    parser.add_argument("--files", type=int, default=DEFAULT_TWITCH_FILES, help=f"number of files in the twitch tree (default {DEFAULT_TWITCH_FILES})")
    parser.add_argument("--limit", type=int, help="copy only the first N standard library files (stdlib tree only; default all)")
    arguments = parser.parse_args(argv)

    out: Path = arguments.out
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        print(f"trees.py: output folder {out} exists and is not empty. Remove it or name another.", file=sys.stderr)
        return 2
    try:
        if arguments.kind == "stdlib":
            build_stdlib(out, arguments.seed, arguments.limit)
        else:
            build_twitch(out, arguments.files, arguments.seed)
    except ValueError as error:
        print(f"trees.py: {error}", file=sys.stderr)
        return 2
    print(json.dumps({"kind": arguments.kind, "path": str(out), "seed": arguments.seed, **measure(out)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
