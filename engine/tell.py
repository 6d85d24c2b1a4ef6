"""Atoms and actions told in the declared English templates.

``tell(world, value)`` turns ``("assist", "US", "PL")`` into "US assists PL" using the
template of ``assist``; action arguments of judgements are told recursively. Without
a template the atom is shown as written (``assist(US, PL)``). An entity whose
parameter the template does not mention is named with its role after the sentence
(``... (host: PL)``), so that no entity of a scenario goes unsaid.
"""

from __future__ import annotations

import re

from .world import World

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def written(value: object) -> str:
    """An entity or ground atom as the language writes it: ``assist(US, PL)``."""
    if isinstance(value, str):
        return value
    assert isinstance(value, tuple)
    return f"{value[0]}({', '.join(written(a) for a in value[1:])})"


def tell(world: World, value: object) -> str:
    """An entity or ground atom in plain English (its template), else as written."""
    if isinstance(value, str):
        return value
    assert isinstance(value, tuple)
    pred = world.predicate(value[0])
    if pred.template is None:
        return written(value)
    args = {p.name: tell(world, a) for p, a in zip(pred.params, value[1:], strict=True)}
    said = set(_PLACEHOLDER.findall(pred.template))
    text = _PLACEHOLDER.sub(lambda mt: args.get(mt.group(1), mt.group(0)), pred.template)
    unsaid = [f"{name}: {arg}" for name, arg in args.items() if name not in said]
    return f"{text} ({'; '.join(unsaid)})" if unsaid else text
