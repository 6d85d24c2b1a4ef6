"""The only pickles treatycheck reads (snapshots, the world sent to ``--jobs``
workers) go through :mod:`treatycheck.safepickle`, which imports nothing but
treatycheck's own data classes: a hostile file cannot run code."""

from __future__ import annotations

import io
import pickle
import re
from pathlib import Path

import pytest
import treatycheck
from treatycheck import model, safepickle

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "european_security_treaty.treaty"


def payloads(target: Path) -> dict[str, bytes]:
    """Pickles that would run ``touch target`` if their imports were honoured."""
    command = f"touch {target}".encode()
    return {
        # protocol 4 resolves dotted names through attributes: loader imports os
        "dotted name": b"\x80\x04ctreatycheck.loader\nos.system\n(V" + command + b"\ntR.",
        "dotted name, protocol 2": b"\x80\x02ctreatycheck.loader\nos.system\n(V" + command + b"\ntR.",
        "stack global": b"\x80\x04\x8c\x12treatycheck.loader\x8c\tos.system\x93(V" + command + b"\ntR.",
        "os.system": b"cos\nsystem\n(V" + command + b"\ntR.",
        "posix.system": b"cposix\nsystem\n(V" + command + b"\ntR.",
        "builtins.exec": b"cbuiltins\nexec\n(Vimport os; os.system('" + command + b"')\ntR.",
        "a treatycheck function": b"ctreatycheck.loader\nread_source\n(V" + command + b"\ntR.",
        "a treatycheck module attribute": b"ctreatycheck.model\nthreading\n.",
    }


@pytest.mark.parametrize("name", sorted(payloads(Path("x"))))
def test_hostile_pickles_are_refused_and_run_nothing(name: str, tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    data = payloads(target)[name]
    with pytest.raises(pickle.UnpicklingError):
        safepickle.loads(data)
    assert not target.exists()


def test_the_dotted_payload_is_real(tmp_path: Path) -> None:
    """The payload does run under an allow-list of modules (the old one), so the test
    above would catch a return to it."""

    class ByModule(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> object:
            if module.startswith("treatycheck."):
                return super().find_class(module, name)
            raise pickle.UnpicklingError(module)

    target = tmp_path / "pwned"
    ByModule(io.BytesIO(payloads(target)["dotted name"])).load()
    assert target.exists()


def test_the_table_is_data_classes_by_whole_name() -> None:
    assert safepickle.ALLOWED
    for (module, name), obj in safepickle.ALLOWED.items():
        assert "." not in name and module.startswith("treatycheck.")
        assert getattr(obj, "__module__", None) == module and obj.__qualname__ == name
    assert not any(callable(x) and not isinstance(x, type) for x in safepickle.ALLOWED.values())  # classes only
    assert ("treatycheck.model", "threading") not in safepickle.ALLOWED


def test_a_world_round_trips_without_its_source_map() -> None:
    world = treatycheck.load([str(EXAMPLE)])
    assert world.source_map.all_places()  # where things are written: not the world's meaning
    back = safepickle.loads(pickle.dumps(world, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == world and back.norms == world.norms
    assert not back.source_map.all_places() and not back.sources
    # no position travels inside the clauses either
    parts = [x for n in back.norms for x in model.walk(n.bearer, n.action, n.condition)]
    assert parts and all(x.span == model.NO_SPAN for x in parts)


def test_no_other_unpickling_in_the_package() -> None:
    """A `grep` of the package: pickles are read only through safepickle."""
    offenders = []
    for path in sorted((ROOT / "engine").rglob("*.py")):
        if path.name == "safepickle.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"(?<![a-z_])pickle\.(load|loads|Unpickler)\b|Unpickler\(", line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, offenders


def test_workers_get_their_world_through_safepickle() -> None:
    """``--jobs 2`` workers, whose world file is read by safepickle (the grep above
    keeps it so), find what one process finds."""
    world = treatycheck.load([str(EXAMPLE)])
    one = treatycheck.check(world)
    two = treatycheck.check(world, jobs=2)
    assert one.conflicts and [c.id for c in two.conflicts] == [c.id for c in one.conflicts]
