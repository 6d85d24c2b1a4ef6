"""Lark's parse errors to diagnostics: the only other module that sees Lark's types.

``syntax_diagnostic(err, file, text, words)`` turns an ``UnexpectedInput`` into the
E101 diagnostic with "expected ..." in words and hints for the usual slips (a
variable where a name was due, a missing full stop); ``too_deep`` words E102.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from . import model as m
from .codes import Code
from .diagnostics import Diagnostic


def _expected_words(expected: Iterable[str], words: dict[str, str]) -> str:
    names = sorted({words.get(e, e) for e in expected if e not in ("WS", "COMMENT")})
    if not names:
        return ""
    if len(names) > 8:
        names = names[:8] + ["..."]
    return "expected " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1])


def syntax_diagnostic(err: UnexpectedInput, file: str, text: str, words: dict[str, str]) -> Diagnostic:
    """The E101 diagnostic for a Lark parse error in ``text`` (of ``file``): where it
    is, what was found and what was expected, worded by ``words`` (terminal name ->
    how to say it, from :func:`treatycheck.syntax.grammar_terminals`)."""
    line = err.line if err.line and err.line > 0 else text.count("\n") + 1
    column = err.column if err.column and err.column > 0 else 1
    help_: str | None = None
    if isinstance(err, UnexpectedCharacters):
        pos = err.pos_in_stream
        ch = text[pos] if pos is not None and 0 <= pos < len(text) else "?"
        message = f"unexpected character `{ch}`"
        allowed = err.allowed or set()
        help_ = _expected_words(allowed, words) or None
        if ch == '"':
            message = "unterminated string"
            help_ = 'close the string with `"` on the same line'
        elif ch == "#":
            help_ = "a comment `#` must start a line or follow a space"
        elif ch.islower() or ch.isupper():
            help_ = (help_ or "") + (
                "; variables are one capital letter (`X`), entity names two or more capitals (`US`),"
                " predicates lower case (`assist`)"
            )
        end_col = column + 1
    elif isinstance(err, UnexpectedEOF):
        message = "unexpected end of file"
        help_ = _expected_words(err.expected, words) or None
        end_col = column + 1
    else:
        assert isinstance(err, UnexpectedToken)
        tok = err.token
        if tok.type == "$END":
            message = "unexpected end of file"
            line, column = _end_position(text)
            end_col = column + 1
        else:
            message = f"unexpected `{tok.value}`"
            end_col = (tok.end_column or column + 1) if tok.end_line == tok.line else column + 1
        expected = set(err.expected)
        help_ = _expected_words(expected, words) or None
        if tok.type == "VARIABLE" and "UNAME" in expected:
            help_ = f"`{tok.value}` is a variable (one capital letter); names of entities, groups and treaties have two or more capitals, e.g. `{tok.value}{tok.value}`"
        elif tok.type == "UNAME" and "VARIABLE" in expected and "UNAME" not in expected:
            help_ = f"`{tok.value}` is an entity name; a variable is one capital letter with optional digits, e.g. `X`"
        elif tok.type == "NAME" and "UNAME" in expected and "NAME" not in expected:
            help_ = f"`{tok.value}` is lower case; entity, group and treaty names are written in capitals"
        if "DOT" in expected and tok.type != "DOT":
            help_ = (help_ + "; " if help_ else "") + "did a sentence miss its closing `.`?"
        if tok.type == "IN" and _reading_follows(text, tok):
            span = m.Span(file, line, column, line, end_col)
            return Diagnostic.of(
                Code.READING_OUTSIDE_ARTICLE,
                "`in reading` outside an article",
                span,
                (),
                "only a sentence of an article (a norm or a precedence sentence) can hold in some readings only; "
                "for an expectation write `expect ... in reading NAME.`",
            )
    span = m.Span(file, line, column, line, end_col)
    return Diagnostic.of(Code.SYNTAX, message, span, (), help_)


def _reading_follows(text: str, tok: Any) -> bool:
    """Is the `in` at ``tok`` followed by the word `reading` or `readings`?"""
    start = getattr(tok, "end_pos", None)
    if start is None:
        return False
    rest = text[start : start + 40].split(None, 1)
    return bool(rest) and rest[0] in ("reading", "readings")


def _end_position(text: str) -> tuple[int, int]:
    stripped = text.rstrip()
    line = stripped.count("\n") + 1
    column = len(stripped) - (stripped.rfind("\n") + 1) + 1
    return line, column


def too_deep(tok: Any, file: str, limit: int) -> Diagnostic:
    """The E102 diagnostic for conditions nested deeper than ``limit``, at token
    ``tok`` (None: the file's start)."""
    line, column = (tok.line, tok.column) if tok is not None else (1, 1)
    span = m.Span(file, line or 1, column or 1, line or 1, (column or 1) + 1)
    return Diagnostic.of(
        Code.TOO_DEEP,
        f"conditions nest more than {limit} levels deep",
        span,
        help="split the condition into simpler parts",
    )
