"""Text to syntax tree: the only module that imports Lark.

``parse(text, file) -> Module``. The grammar (``grammar/treaty.lark``, shipped in the
package) is parsed with LALR and a contextual lexer; the transformer runs inside the
parse, so no intermediate Lark tree is built, and every node's span is computed from
its first and last token. Lark's exceptions are turned into
:class:`~treatycheck.diagnostics.TreatySyntaxError` with a readable "expected ...".

Lark's types stay here: what leaves this module is model nodes, strings, numbers
and spans (:class:`~treatycheck.model.Span`), never a token or a tree; Lark's
parse errors are worded by :mod:`~treatycheck.syntax_errors`. What a later
stage needs to know of how something was written is a field of its node (a
treaty's header options as written, for E222, are :attr:`~treatycheck.model.Treaty.options`).
"""

from __future__ import annotations

import threading
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple, cast

import lark
from lark import Lark, Transformer
from lark.exceptions import UnexpectedInput, VisitError

from . import model as m
from .codes import Code
from .diagnostics import Diagnostic, TreatySyntaxError
from .interrupt import checkpoint
from .kinds import MODALITY_WORDS, Modality, ParamType
from .syntax_errors import syntax_diagnostic, too_deep

try:  # lark-cython lexes and parses about 1.6x faster; its tokens are its own type
    import lark_cython

    _PLUGINS: dict | None = lark_cython.plugins
    _TOKEN_TYPES: tuple[type[Any], ...] = (lark.Token, lark_cython.Token)
except ImportError:  # pragma: no cover - the plain Lark path
    _PLUGINS = None
    _TOKEN_TYPES = (lark.Token,)

Token = Any  # a token of either library: .type, .value and positions

#: Deepest nesting of conditions and terms accepted; later stages recurse over the
#: tree, so a pathological file is refused here with a clear message instead.
MAX_DEPTH = 200

_local = threading.local()


class _HeaderOption(NamedTuple):
    """A treaty header option while the treaty is built; the treaty node keeps it
    as a plain ``(keyword, value, at)`` tuple (:attr:`~treatycheck.model.Treaty.options`)."""

    keyword: str  # as written: "signed" or "kind"
    value: str  # the date, or "commitment"
    at: m.Span


class _TooDeep(Exception):
    def __init__(self, token: Token):
        self.token = token


def _span(children: list[Any]) -> m.Span:
    """From the first positioned child to the last. Called for every node of every
    parse, so written as two plain loops (this was a quarter of parsing time)."""
    at: Any
    to: Any
    for c in children:
        at = c if isinstance(c, _TOKEN_TYPES) else getattr(c, "span", None)
        if at is not None and (at is c or isinstance(at, m.Span)):
            break
    else:
        return m.NO_SPAN
    for d in reversed(children):
        to = d if isinstance(d, _TOKEN_TYPES) else getattr(d, "span", None)
        if to is not None and (to is d or isinstance(to, m.Span)):
            break
    return m.Span(_local.file, at.line, at.column, to.end_line, to.end_column, at.start_pos, to.end_pos)


def _tokens(children: list[Any], *types: str) -> list[Token]:
    return [c for c in children if isinstance(c, _TOKEN_TYPES) and c.type in types]


def _nodes(children: list[Any]) -> list[Any]:
    return [c for c in children if not isinstance(c, _TOKEN_TYPES)]


def _string(tok: Token | None) -> str | None:
    if tok is None:
        return None
    body = tok.value[1:-1]
    if "\\" not in body:
        return body
    out, i = [], 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            out.append(body[i + 1])
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def _first(children: list[Any], type_: str) -> Token | None:
    return next((c for c in children if isinstance(c, _TOKEN_TYPES) and c.type == type_), None)


def _depth_check(node: Any, children: list[Any]) -> Any:
    depths = _local.depths
    d = 1 + max((depths.get(id(c), 0) for c in children if not isinstance(c, _TOKEN_TYPES)), default=0)
    if d > MAX_DEPTH:
        tok = next((c for c in children if isinstance(c, _TOKEN_TYPES)), None)
        raise _TooDeep(tok)
    depths[id(node)] = d
    _local.keep.append(node)  # ids stay unique while the parse runs
    return node


