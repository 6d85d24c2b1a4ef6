"""Who decides: the entities that control a duty (``treatycheck control``).

``control(world) -> ControlReport``. An atom of a fact or judgement declared
``decided by P`` is decided by the entity its parameter P names (a consent, an
opinion). Entity e **controls** norm n for bearer x when two scenarios that differ
only in atoms decided by e make n bind x to the same act in one and not in the
other (e is not x): e can switch x's duty on or off by its own say.

For every obligation and prohibition of the user's files, per bearer, the
controlling entities (sorted), and for the first controlled bearer one replayed
pair of scenarios per controller, minimal and told in words.

How it is decided. The second scenario is encoded beside the first in one query:
each decided predicate gets a second function, and in the second scenario an
atom reads the second function when its decider is the symbolic entity ``e`` and
the first otherwise; the assumptions hold in both. ``n applies to (x, a) in the
first and not in the second, e != x`` is then one query whose models name a
bearer, an act and a controller. From a model the plain evaluator harvests every
other controller it can show with the same first scenario (flipping that entity's
atoms), those are excluded, and the solver is asked again until it answers unsat:
so the list is complete by the solver's last answer and sound by the evaluator's
replay. Only norms whose condition names a decided predicate are asked at all (no
other norm can be controlled), and results are kept per norm digest (norms that say
the same thing to the same parties share them) and in the verdict cache.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import z3

from . import model as m
from .casting import cast_roles
from .encode import NormInstance
from .evaluate import Evaluator, FiniteScenario
from .kinds import MODALITY_WORDS, Modality
from .search.pair import ModelScenario, PairSolver, ReplayError
from .search.replay import Recording
from .symmetry import signature
from .tell import tell, written
from .version import VERSION
from .world import Norm, World

SCHEMA = "treatycheck/control/v1"
#: The modalities whose control is asked about: a duty can be switched on or off.
DUTIES = (Modality.OBLIGATION, Modality.PROHIBITION)


@dataclass(frozen=True)
class ControlPair:
    """Two scenarios, alike but for atoms ``entity`` decides: in ``binds`` the norm
    binds ``bearer`` to ``action``, in ``frees`` it does not. Each scenario is the
    atoms true in it (facts and judgements, as written)."""

    entity: str
    bearer: str
    action: tuple
    binds: tuple[tuple, ...]
    frees: tuple[tuple, ...]

    def decided(self, world: World) -> tuple[tuple[tuple, ...], tuple[tuple, ...]]:
        """The atoms ``entity`` decides that are true in (binds, frees)."""
        mine = _decider(world, self.entity)
        return tuple(a for a in self.binds if mine(a)), tuple(a for a in self.frees if mine(a))

    def story(self, world: World, ref: str, modality: Modality, limit: int | None = None) -> str:
        """The pair in words: "if RU does not ..., NRC:3 forbids US: ...; if ..., it does not".
        With ``limit``, at most that many of the atoms both scenarios share are told."""
        on, off = self.decided(world)
        common = [a for a in self.binds if a in self.frees]
        more = ""
        if limit is not None and len(common) > limit:
            more = f" and {len(common) - limit} more"
            common = common[:limit]

        def case(true: tuple[tuple, ...], other: tuple[tuple, ...]) -> str:
            parts = [tell(world, a) for a in true] + [
                f"it is not the case that {tell(world, a)}" for a in other if a not in true
            ]
            return " and ".join(parts)

        head = f"given {'; '.join(tell(world, a) for a in common)}{more}: " if common else ""
        verb = MODALITY_WORDS[modality].imposes
        return (
            f"{head}if {case(on, off)}, {ref} {verb} {self.bearer}: {tell(world, self.action)}; "
            f"if {case(off, on)}, it does not"
        )

    def to_dict(self, world: World, ref: str, modality: Modality) -> dict[str, object]:
        kinds = {p.name: p.kind for p in world.predicates}

        def scenario(atoms: tuple[tuple, ...]) -> dict[str, list[str]]:
            return {
                "facts": [written(a) for a in atoms if kinds[a[0]] == "fact"],
                "judgements": [written(a) for a in atoms if kinds[a[0]] == "judgement"],
            }

        return {
            "entity": self.entity,
            "bearer": self.bearer,
            "action": written(self.action),
            "binds": scenario(self.binds),
            "frees": scenario(self.frees),
            "story": self.story(world, ref, modality),
        }


@dataclass(frozen=True)
class NormControl:
    """One duty's controllers: ``bearers`` maps each bearer some other entity
    controls to those entities (sorted); ``pairs`` show the first such bearer's.
    ``decided`` says whether the condition names a decided predicate at all (if
    not, no one can control it and the solver was not asked); ``unknown`` that the
    solver gave up, so the lists may be short."""

    ref: str
    treaty: str
    modality: Modality
    decided: bool
    bearers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    pairs: tuple[ControlPair, ...] = ()
    unknown: bool = False
    parties: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def controllers(self) -> frozenset[str]:
        """Every entity that controls the norm for some bearer."""
        return frozenset(e for _, es in self.bearers for e in es)

    @property
    def any_other_party(self) -> bool:
        """Is each bearer controlled by exactly every other party (the common case)?"""
        return bool(self.bearers) and all(set(es) == self.parties - {b} for b, es in self.bearers)

    def to_dict(self, world: World) -> dict[str, object]:
        return {
            "ref": self.ref,
            "treaty": self.treaty,
            "modality": str(self.modality),
            "decided": self.decided,
            "controlled": bool(self.bearers),
            "any_other_party": self.any_other_party,
            "bearers": [{"bearer": b, "controllers": list(es)} for b, es in self.bearers],
            "scenarios": [p.to_dict(world, self.ref, self.modality) for p in self.pairs],
            "unknown": self.unknown,
        }


@dataclass(frozen=True)
class ControlReport:
    """Every duty of the user's files with its controllers, in world order."""

    norms: tuple[NormControl, ...]
    world: World = field(compare=False, repr=False)
    queries: int = 0
    decided_predicates: tuple[str, ...] = ()

    def norm(self, ref: str) -> list[NormControl]:
        """The duties ``ref`` names (an article names each of its sentences)."""
        return [n for n in self.norms if m.ref_matches(ref, n.ref)]

    def to_dict(self) -> dict[str, object]:
        controlled = [n for n in self.norms if n.bearers]
        return {
            "schema": SCHEMA,
            "version": VERSION,
            "decided_predicates": list(self.decided_predicates),
            "norms": [n.to_dict(self.world) for n in self.norms],
            "summary": {"duties": len(self.norms), "controlled": len(controlled)},
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------ analysis


def decides(world: World, norm: Norm) -> bool:
    """Does the norm's condition name a predicate declared ``decided by``?"""
    decided = world.decided
    return bool(decided) and any(isinstance(x, m.Call) and x.name in decided for x in m.walk(norm.condition))


def _decider(world: World, entity: str) -> Callable[[tuple], bool]:
    """A test: is an atom decided by ``entity``?"""
    decided = world.decided

    def mine(atom: tuple) -> bool:
        k = decided.get(atom[0])
        return k is not None and atom[1 + k] == entity

    return mine


def control(
    world: World,
    timeout: float = 10.0,
    files: frozenset[str] | None = None,
    cache_dir: str | None = None,
    refs: tuple[str, ...] = (),
) -> ControlReport:
    """The controllers of every obligation and prohibition of ``files`` (default:
    the user's files). ``cache_dir`` keeps results between runs; the report is the
    same with or without it."""
    duties = [n for n in world.chosen(files, refs) if n.modality in DUTIES]
    queries = 0
    store = _Store(cache_dir, world)
    done: dict[str, tuple] = {}
    out = []
    for n in duties:
        parties = world.treaty(n.treaty).parties
        if not decides(world, n):
            out.append(NormControl(n.ref, n.treaty, n.modality, False, parties=parties))
            continue
        key = store.key(n)
        found = done.get(key) or store.get(key)
        if found is None:
            # a fresh context per norm: what it finds (the scenarios too) then depends
            # on the norm and the world only, not on the norms asked before it, the
            # cache's state or the order of the files
            search = _Search(world, timeout)
            found = search.norm(n)
            queries += search.solver.queries
            if not found[2]:  # an unknown is not a fact of the files: not kept
                store.put(key, found)
        done[key] = found
        bearers, pairs, unknown = found
        out.append(NormControl(n.ref, n.treaty, n.modality, True, bearers, pairs, unknown, parties))
    store.close()
    return ControlReport(tuple(out), world, queries, tuple(sorted(world.decided)))


class _Search:
    """One Z3 context holding both scenarios' encodings for a world."""

    def __init__(self, world: World, timeout: float):
        self.world = world
        self.solver = PairSolver(world, timeout)
        self.ev = Evaluator(world)
        enc = self.solver.enc
        self.e = z3.Const("ctl!e", enc.Entity)
        self.alt = {}
        self.others: dict[str, z3.FuncDeclRef] = {}
        for name, k in world.decided.items():
            f = enc.functions[name]
            g = z3.Function(f"{name}!other", *[f.domain(i) for i in range(f.arity())], z3.BoolSort(enc.ctx))
            self.others[name] = g
            self.alt[name] = self._second(f, g, k)
        with self.second():
            self.background = [enc.universal(a.variables, a.condition, f"assume2!{a.name}") for a in world.assumptions]
        self.assumed = {x.name for a in world.assumptions for x in m.walk(a.condition) if isinstance(x, m.Call)}
        self.holds: dict[frozenset[tuple], bool] = {}

    def _second(self, f: z3.FuncDeclRef, g: z3.FuncDeclRef, k: int) -> Callable[[list[z3.ExprRef]], z3.BoolRef]:
        e = self.e
        return lambda args: z3.If(args[k] == e, g(*args), f(*args))

    def like(self, n: Norm, x: str) -> list[str]:
        """The other entities of ``x``'s signature for ``n``
        (:func:`treatycheck.symmetry.signature`): they stand to ``n`` as ``x`` does."""
        sig = signature(self.world, n)
        return [y for y in self.world.entity_names if y != x and sig[y] == sig[x]]

    @contextmanager
    def second(self) -> Iterator[None]:
        """Encode in the second scenario while inside."""
        enc = self.solver.enc
        enc.alternate = self.alt
        try:
            yield
        finally:
            enc.alternate = {}

    def norm(self, n: Norm) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[ControlPair, ...], bool]:
        """(bearer -> controllers, the first bearer's pairs, unknown) for one duty."""
        solver, enc = self.solver, self.solver.enc
        first = solver.instance(n, "ctl")
        # the second scenario binds x to the same act: the variables of the bearer and
        # the act are shared, any other own variable (one only the condition uses)
        # is the second scenario's to choose
        shared = {x.name for x in m.walk(n.bearer, n.action) if isinstance(x, m.Var)}
        if isinstance(n.action, m.AnyAction):
            shared.add(n.action.var)
        rest = {v: enc.named(f"ctl2!{v}", t) for v, t in n.variables if v not in shared}
        with self.second():
            other = enc.instance_with(n, {**first.env, **rest}).applies
        if rest:
            other = z3.Exists(list(rest.values()), other)
        base = [first.applies, z3.Not(other), self.e != first.bearer, *self.background]
        bearers: dict[str, set[str]] = {}
        unknown = False
        while True:
            r = solver.check(*base, *[first.bearer != enc.entity[b] for b in bearers])
            if r != z3.sat:
                unknown = unknown or r == z3.unknown
                break
            x = enc.read(solver.model.eval(first.bearer, model_completion=True))  # type: ignore[union-attr]
            assert isinstance(x, str)
            pairs, gave_up = self._controllers(n, first, base, x)
            unknown = unknown or gave_up
            bearers[x] = set(pairs)
            # a bearer the norm cannot tell from x has x's controllers, renamed
            for y in self.like(n, x):
                if y not in bearers:
                    bearers[y] = {_swap(c, x, y) for c in pairs}
        table = tuple((b, tuple(sorted(es))) for b, es in sorted(bearers.items()) if es)
        if not table:
            return table, (), unknown
        # the pairs are shown for the first bearer in canonical order (or the first
        # one --prefer names), cast as --prefer asks where a role allows
        lead = self.world.lead([b for b, _ in table])[0]
        cast = self._cast(n, first, [*base, first.bearer == enc.entity[lead]], lead)
        pairs, gave_up = self._controllers(n, first, [*base, *cast], lead)
        if cast:  # controllers only other castings show
            pairs, more = self._controllers(n, first, base, lead, pairs)
            gave_up = gave_up or more
        # every pair shown is replayed (those found by renaming too)
        for p in pairs.values():
            if (
                self._pair(n, p.bearer, p.action, p.entity, frozenset(p.binds), frozenset(p.frees), minimal=True)
                is None
            ):
                raise ReplayError(f"{n.ref}: the pair of scenarios for {p.entity} does not replay")
        return table, tuple(pairs[c] for c in self.world.lead(sorted(pairs))), unknown or gave_up

    def _cast(self, n: Norm, first: NormInstance, base: list[z3.BoolRef], x: str) -> list[z3.BoolRef]:
        """``--prefer`` for the pairs shown: the controller and then the norm's other
        entity roles cast by :func:`treatycheck.casting.cast_roles` (the bearer
        ``x`` aside). The other roles are cast around the preferred controller, and
        only their pins are returned: the search for every controller stays free."""
        solver, enc = self.solver, self.solver.enc
        roles = [self.e] + [v for v in first.env.values() if v.sort() == enc.Entity and not v.eq(first.bearer)]

        def possible(pins: list[z3.BoolRef]) -> bool:
            return solver.check(*base, *pins) == z3.sat

        cast = cast_roles(roles, self.world.prefer, {x}, lambda role, name: role == enc.entity[name], possible)
        return [p for role, p in cast if not role.eq(self.e)]

    def _controllers(
        self,
        n: Norm,
        first: NormInstance,
        base: list[z3.BoolRef],
        x: str,
        known: dict[str, ControlPair] | None = None,
    ) -> tuple[dict[str, ControlPair], bool]:
        """Every controller of ``n`` for bearer ``x``, each with a pair (beyond those
        ``known`` already); and whether the solver gave up (the list may then be
        short)."""
        solver, enc = self.solver, self.solver.enc
        found: dict[str, ControlPair] = dict(known or {})
        while True:
            r = solver.check(*base, first.bearer == enc.entity[x], *[self.e != enc.entity[c] for c in found])
            if r != z3.sat:
                return found, r == z3.unknown
            assert solver.model is not None
            for c, pair in self._harvest(n, first, solver.model, x, set(found)).items():
                found.setdefault(c, pair)

    def _harvest(
        self, n: Norm, inst: NormInstance, model: z3.ModelRef, x: str, known: set[str]
    ) -> dict[str, ControlPair]:
        """Controllers of ``n`` for ``x`` the evaluator can show from this model, each
        with a minimal replayed pair; the model's own controller always among them
        (else the model does not replay: an engine bug)."""
        enc, ev = self.solver.enc, self.ev
        env = {k: enc.read(model.eval(v, model_completion=True)) for k, v in inst.env.items()}
        action = ev.action_of(n, env)
        e = enc.read(model.eval(self.e, model_completion=True))
        assert isinstance(e, str)
        truth, other = ModelScenario(enc, model), _Second(self, model, e)
        seen, seen2 = Recording(truth), Recording(other)
        if not ev.imposes(n, x, action, seen) or not ev.assumptions_hold(seen):
            raise ReplayError(f"{n.ref}: the solver's first scenario does not bind {x}")
        ev.imposes(n, x, action, seen2)
        ev.assumptions_hold(seen2)
        asked = list(dict.fromkeys([*seen.asked, *seen2.asked]))
        atoms = frozenset(a for a in asked if truth.true(a))
        second = frozenset(a for a in asked if other.true(a))
        out: dict[str, ControlPair] = {}
        pair = self._pair(n, x, action, e, atoms, second)
        if pair is None:
            raise ReplayError(f"{n.ref}: the solver's pair of scenarios for {e} does not replay")
        out[e] = pair
        # an entity the norm cannot tell from e (nor from x) controls it as e does
        for c in self.like(n, e):
            if c != x and c not in known:
                out[c] = ControlPair(
                    c,
                    x,
                    _rename(pair.action, e, c),  # type: ignore[arg-type]
                    tuple(sorted((_rename(a, e, c) for a in pair.binds), key=written)),  # type: ignore[misc]
                    tuple(sorted((_rename(a, e, c) for a in pair.frees), key=written)),  # type: ignore[misc]
                )
        # the same pair with another entity in e's place (and x's and the act kept)
        # often shows that entity's control too: tried in the evaluator, kept only
        # if it replays (no query; the solver's next answer makes the list complete)
        for c in self.world.entity_names:
            if c in known or c in out or c == x:
                continue
            on = frozenset(_rename(a, e, c) for a in pair.binds)
            off = frozenset(_rename(a, e, c) for a in pair.frees)
            if on == off:
                continue
            # the act too, when it names e (the host of a stationing e consents to)
            for act in dict.fromkeys([action, _rename(action, e, c)]):
                if act[1] != x:  # type: ignore[index]
                    continue
                found = self._pair(n, x, act, c, on, off, minimal=True)  # type: ignore[arg-type]
                if found is not None:
                    out[c] = found
                    break
        return out

    def _assumed(self, atoms: frozenset[tuple]) -> bool:
        """Do the assumptions hold in the finite scenario ``atoms``? Only the atoms of
        predicates the assumptions name matter, so answers are kept by those."""
        key = frozenset(a for a in atoms if a[0] in self.assumed)
        if key not in self.holds:
            self.holds[key] = self.ev.assumptions_hold(FiniteScenario(key))
        return self.holds[key]

    def _pair(
        self,
        n: Norm,
        x: str,
        action: tuple,
        e: str,
        on: frozenset[tuple],
        off: frozenset[tuple],
        minimal: bool = False,
    ) -> ControlPair | None:
        """A minimal pair from these two scenarios (finite: unlisted atoms false), if
        they differ only in atoms ``e`` decides and ``n`` binds ``x`` to ``action`` in
        ``on`` only, the assumptions holding in both; else None. ``minimal``: the
        scenarios are known to be minimal already (a renamed minimal pair)."""
        mine = _decider(self.world, e)
        ev = self.ev
        if any(not mine(a) for a in on ^ off):
            return None

        def shows(a: frozenset[tuple], b: frozenset[tuple]) -> bool:
            return (
                ev.imposes(n, x, action, FiniteScenario(a))
                and not ev.imposes(n, x, action, FiniteScenario(b))
                and self._assumed(a)
                and self._assumed(b)
            )

        if not shows(on, off):
            return None
        if minimal:
            return ControlPair(e, x, action, tuple(sorted(on, key=written)), tuple(sorted(off, key=written)))
        # drop atoms, in canonical order, while the pair still shows it: a common
        # atom from both scenarios at once, one of e's from its own scenario
        for atom in sorted(on | off, key=repr):
            a, b = (
                (on - {atom}, off - {atom})
                if atom in on and atom in off
                else (on - {atom}, off)
                if atom in on
                else (on, off - {atom})
            )
            if shows(a, b):
                on, off = a, b
        key = written
        return ControlPair(e, x, action, tuple(sorted(on, key=key)), tuple(sorted(off, key=key)))


