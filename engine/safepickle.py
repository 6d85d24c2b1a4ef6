"""Reading pickles that can only ever build treatycheck's own data.

``load(stream) -> object`` and ``loads(data) -> object`` read one pickle written
by this package (a snapshot of a check, the world sent to ``--jobs`` workers) and
refuse anything else with :class:`pickle.UnpicklingError`.

A pickle is a small program: every name it imports is a callable it may call with
arguments of its choosing. Python's own :class:`pickle.Unpickler` imports any
``module.name``, which is how a file in a cache directory can run a shell command.
Here the only names a pickle may import are those of an explicit table of
``(module, qualified name)`` pairs, looked up as whole keys: the data classes of the
modules that hold a world (frozen dataclasses whose constructors only store their
fields) and the enumerations they hold. Nothing is resolved
through attributes, so ``("treatycheck.loader", "os.system")`` is not a way to
``os.system``: it is simply not in the table. Containers (tuples, lists, dicts,
sets, frozensets) need no import at the protocol this package writes.
"""

from __future__ import annotations

import dataclasses
import enum
import io
import pickle
from types import ModuleType
from typing import IO, Any

from . import codes, diagnostics, evaluate, kinds, model, sourcemap, world

#: The modules whose data classes a world is made of (``kinds`` and ``codes`` for the
#: enumerations its fields hold: modalities, parameter types, diagnostic codes), and
#: ``sourcemap``, whose places a snapshot keeps.
_DATA_MODULES: tuple[ModuleType, ...] = (model, world, evaluate, diagnostics, kinds, codes, sourcemap)


def _table() -> dict[tuple[str, str], Any]:
    """The allowed names: every dataclass and enum class defined (not imported) at
    the top level of the data modules."""
    table: dict[tuple[str, str], Any] = {}
    for module in _DATA_MODULES:
        for obj in vars(module).values():
            if not isinstance(obj, type) or obj.__module__ != module.__name__:
                continue
            if dataclasses.is_dataclass(obj) or issubclass(obj, enum.Enum):
                table[(obj.__module__, obj.__qualname__)] = obj
    # A qualified name with a dot would be a nested class: none is allowed.
    assert all("." not in name for _, name in table)
    return table


ALLOWED: dict[tuple[str, str], Any] = _table()


class _Restricted(pickle.Unpickler):
    """An unpickler whose only imports are the entries of :data:`ALLOWED`."""

    def find_class(self, module: str, name: str) -> Any:
        found = ALLOWED.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"`{module}.{name}` may not be loaded from a treatycheck pickle")
        return found

    def persistent_load(self, pid: Any) -> Any:
        raise pickle.UnpicklingError("persistent ids are not allowed in a treatycheck pickle")


def load(stream: IO[bytes]) -> Any:
    """The next object pickled in ``stream``, built only from allowed classes.

    Raises :class:`pickle.UnpicklingError` (or another exception of the pickle
    machinery on a damaged stream) for anything else; never imports other code.
    """
    return _Restricted(stream).load()


def loads(data: bytes) -> Any:
    """:func:`load` from bytes."""
    return load(io.BytesIO(data))
