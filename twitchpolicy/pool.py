"""Analyse Python files in parallel, one import-connected group of files per task.

The Python analysis follows values across modules only through imports (and,
for SDK clients, through receiver names, which ``Selection.sdk_group`` joins
into one group). Files in different weakly connected components of the import
graph therefore cannot change each other's facts, and each component can be
analysed whole in a worker. Workers return the per-file facts, never ASTs.

Workers are forked: the parent has loaded the registry and the scanner modules
and runs no threads, so a forked worker starts with both, where ``spawn`` or
``forkserver`` would import the scanners and receive the registry again in
every worker.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from twitchpolicy.registry import Registry
from twitchpolicy.sites import FileFacts, FileProblem

# Below this many Python files, starting workers costs more than it saves. An estimate
# from the generated trees of bench/trees.py on a 2-core machine; see BENCHMARKS.md.
MIN_FILES = 150
# Tasks per worker, so that a worker that finishes early takes another group.
TASKS_PER_WORKER = 4

_registry: Registry | None = None


@dataclass
class UnitOutcome:
    """Facts found by analysing one group of Python files, and the files that did not parse."""

    facts: dict[str, FileFacts] = field(default_factory=dict)
    problems: list[FileProblem] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)


def can_fork() -> bool:
    # NOTE: macOS and Windows get no pool: fork is unsafe or missing there, and spawn would reload everything.
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def components(paths: Sequence[str], imports: dict[str, set[str]], joined: set[str]) -> list[list[str]]:
    """Split ``paths`` into weakly connected components of the import graph; ``joined`` files share one component.

    Each component keeps the order of ``paths``.
    """
    parent = {path: path for path in paths}

    def root(path: str) -> str:
        while parent[path] != path:
            parent[path] = parent[parent[path]]
            path = parent[path]
        return path

    def union(first: str, second: str) -> None:
        parent[root(first)] = root(second)

    for path in paths:
        for target in imports.get(path, ()):
            if target in parent:
                union(path, target)
    grouped = [path for path in paths if path in joined]
    for first, second in zip(grouped, grouped[1:]):
        union(first, second)
    found: dict[str, list[str]] = {}
    for path in paths:
        found.setdefault(root(path), []).append(path)
    return list(found.values())


def balance(groups: list[list[str]], sizes: dict[str, int], bins: int) -> list[list[str]]:
    """Pack groups into at most ``bins`` tasks, largest group first into the lightest task, and order tasks largest first."""
    tasks: list[tuple[int, list[list[str]]]] = [(0, []) for _ in range(min(bins, len(groups)))]
    for group in sorted(groups, key=lambda group: sum(sizes[path] for path in group), reverse=True):
        index = min(range(len(tasks)), key=lambda position: tasks[position][0])
        load, members = tasks[index]
        tasks[index] = (load + sum(sizes[path] for path in group), members + [group])
    tasks.sort(key=lambda task: task[0], reverse=True)
    # A task's groups are analysed one after another, each as its own project.
    return [[path for group in members for path in group] for _load, members in tasks]


def analyse_groups(groups: list[list[tuple[str, str]]], registry: Registry | None, jobs: int) -> list[UnitOutcome]:
    """Analyse each group (path and source of its files) on its own, in ``jobs`` forked workers."""
    global _registry
    _registry = registry
    context = multiprocessing.get_context("fork")
    sizes = {path: len(source) for group in groups for path, source in group}
    sources = {path: source for group in groups for path, source in group}
    order = {path: index for index, group in enumerate(groups) for path, _source in group}
    tasks = balance([[path for path, _source in group] for group in groups], sizes, jobs * TASKS_PER_WORKER)
    # With fork, ProcessPoolExecutor starts all max_workers at the first submit (CPython 3.11
    # concurrent/futures/process.py), so workers beyond the number of tasks would be idle forks.
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context) as executor:
        futures = [executor.submit(_analyse_task, _split(task, order, sources)) for task in tasks]
        outcomes = [outcome for future in futures for outcome in future.result()]
    return outcomes


def _split(task: list[str], order: dict[str, int], sources: dict[str, str]) -> list[list[tuple[str, str]]]:
    groups: dict[int, list[tuple[str, str]]] = {}
    for path in task:
        groups.setdefault(order[path], []).append((path, sources[path]))
    return list(groups.values())


def _analyse_task(groups: list[list[tuple[str, str]]]) -> list[UnitOutcome]:
    return [analyse_unit(group, _registry) for group in groups]


def analyse_unit(files: list[tuple[str, str]], registry: Registry | None) -> UnitOutcome:
    """Parse and analyse one group of Python files together, as one project."""
    from twitchpolicy.pycalls import scan_python
    from twitchpolicy.scan import parse_python

    outcome = UnitOutcome()
    modules = []
    for path, source in files:
        module = parse_python(path, source, outcome.problems)
        if module is None:
            outcome.unparsed.append(path)
        else:
            modules.append(module)
    outcome.facts = scan_python(modules, registry)
    return outcome