class _Build(Transformer):
    """Builds model nodes while the LALR parser reduces (keep_all_tokens is on)."""

    # ---- terms and conditions
    def variable(self, c: list[Any]) -> m.Var:
        return m.Var(c[0].value, _span(c))

    def constant(self, c: list[Any]) -> m.Const:
        return m.Const(c[0].value, _span(c))

    def call(self, c: list[Any]) -> m.Call:
        args = tuple(_nodes(c))
        return _depth_check(m.Call(c[0].value, args, _span(c), parens=len(c) > 1), c)

    def negated(self, c: list[Any]) -> m.Not:
        return _depth_check(m.Not(_nodes(c)[0], _span(c)), c)

    def parenthesised(self, c: list[Any]) -> Any:
        inner = _nodes(c)[0]
        _depth_check(inner, c)
        return inner

    def conjunction(self, c: list[Any]) -> m.And:
        return _depth_check(m.And(tuple(_nodes(c)), _span(c)), c)

    def disjunction(self, c: list[Any]) -> m.Or:
        return _depth_check(m.Or(tuple(_nodes(c)), _span(c)), c)

    def membership(self, c: list[Any]) -> m.InGroup:
        return m.InGroup(c[0], c[2].value, _span(c))

    def is_party(self, c: list[Any]) -> m.IsParty:
        return m.IsParty(c[0], False, _span(c))

    def is_not_party(self, c: list[Any]) -> m.IsParty:
        return m.IsParty(c[0], True, _span(c))

    def same(self, c: list[Any]) -> m.Same:
        return m.Same(c[0], c[2], False, _span(c))

    def not_same(self, c: list[Any]) -> m.Same:
        return m.Same(c[0], c[3], True, _span(c))

    def quantifier(self, c: list[Any]) -> Token:
        return c[0]

    def domain(self, c: list[Any]) -> Token:
        return c[0]

    def quantified(self, c: list[Any]) -> m.Quant:
        node = m.Quant(c[0].value, c[1].value, c[2].value, c[4], _span(c))
        return _depth_check(node, c)

    # ---- declarations
    def state_decl(self, c: list[Any]) -> m.StateDecl:
        return m.StateDecl(c[1].value, _string(_first(c, "STRING")), _span(c))

    def members(self, c: list[Any]) -> tuple[str, ...]:
        return tuple(t.value for t in _tokens(c, "UNAME"))

    def organization_decl(self, c: list[Any]) -> m.OrganizationDecl:
        members = next((x for x in c if isinstance(x, tuple)), None)
        return m.OrganizationDecl(c[1].value, _string(_first(c, "STRING")), members, _span(c))

    def group_decl(self, c: list[Any]) -> m.GroupDecl:
        members = next((x for x in c if isinstance(x, tuple)), None)
        return m.GroupDecl(c[1].value, _string(_first(c, "STRING")), members, _span(c))

    def predicate_kind(self, c: list[Any]) -> Token:
        return c[0]

    def param_type(self, c: list[Any]) -> Token:
        return c[0]

    def param(self, c: list[Any]) -> m.Param:
        if len(c) == 3:
            return m.Param(c[0].value, ParamType(c[2].value), True, _span(c))
        return m.Param(c[0].value, ParamType.ENTITY, False, _span(c))

    def params(self, c: list[Any]) -> tuple[m.Param, ...]:
        return tuple(x for x in c if isinstance(x, m.Param))

    def decided_by(self, c: list[Any]) -> tuple[str, str, m.Span]:
        return ("decided", c[2].value, _span([c[2]]))

    def predicate_decl(self, c: list[Any]) -> m.PredicateDecl:
        params = next((x for x in c if isinstance(x, tuple) and (not x or isinstance(x[0], m.Param))), None)
        decider = next((x for x in c if isinstance(x, tuple) and x and x[0] == "decided"), None)
        return m.PredicateDecl(
            c[0].value,
            c[1].value,
            params or (),
            _string(_first(c, "STRING")),
            _span(c),
            parens=params is not None,
            decided_by=decider[1] if decider else None,
            decided_by_span=decider[2] if decider else m.NO_SPAN,
        )

    def implies_axiom(self, c: list[Any]) -> m.AxiomDecl:
        nodes = _nodes(c)
        cond = nodes[1] if len(nodes) == 3 else None
        return m.AxiomDecl(c[1].value, "implies", nodes[0], cond, nodes[-1], _span(c))

    def excludes_axiom(self, c: list[Any]) -> m.AxiomDecl:
        nodes = _nodes(c)
        return m.AxiomDecl(c[1].value, "excludes", nodes[0], None, nodes[1], _span(c))

    def assume_decl(self, c: list[Any]) -> m.AssumeDecl:
        return m.AssumeDecl(c[1].value, _nodes(c)[0], _span(c))

    def reading_decl(self, c: list[Any]) -> m.ReadingDecl:
        return m.ReadingDecl(c[1].value, _string(_first(c, "STRING")), _span(c))

    def tagged(self, c: list[Any]) -> m.Norm | m.Precedence:
        """A sentence that holds only in the readings named before it. Its span and
        text start at `in`, so that a report shows (and fmt keeps) the tag."""
        sentence = c[-1]
        names = _tokens(c, "NAME")
        span = _span(c)
        text = " ".join(_local.text[span.start_pos : span.end_pos].split())
        return replace(
            sentence,
            readings=tuple(t.value for t in names),
            reading_spans=tuple(_span([t]) for t in names),
            span=span,
            text=text,
        )

    # ---- treaties
    def signed(self, c: list[Any]) -> _HeaderOption:
        return _HeaderOption("signed", c[1].value, _span(c))

    def commitment(self, c: list[Any]) -> _HeaderOption:
        return _HeaderOption("kind", c[1].value, _span(c))

    def in_force(self, c: list[Any]) -> _HeaderOption:
        return _HeaderOption("in force", c[2].value, _span(c))

    def draft(self, c: list[Any]) -> _HeaderOption:
        return _HeaderOption("draft", "draft", _span(c))

    def party_entity(self, c: list[Any]) -> m.PartyEntity:
        return m.PartyEntity(c[0].value, _span(c))

    def party_members_of(self, c: list[Any]) -> m.PartyMembersOf:
        return m.PartyMembersOf(c[2].value, _span(c))

    def party_all_states(self, c: list[Any]) -> m.PartyAllStates:
        return m.PartyAllStates(_span(c))

    def parties(self, c: list[Any]) -> tuple[tuple[m.PartyItem, ...], m.Span]:
        return (tuple(_nodes(c)), _span(c))

    def treaty(self, c: list[Any]) -> m.Treaty:
        options = [x for x in c if isinstance(x, _HeaderOption)]
        signed = next((o.value for o in options if o.keyword == "signed"), None)
        commitment = any(o.keyword == "kind" for o in options)
        parties, parties_span = next(x for x in c if isinstance(x, tuple) and len(x) == 2 and isinstance(x[1], m.Span))
        articles = tuple(x for x in c if isinstance(x, m.Article))
        return m.Treaty(
            c[1].value,
            _string(_first(c, "STRING")),
            signed,
            commitment,
            parties,
            articles,
            _span(c),
            parties_span=parties_span,
            # all of them as written, so that resolve can report one given twice (E222)
            options=tuple((o.keyword, o.value, o.at) for o in options),
            in_force=next((o.value for o in options if o.keyword == "in force"), None),
            draft=any(o.keyword == "draft" for o in options),
        )

    def in_reading(self, c: list[Any]) -> tuple[str, str, m.Span]:
        return ("reading", c[2].value, _span([c[2]]))

    def article(self, c: list[Any]) -> m.Article:
        sentences = tuple(x for x in c if isinstance(x, (m.Norm, m.Precedence)))
        return m.Article(c[1].value, _string(_first(c, "STRING")), sentences, _span(c))

    def each_party(self, c: list[Any]) -> m.EachParty:
        return m.EachParty(c[2].value, _span(c))

    def each_member(self, c: list[Any]) -> m.EachMember:
        return m.EachMember(c[2].value, c[4].value, _span(c))

    def named_bearer(self, c: list[Any]) -> m.NamedBearer:
        return m.NamedBearer(c[0].value, _span(c))

    def obligation(self, c: list[Any]) -> tuple[Modality, m.Span]:
        return (Modality.OBLIGATION, _span(c))

    def prohibition(self, c: list[Any]) -> tuple[Modality, m.Span]:
        return (Modality.PROHIBITION, _span(c))

    def permission(self, c: list[Any]) -> tuple[Modality, m.Span]:
        return (Modality.PERMISSION, _span(c))

    def right(self, c: list[Any]) -> tuple[Modality, m.Span]:
        return (Modality.RIGHT, _span(c))

    def exemption(self, c: list[Any]) -> tuple[Modality, m.Span]:
        return (Modality.EXEMPTION, _span(c))

    def protected_exemption(self, c: list[Any]) -> tuple[Modality, m.Span]:
        return (Modality.PROTECTED_EXEMPTION, _span(c))

    def norm_action(self, c: list[Any]) -> m.Call:
        return c[0]

    def any_action(self, c: list[Any]) -> m.AnyAction:
        return m.AnyAction(c[3].value, _span(c))

    def norm_if(self, c: list[Any]) -> tuple[str, Any]:
        return ("if", c[1])

    def norm_unless(self, c: list[Any]) -> tuple[str, Any]:
        return ("unless", c[1])

    def norm(self, c: list[Any]) -> m.Norm:
        checkpoint()  # a large file: stay responsive to Ctrl-C
        modality, modality_span = c[1]
        cond = next((x[1] for x in c[3:] if isinstance(x, tuple) and x[0] == "if"), None)
        unless = next((x[1] for x in c[3:] if isinstance(x, tuple) and x[0] == "unless"), None)
        span = _span(c)
        text = " ".join(_local.text[span.start_pos : span.end_pos].split())
        words = " ".join(_local.text[modality_span.start_pos : modality_span.end_pos].split())
        wording = words if words in MODALITY_WORDS[modality].synonyms else ""
        return m.Norm(c[0], modality, c[2], cond, unless, span, text=text, modality_span=modality_span, wording=wording)

    def _precedence(self, kind: str, c: list[Any]) -> m.Precedence:
        span = _span(c)
        names = tuple(t.value for t in _tokens(c, "UNAME"))
        lists = [x for x in c if isinstance(x, tuple) and x and x[0] == "articles"]
        articles = lists[0][1] if lists else ()
        text = " ".join(_local.text[span.start_pos : span.end_pos].split())
        return m.Precedence(kind, names, span, text=text, articles=articles)

    def article_list(self, c: list[Any]) -> tuple[str, tuple[str, ...]]:
        return ("articles", tuple(t.value for t in _tokens(c, "ARTICLE_ID")))

    def prevails_earlier(self, c: list[Any]) -> m.Precedence:
        return self._precedence("prevails_earlier", c)

    def subject_all(self, c: list[Any]) -> m.Precedence:
        return self._precedence("subject_all", c)

    def subject_earlier(self, c: list[Any]) -> m.Precedence:
        return self._precedence("subject_earlier", c)

    def obligations_prevail(self, c: list[Any]) -> m.Precedence:
        return self._precedence("obligations_prevail", c)

    def forbids_engagements(self, c: list[Any]) -> m.Precedence:
        return self._precedence("forbids_engagements", c)

    def article_prevails(self, c: list[Any]) -> m.Precedence:
        return self._precedence("article_prevails", c)

    def article_prevails_all(self, c: list[Any]) -> m.Precedence:
        return self._precedence("article_prevails_all", c)

    def article_subject_to(self, c: list[Any]) -> m.Precedence:
        return self._precedence("article_subject_to", c)

    def prevails_all(self, c: list[Any]) -> m.Precedence:
        return self._precedence("prevails_all", c)

    def prevails_over(self, c: list[Any]) -> m.Precedence:
        return self._precedence("prevails_over", c)

    def subject_to(self, c: list[Any]) -> m.Precedence:
        return self._precedence("subject_to", c)

    # ---- expectations
    def status(self, c: list[Any]) -> Token:
        return c[0]

    def expect_conflict(self, c: list[Any]) -> m.Expect:
        refs = tuple(t.value for t in _tokens(c, "REF"))
        status = next((x.value for x in c if isinstance(x, _TOKEN_TYPES) and x.type in _STATUS_TYPES), None)
        winner = _first(c, "UNAME")
        return _pinned(c, m.Expect("conflict", refs, status, winner.value if winner else None, _span(c)))

    def expect_no_conflict(self, c: list[Any]) -> m.Expect:
        return _pinned(c, m.Expect("no_conflict", tuple(t.value for t in _tokens(c, "REF")), span=_span(c)))

    def expect_consistent(self, c: list[Any]) -> m.Expect:
        return _pinned(c, m.Expect("consistent", (c[2].value,), span=_span(c)))

    def expect_control(self, c: list[Any]) -> m.Expect:
        return self._control("control", c)

    def expect_no_control(self, c: list[Any]) -> m.Expect:
        return self._control("no_control", c)

    def _control(self, kind: str, c: list[Any]) -> m.Expect:
        refs = tuple(t.value for t in _tokens(c, "REF"))
        entity = _first(c, "UNAME")
        return _pinned(c, m.Expect(kind, refs, span=_span(c), entity=entity.value if entity else None))

    def expect_covered(self, c: list[Any]) -> m.Expect:
        return _pinned(c, m.Expect("covered", tuple(t.value for t in _tokens(c, "REF")), span=_span(c)))

    def expect_new(self, c: list[Any]) -> m.Expect:
        return _pinned(c, m.Expect("new", tuple(t.value for t in _tokens(c, "REF")), span=_span(c)))

    def start(self, c: list[Any]) -> list[Any]:
        return c


