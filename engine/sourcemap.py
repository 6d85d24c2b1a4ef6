"""Where a world's names and sentences are written: the source map.

The :class:`~treatycheck.world.World` says what the texts mean, and nothing about
where they say it; its clauses carry no positions. The ``SourceMap`` beside it says
where: for each declaration, treaty, norm and precedence sentence a :class:`Place`
(its span, with the legal breadcrumb treaty > article > sentence, and for sentences
the words as written and the modality keyword's span), and the text of every file
read. The resolver builds both; only what shows a position (the reports, the
command line's ``explain``, warnings) reads the map.

A world pickles without its map (workers solve, they never point at a line), and a
snapshot keeps the map's places as a record of their own, so no position is ever
stripped from, or put back into, a semantic object.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .model import NO_SPAN, Span

#: What a place is the place of: ("norm", "NAT:5"), ("treaty", "NAT"), ("entity",
#: "US"), ("group", "NATO"), ("predicate", "assist"), ("axiom", "a1"),
#: ("assumption", "x"), ("precedence", "EST:9.1").
Key = tuple[str, str]


@dataclass(frozen=True)
class Place:
    """Where one thing is written: its span, and for a sentence its words as written
    (``text``) and, for a norm, the span of its modality keyword."""

    span: Span = NO_SPAN
    text: str = ""
    keyword: Span = NO_SPAN


NOWHERE = Place()


#: A place as a snapshot keeps it: (span fields, text, keyword span fields).
Stored = tuple[tuple, str, tuple]


def _fields(s: Span) -> tuple:
    return (s.file, s.line, s.column, s.end_line, s.end_column, s.start_pos, s.end_pos, s.breadcrumb)


def stored(p: Place) -> Stored:
    """A place as plain tuples (cheap to pickle, and to unpickle by the thousand)."""
    return (_fields(p.span), p.text, _fields(p.keyword))


def _place(data: Stored) -> Place:
    span, text, keyword = data
    return Place(Span(*span), text, Span(*keyword))


@dataclass(frozen=True)
class SourceMap:
    """Places by key, and the text of each file by name.

    ``stored`` holds places as a snapshot kept them (:data:`Stored` tuples), made
    into :class:`Place` objects only when asked for: a re-check reads ten thousand
    places and shows a handful."""

    places: Mapping[Key, Place] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)
    stored: Mapping[Key, Stored] = field(default_factory=dict)

    def place(self, kind: str, name: str) -> Place:
        """Where ``name`` (of ``kind``) is written; :data:`NOWHERE` if unknown."""
        key = (kind, name)
        found = self.places.get(key)
        if found is not None:
            return found
        data = self.stored.get(key)
        return NOWHERE if data is None else _place(data)

    def norm(self, ref: str) -> Place:
        """Where the norm ``ref`` is written, with its words."""
        return self.place("norm", ref)

    def span(self, kind: str, name: str) -> Span:
        return self.place(kind, name).span

    def all_places(self) -> dict[Key, Place]:
        """Every place, by key."""
        out = {k: _place(d) for k, d in self.stored.items()}
        out.update(self.places)
        return out

    def to_stored(self) -> dict[Key, Stored]:
        """Every place as plain tuples, for a snapshot."""
        out = dict(self.stored)
        out.update((k, stored(p)) for k, p in self.places.items())
        return out

    def without_files(self, files: Iterable[str]) -> SourceMap:
        """The map less every place in ``files`` (the texts are kept)."""
        drop = set(files)
        return SourceMap(
            {k: p for k, p in self.places.items() if p.span.file not in drop},
            self.texts,
            {k: d for k, d in self.stored.items() if d[0][0] not in drop},
        )

    def merged(self, other: SourceMap, texts: Mapping[str, str] | None = None) -> SourceMap:
        """This map with ``other``'s places added (``other`` wins), and ``texts`` as
        the file texts (this map's when None)."""
        theirs = set(other.places) | set(other.stored)
        return SourceMap(
            {**{k: p for k, p in self.places.items() if k not in theirs}, **other.places},
            dict(self.texts if texts is None else texts),
            {**{k: d for k, d in self.stored.items() if k not in theirs}, **other.stored},
        )
