"""Faster forms of ``ast.walk`` and ``ast.iter_child_nodes`` for the Python scanner's many walks.

They yield the same nodes in the same order as the ``ast`` functions, except the
``ctx`` markers (``Load``, ``Store``, ``Del``), which no scanner looks at.
"""

from __future__ import annotations

from ast import AST
from collections import deque
from collections.abc import Iterator

_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def child_nodes(node: AST) -> list[AST]:
    """Return the direct child nodes of ``node`` in field order, as ``ast.iter_child_nodes`` yields them."""
    kind = type(node)
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        fields = tuple(name for name in kind._fields if name != "ctx")
        _CHILD_FIELDS[kind] = fields
    children = []
    for name in fields:
        value = getattr(node, name, None)
        if isinstance(value, AST):
            children.append(value)
        elif isinstance(value, list):
            children.extend(item for item in value if isinstance(item, AST))
    return children


def walk(node: AST) -> Iterator[AST]:
    """Yield ``node`` and every node below it, breadth first, in the order of ``ast.walk``."""
    todo = deque([node])
    while todo:
        node = todo.popleft()
        todo.extend(child_nodes(node))
        yield node