def _pinned(c: list[Any], e: m.Expect) -> m.Expect:
    """The expectation with its `in reading NAME`, if written."""
    tag = next((x for x in c if isinstance(x, tuple) and x and x[0] == "reading"), None)
    return e if tag is None else replace(e, reading=tag[1], reading_span=tag[2])


_STATUS_TYPES = {"PREVAILS", "DEADLOCK", "UNRESOLVED", "PARTIAL", "POLITICAL", "DISPLACED"}


def _on_comment(tok: Token) -> Token:
    _local.comments.append(tok)
    return tok


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = resources.files("treatycheck.grammar").joinpath("treaty.lark").read_text(encoding="utf-8")
    options: dict = {"_plugins": _PLUGINS} if _PLUGINS else {}
    return Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        transformer=_Build(),
        keep_all_tokens=True,
        maybe_placeholders=False,
        lexer_callbacks={"COMMENT": _on_comment},
        **options,
    )


def grammar_terminals() -> dict[str, str]:
    """Terminal name -> how to say it to a person (``SHALL`` -> `` `shall` ``)."""
    words = {
        "UNAME": "a name in capitals (an entity, group or treaty id)",
        "VARIABLE": "a variable (one capital letter, e.g. `X`)",
        "NAME": "a lower-case name",
        "STRING": 'a quoted string ("...")',
        "ARTICLE_ID": "an article id (e.g. `5`, `2.1`, `IV`)",
        "REF": "a reference `TREATY:ARTICLE`",
        "DATE": "a date YYYY-MM-DD",
        "$END": "the end of the file",
    }
    out = {}
    for term in _parser().terminals:
        if term.name in words:
            out[term.name] = words[term.name]
        elif term.pattern.type == "str":
            out[term.name] = f"`{term.pattern.value}`"
        else:
            out[term.name] = term.name.lower()
    out["$END"] = words["$END"]
    return out


