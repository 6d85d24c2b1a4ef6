"""Syntax tree to canonical text (``treatycheck fmt``).

``format_module(module) -> str``. The output parses back to an equal tree
(``parse(format_module(t)) == t``), keeps every comment before the node it was
attached to, and uses the fewest parentheses that keep the meaning.
"""

from __future__ import annotations

from . import model as m
from .kinds import MODALITY_WORDS


def _string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def term(t: m.Term) -> str:
    """A term as written: ``X``, ``US``, ``assist(X, Y)``."""
    if isinstance(t, (m.Var, m.Const)):
        return t.name
    if not t.args:
        return t.name + ("()" if t.parens else "")
    return f"{t.name}({', '.join(term(a) for a in t.args)})"


def _primary(c: m.Cond) -> str:
    """A condition where the grammar wants a primary (a `not` body, a quantifier body)."""
    if isinstance(c, (m.And, m.Or)):
        return f"({condition(c)})"
    return condition(c)


def condition(c: m.Cond) -> str:
    """A condition in the clause language with minimal parentheses."""
    if isinstance(c, m.Call):
        return term(c)
    if isinstance(c, m.Not):
        return f"not {_primary(c.body)}"
    if isinstance(c, m.And):
        return " and ".join(f"({condition(i)})" if isinstance(i, (m.Or, m.And)) else condition(i) for i in c.items)
    if isinstance(c, m.Or):
        # `and` binds tighter than `or`; the parentheses are kept for the reader
        return " or ".join(f"({condition(i)})" if isinstance(i, (m.Or, m.And)) else condition(i) for i in c.items)
    if isinstance(c, m.InGroup):
        return f"{term(c.term)} in {c.group}"
    if isinstance(c, m.IsParty):
        return f"{term(c.term)} is {'not ' if c.negated else ''}a party"
    if isinstance(c, m.Same):
        return f"{term(c.left)} is {'not ' if c.negated else ''}{term(c.right)}"
    if isinstance(c, m.Quant):
        return f"{c.quantifier} {c.domain} {c.var} satisfies {_primary(c.body)}"
    if isinstance(c, m.Exists):
        names = ", ".join(n for n, _ in c.vars)
        return f"[some {names}] {_primary(c.body)}"
    raise TypeError(f"not a condition: {c!r}")


def subject(s: m.Subject) -> str:
    if isinstance(s, m.EachParty):
        return f"each party {s.var}"
    if isinstance(s, m.EachMember):
        return f"each member {s.var} of {s.group}"
    return s.name


#: Lines longer than this are wrapped: a norm's `if` and `unless` go on lines of their
#: own, and long lists of members or parties continue on the next lines.
WIDTH = 88


def norm(n: m.Norm, indent: str = "") -> str:
    """A norm sentence, on one line if it fits in :data:`WIDTH` after ``indent``."""
    action = f"take any action {n.action.var}" if isinstance(n.action, m.AnyAction) else term(n.action)
    head = f"{subject(n.subject)} {n.wording or MODALITY_WORDS[n.modality].keyword} {action}"
    parts = []
    if n.condition is not None:
        parts.append(f"if {condition(n.condition)}")
    if n.unless is not None:
        parts.append(f"unless {condition(n.unless)}")
    one_line = " ".join([head, *parts]) + "."
    if len(indent) + len(one_line) <= WIDTH or not parts:
        return one_line
    lines = [head]
    for word, cond in (("if", n.condition), ("unless", n.unless)):
        if cond is None:
            continue
        part = f"{indent}  {word} {condition(cond)}"
        if len(part) > WIDTH and isinstance(cond, m.And):
            # fill lines with conjuncts; a continued line starts with `and`
            items = [f"({condition(i)})" if isinstance(i, (m.And, m.Or)) else condition(i) for i in cond.items]
            pad = f"{indent}  {' ' * (len(word) + 1)}"
            rows = [f"{indent}  {word} {items[0]}"]
            for item in items[1:]:
                if len(rows[-1]) + 5 + len(item) <= WIDTH:
                    rows[-1] += f" and {item}"
                else:
                    rows.append(f"{pad}and {item}")
            part = "\n".join(rows)
        lines.append(part)
    return "\n".join(lines) + "."


def _wrap_list(prefix: str, items: list[str], suffix: str, indent: str) -> str:
    """``prefix`` + comma-separated ``items`` + ``suffix``, continued on further lines
    (starting with ``indent``) where a line would pass :data:`WIDTH`."""
    lines, line = [], prefix
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else suffix)
        if line.strip() and len(line) + 1 + len(piece) > WIDTH and line != prefix:
            lines.append(line)
            line = indent + piece
        else:
            line = f"{line} {piece}" if line and not line.endswith(" ") else line + piece
    lines.append(line)
    return "\n".join(lines)


#: The fixed wording of each precedence sentence that names nothing.
_FIXED = {
    "prevails_all": "this treaty prevails over all other treaties.",
    "prevails_earlier": "this treaty prevails over all earlier treaties.",
    "subject_all": "this treaty is subject to all other treaties.",
    "subject_earlier": "this treaty is subject to all earlier treaties.",
    "obligations_prevail": "this treaty's obligations prevail over all other treaties.",
    "forbids_engagements": "this treaty forbids conflicting engagements.",
    "article_prevails_all": "this article prevails over all other articles.",
}


def _articles(ids: tuple[str, ...]) -> str:
    return ("article " if len(ids) == 1 else "articles ") + ", ".join(ids)