class _Second:
    """The model's second scenario: an atom its controller decides reads the second
    function, every other atom the first."""

    def __init__(self, search: _Search, model: z3.ModelRef, e: str):
        self.search, self.model, self.e = search, model, e
        self.cache: dict[tuple, bool] = {}

    def true(self, atom: tuple) -> bool:
        if atom not in self.cache:
            enc = self.search.solver.enc
            k = self.search.world.decided.get(atom[0])
            if k is not None and atom[1 + k] == self.e:
                term = self.search.others[atom[0]](*[enc.ground(v) for v in atom[1:]])
            else:
                term = enc.atom(atom)
            self.cache[atom] = z3.is_true(self.model.eval(term, model_completion=True))
        return self.cache[atom]


def _rename(value: object, e: str, c: str) -> object:
    """``value`` (an entity or ground atom or action) with ``e`` and ``c`` swapped."""
    if isinstance(value, str):
        return _swap(value, e, c)
    assert isinstance(value, tuple)
    return tuple(_rename(v, e, c) if i else v for i, v in enumerate(value))


def _swap(entity: str, x: str, y: str) -> str:
    return y if entity == x else x if entity == y else entity


class _Store:
    """Results per norm digest in the verdict cache (as JSON: data, never code)."""

    def __init__(self, directory: str | None, world: World):
        from .cache import VerdictCache

        self.world = world
        self.cache = VerdictCache(directory, world) if directory is not None else None
        # what a result depends on besides the norm: the world's vocabulary, axioms and
        # assumptions, and who decides what (not part of a conflict's context)
        self.context = (self.cache.context if self.cache else "") + json.dumps(sorted(world.decided.items()))
        if world.prefer:  # pairs cast by --prefer are kept apart
            self.context += json.dumps(list(world.prefer))

    def key(self, n: Norm) -> str:
        from .cache import norm_digest

        return hashlib.sha256(f"control\0{self.context}\0{norm_digest(self.world, n)}".encode()).hexdigest()

    def get(self, key: str) -> tuple | None:
        if self.cache is None:
            return None
        hit, body = self.cache.get_body(key, _read)
        return body if hit else None

    def put(self, key: str, found: tuple) -> None:
        if self.cache is not None:
            bearers, pairs, unknown = found
            self.cache.put_body(
                key,
                {
                    "bearers": [[b, list(es)] for b, es in bearers],
                    "pairs": [
                        [p.entity, p.bearer, _enc(p.action), [_enc(a) for a in p.binds], [_enc(a) for a in p.frees]]
                        for p in pairs
                    ],
                },
            )

    def close(self) -> None:
        if self.cache is not None:
            self.cache.flush()
            self.cache.close()


def _enc(v: object) -> object:
    if isinstance(v, str):
        return v
    assert isinstance(v, tuple)
    return [_enc(x) for x in v]


def _dec(v: object) -> object:
    if isinstance(v, str):
        return v
    if not isinstance(v, list):
        raise ValueError("not an atom")
    return tuple(_dec(x) for x in v)


def _atom(v: object) -> tuple:
    """A cached ground atom or action back (ValueError when it is not one)."""
    out = _dec(v)
    if not isinstance(out, tuple):
        raise ValueError("not an atom")
    return out


def _read(body: object) -> tuple:
    """A cached result back, or ValueError when it is not one (then asked again)."""
    if not isinstance(body, dict):
        raise ValueError("not a control result")
    bearers = tuple((str(b), tuple(str(e) for e in es)) for b, es in body["bearers"])
    pairs = tuple(
        ControlPair(str(e), str(x), _atom(a), tuple(_atom(t) for t in on), tuple(_atom(t) for t in off))
        for e, x, a, on, off in body["pairs"]
    )
    return bearers, pairs, False