def parse(text: str, file: str = "<string>") -> m.Module:
    """Parse clause-language text into a :class:`~treatycheck.model.Module`.

    Raises :class:`TreatySyntaxError` (a :class:`TreatyError`) carrying the file, line
    and column of the first syntax error. Names are not checked here (see resolve).
    """
    parser = _parser()
    _local.file = file
    _local.text = text
    _local.comments = []
    _local.depths = {}
    _local.keep = []
    try:
        # the transformer runs inside the parse: what comes out is the list of items
        items = cast("list[Any]", parser.parse(text))
    except UnexpectedInput as err:
        raise TreatySyntaxError([syntax_diagnostic(err, file, text, grammar_terminals())], {file: text}) from None
    except VisitError as err:
        if isinstance(err.orig_exc, _TooDeep):
            raise TreatySyntaxError([too_deep(err.orig_exc.token, file, MAX_DEPTH)], {file: text}) from None
        # the builder's own error, unwrapped: a VisitError holds Lark trees and tokens,
        # which never leave this module
        raise err.orig_exc from None
    except _TooDeep as err:
        raise TreatySyntaxError([too_deep(err.token, file, MAX_DEPTH)], {file: text}) from None
    except RecursionError:
        span = m.Span(file, 1, 1, 1, 2)
        msg = "the file nests too deeply to be read"
        raise TreatySyntaxError([Diagnostic.of(Code.TOO_DEEP, msg, span)], {file: text}) from None
    finally:
        _local.depths = {}
        _local.keep = []
    comments, _local.comments = _local.comments, []
    return _finish(file, items, comments, text)


