"""What a norm says, as plain data: the content that verdict keys are made of.

``said(norm)`` is a norm's modality, bearer, action, condition and variables as
JSON-ready data, never its ref, treaty, file or position; ``canon(node)`` is that
form for any model node; ``groups_named(norm)`` and ``groups_in(nodes)`` are the
groups whose memberships a verdict depends on. Read by the verdict cache
(:mod:`treatycheck.cache`) and the symmetry classes (:mod:`treatycheck.symmetry`).
"""

from __future__ import annotations

from typing import Any

from . import model as m
from .world import Norm


def canon(x: Any) -> Any:
    """A stable, JSON-ready form of model nodes, sets and tuples (spans left out)."""
    if isinstance(x, (frozenset, set)):
        return sorted(canon(i) for i in x)
    if isinstance(x, (tuple, list)):
        return [canon(i) for i in x]
    if isinstance(x, m.Span):
        return None
    if hasattr(x, "__dataclass_fields__"):
        fields = [f for f, d in x.__dataclass_fields__.items() if d.compare]
        return [type(x).__name__] + [canon(getattr(x, f)) for f in fields]
    return x


def groups_named(norm: Norm) -> set[str]:
    """The groups a norm names: its ``each member X of G`` and its ``X in G``."""
    out = {norm.bearer_group} if norm.bearer_group else set()
    return out | groups_in([norm.condition])


def groups_in(nodes: list[Any]) -> set[str]:
    """Groups named by `X in G` anywhere inside the given model nodes."""
    return {x.group for x in m.walk(*nodes) if isinstance(x, m.InGroup)}


def said(n: Norm) -> list[Any]:
    """What a norm says, as JSON-ready data: never its ref, treaty, file or position."""
    return [n.modality, canon(n.bearer), n.bearer_group, canon(n.action), canon(n.condition), canon(n.variables)]
