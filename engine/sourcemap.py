"""Where a world's names and sentences are written: the source map.

The :class:`~treatycheck.world.World` says what the texts mean, and nothing about
where they say it; its clauses carry no positions. The ``SourceMap`` beside it says
where: for each declaration, treaty, norm and precedence sentence a :class:`Place`
(its span, with the legal breadcrumb treaty > article > sentence, and for sentences
the words as written and the modality keyword's span), and the text of every file
read. The resolver builds both; only what shows a position (the reports, the
command line's ``explain``, warnings) reads the map.

A world pickles without its map (workers solve, they never point at a line), and a
snapshot keeps the map as plain data (:meth:`SourceMap.to_data`), so no position is
ever stripped from, or put back into, a semantic object.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

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


def _span_data(s: Span) -> tuple[Any, ...]:
    return (s.file, s.line, s.column, s.end_line, s.end_column, s.start_pos, s.end_pos, s.breadcrumb)


def _span_of(data: Any) -> Span:
    file, line, column, end_line, end_column, start, end, crumb = data
    return Span(str(file), int(line), int(column), int(end_line), int(end_column), int(start), int(end), tuple(crumb))


@dataclass(frozen=True)
class SourceMap:
    """Places by key, and the text of each file by name."""

    places: Mapping[Key, Place] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)

    def place(self, kind: str, name: str) -> Place:
        """Where ``name`` (of ``kind``) is written; :data:`NOWHERE` if unknown."""
        return self.places.get((kind, name), NOWHERE)

    def norm(self, ref: str) -> Place:
        """Where the norm ``ref`` is written, with its words."""
        return self.places.get(("norm", ref), NOWHERE)

    def span(self, kind: str, name: str) -> Span:
        return self.place(kind, name).span

    def without_files(self, files: Iterable[str]) -> SourceMap:
        """The map less every place in ``files`` (their texts are kept)."""
        drop = set(files)
        return SourceMap({k: p for k, p in self.places.items() if p.span.file not in drop}, self.texts)

    def merged(self, other: SourceMap, texts: Mapping[str, str] | None = None) -> SourceMap:
        """This map with ``other``'s places added (``other`` wins), and ``texts`` as
        the file texts (this map's when None)."""
        return SourceMap({**self.places, **other.places}, dict(self.texts if texts is None else texts))

    def to_data(self) -> list[tuple[str, str, tuple[Any, ...], str, tuple[Any, ...]]]:
        """The places as plain tuples (for a snapshot; texts are the files' own)."""
        return [
            (kind, name, _span_data(p.span), p.text, _span_data(p.keyword))
            for (kind, name), p in sorted(self.places.items())
        ]

    @classmethod
    def from_data(cls, data: list[Any], texts: Mapping[str, str]) -> SourceMap:
        """The inverse of :meth:`to_data`; raises on malformed data."""
        places = {
            (str(kind), str(name)): Place(_span_of(span), str(text), _span_of(keyword))
            for kind, name, span, text, keyword in data
        }
        return cls(places, dict(texts))