# ------------------------------------------------------------------ post-pass


def _finish(file: str, items: list[Any], comments: list[Token], text: str) -> m.Module:
    """Attach comments to what follows them and breadcrumbs to treaty spans."""
    pending = sorted(comments, key=lambda t: t.start_pos)
    cursor = [0]
    last = [0]

    def take(before: int) -> tuple[str, ...]:
        """The comments before ``before``; "" marks a blank line between two of them,
        so that separate comment blocks stay separate when the file is formatted."""
        out: list[str] = []
        while cursor[0] < len(pending) and pending[cursor[0]].start_pos < before:
            tok = pending[cursor[0]]
            gap = text[last[0] : tok.start_pos].replace(" ", "").replace("\t", "").replace("\r", "")
            if out and "\n\n" in gap:  # a blank line between two comments
                out.append("")
            out.append(tok.value.rstrip())
            last[0] = tok.start_pos + len(tok.value)
            cursor[0] += 1
        return tuple(out)

    def crumb(span: m.Span, trail: tuple[str, ...]) -> m.Span:
        return replace(span, breadcrumb=trail)

    out_items: list[m.Item] = []
    for item in items:
        if isinstance(item, m.Treaty):
            head = take(item.span.start_pos)
            parties_comments = take(item.parties_span.start_pos)
            trail = (item.id,)
            articles = []
            for art in item.articles:
                art_comments = take(art.span.start_pos)
                atrail = trail + (f"article {art.id}",)
                sentences = []
                for n, sent in enumerate(art.sentences, 1):
                    # a comment inside a sentence belongs to that sentence
                    s_comments = take(sent.span.end_pos)
                    sentences.append(
                        replace(sent, comments=s_comments, span=crumb(sent.span, atrail + (f"sentence {n}",)))
                    )
                    last[0] = max(last[0], sent.span.end_pos)
                articles.append(
                    replace(art, sentences=tuple(sentences), comments=art_comments, span=crumb(art.span, atrail))
                )
            out_items.append(
                replace(
                    item,
                    articles=tuple(articles),
                    comments=head,
                    parties_comments=parties_comments,
                    span=crumb(item.span, trail),
                )
            )
        else:
            out_items.append(replace(item, comments=take(item.span.end_pos)))
        last[0] = max(last[0], item.span.end_pos)
    trailing = take(len(text) + 1)
    return m.Module(file, tuple(out_items), trailing, source=text)