def precedence(p: m.Precedence) -> str:
    if p.kind in _FIXED:
        return _FIXED[p.kind]
    if p.kind == "prevails_over":
        return f"this treaty prevails over {', '.join(p.treaties)}."
    if p.kind == "article_prevails":
        return f"this article prevails over {_articles(p.articles)}."
    if p.kind == "article_subject_to":
        return f"this article is subject to {_articles(p.articles)}."
    return f"this treaty is subject to {', '.join(p.treaties)}."


def tag(s: m.Sentence) -> str:
    """``in reading NAME: `` (or ``in readings A, B: ``) before a tagged sentence."""
    if not s.readings:
        return ""
    word = "reading" if len(s.readings) == 1 else "readings"
    return f"in {word} {', '.join(s.readings)}: "


def _comments(lines: list[str], comments: tuple[str, ...], indent: str) -> None:
    for c in comments:
        if c or (lines and lines[-1] != ""):  # never two blank lines in a row
            lines.append(indent + c if c else "")


def _title(t: str | None) -> str:
    return f" {_string(t)}" if t is not None else ""


def declaration(d: m.Item) -> str:
    """A top-level declaration or expect sentence on one line."""
    if isinstance(d, m.StateDecl):
        return f"state {d.name}{_title(d.title)}."
    if isinstance(d, (m.OrganizationDecl, m.GroupDecl)):
        word = "organization" if isinstance(d, m.OrganizationDecl) else "group"
        head = f"{word} {d.name}{_title(d.title)}"
        if not d.members:
            return head + "."
        one_line = f"{head} members {', '.join(d.members)}."
        if len(one_line) <= WIDTH:
            return one_line
        return head + "\n" + _wrap_list("  members", list(d.members), ".", "          ")
    if isinstance(d, m.PredicateDecl):
        params = ", ".join(p.name + (": action" if p.type == "action" else "") for p in d.params)
        shown = f"({params})" if d.params or d.parens else ""
        decider = f" decided by {d.decided_by}" if d.decided_by else ""
        return f"{d.kind} {d.name}{shown}{_title(d.template)}{decider}."
    if isinstance(d, m.AxiomDecl):
        if d.kind == "excludes":
            return f"axiom {d.name}: {term(d.left)} excludes {term(d.right)}."
        cond = f" and {condition(d.condition)}" if d.condition is not None else ""
        return f"axiom {d.name}: {term(d.left)}{cond} implies {term(d.right)}."
    if isinstance(d, m.AssumeDecl):
        return f"assume {d.name}: {condition(d.condition)}."
    if isinstance(d, m.ReadingDecl):
        return f"reading {d.name}{_title(d.description)}."
    if isinstance(d, m.Expect):
        pin = f" in reading {d.reading}" if d.reading else ""
        if d.kind == "consistent":
            return f"expect consistent {d.refs[0]}{pin}."
        if d.kind == "no_conflict":
            return f"expect no conflict {d.refs[0]} {d.refs[1]}{pin}."
        if d.kind in ("control", "no_control"):
            no = "no " if d.kind == "no_control" else ""
            return f"expect {no}control {d.entity} {d.refs[0]}{pin}."
        if d.kind in ("covered", "new"):
            return f"expect {d.kind} {d.refs[0]}{pin}."
        res = f" resolved {d.status}" + (f" {d.winner}" if d.winner else "") if d.status else ""
        return f"expect conflict {d.refs[0]} {d.refs[1]}{res}{pin}."
    raise TypeError(f"not a declaration: {d!r}")


def _party(p: m.PartyItem) -> str:
    if isinstance(p, m.PartyEntity):
        return p.name
    if isinstance(p, m.PartyMembersOf):
        return f"members of {p.name}"
    return "all states"


def treaty(t: m.Treaty) -> list[str]:
    """A treaty in canonical layout, as lines."""
    lines: list[str] = []
    _comments(lines, t.comments, "")
    head = f"treaty {t.id}{_title(t.title)}"
    if t.signed:
        head += f" signed {t.signed}"
    if t.in_force:
        head += f" in force {t.in_force}"
    if t.draft:
        head += " draft"
    if t.commitment:
        head += " kind commitment"
    lines.append(head + ":")
    _comments(lines, t.parties_comments, "  ")
    lines.append(_wrap_list("  parties:", [_party(p) for p in t.parties], ".", "    "))
    for art in t.articles:
        lines.append("")
        _comments(lines, art.comments, "  ")
        lines.append(f"  article {art.id}{_title(art.title)}:")
        for s in art.sentences:
            _comments(lines, s.comments, "    ")
            lines.append("    " + tag(s) + (norm(s, "    ") if isinstance(s, m.Norm) else precedence(s)))
    return lines


def format_module(module: m.Module) -> str:
    """The whole file in canonical layout, ending with one newline."""
    lines: list[str] = []
    previous: type | None = None
    for item in module.items:
        kind = type(item)
        starts_block = bool(getattr(item, "comments", ()))  # a commented item opens a block
        if lines and (
            starts_block
            or kind is m.Treaty
            or previous is m.Treaty
            or (kind is not previous and _group(kind) != _group(previous))
        ):
            lines.append("")
        if isinstance(item, m.Treaty):
            lines.extend(treaty(item))
        else:
            _comments(lines, item.comments, "")
            lines.append(declaration(item))
        previous = kind
    if module.trailing_comments:
        if lines:
            lines.append("")
        lines.extend(module.trailing_comments)
    return "\n".join(lines) + "\n" if lines else ""


def _group(kind: type | None) -> str:
    if kind in (m.StateDecl, m.OrganizationDecl, m.GroupDecl):
        return "entities"
    if kind is m.PredicateDecl:
        return "predicates"
    if kind in (m.AxiomDecl, m.AssumeDecl):
        return "rules"
    if kind is m.ReadingDecl:
        return "readings"
    return "other"
