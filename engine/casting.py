"""Who plays which role in a scenario: ``--prefer ENTITY,...``.

``parse_prefer("RU, GE")`` -> ``("RU", "GE")``; ``cast(world, names)`` checks the
names against the world's entities and returns ``world.preferring(names)``, whose
scenarios cast those entities first, in that order, wherever a role allows: the
bearer is the first preferred entity among the bearers, and each other role, in
the order the norms name them, takes the first preferred entity it can play
(``cast_roles``; used by :meth:`treatycheck.search.pair.PairSolver.witness` and
by ``treatycheck control``). A preference changes which
scenario is shown, never whether there is a conflict or how it is resolved.
Raises :class:`TreatyError` E303 for a name that is not a declared entity.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TypeVar

from .codes import Code
from .diagnostics import Diagnostic, TreatyError, did_you_mean
from .world import World

R = TypeVar("R")
P = TypeVar("P")


def parse_prefer(text: str | None) -> tuple[str, ...]:
    """The entity names of a ``--prefer`` value, in order (commas, spaces ignored)."""
    if not text:
        return ()
    return tuple(name.strip() for name in text.split(",") if name.strip())


def cast(world: World, names: tuple[str, ...]) -> World:
    """``world`` with its scenarios preferring ``names``; unchanged for none."""
    if not names:
        return world
    known = [e.name for e in world.entities]
    for name in names:
        if name not in known:
            hint = did_you_mean(name, known)
            message = f"`--prefer {name}`: no entity `{name}` is declared" + (
                f"; did you mean `{hint}`?" if hint else ""
            )
            raise TreatyError([Diagnostic.of(Code.UNKNOWN_PREFERRED, message)], world.sources)
    return world.preferring(names)


def cast_roles(
    roles: Sequence[R],
    names: tuple[str, ...],
    taken: Collection[str],
    pin: Callable[[R, str], P],
    possible: Callable[[list[P]], bool],
) -> list[tuple[R, P]]:
    """Cast ``roles`` (in order) from the preferred ``names``: each role takes the
    first name, not yet cast (nor in ``taken``, the bearer), that it can play
    given the roles cast before it, else the first name already cast that it can
    play, else stays free. ``pin(role, name)`` is the constraint that casts it and
    ``possible(pins)`` says whether the constraints can hold together: a yes/no
    question, whose answer does not depend on what was asked before, so the
    casting is the same in any process and any order of work. Out: the
    (role, pin) pairs cast."""
    out: list[tuple[R, P]] = []
    used = set(taken)
    for role in roles:
        fresh = [n for n in names if n not in used]
        again = [n for n in names if n in used]
        for name in fresh + again:
            p = pin(role, name)
            if possible([q for _, q in out] + [p]):
                out.append((role, p))
                used.add(name)
                break
    return out
