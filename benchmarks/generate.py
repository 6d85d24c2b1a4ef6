"""A seeded generator of realistic treaty registers for the benchmarks.

``generate(seed, norms) -> list[(filename, text)]``: one vocabulary file and one
file per treaty, with exactly ``norms`` norm sentences in all.

The register is shaped like a real one:

- the 56 OSCE participating States of 2009, NATO, the CSTO and the EU (2009
  members), ten actions, six facts, three judgements with an ``: action``
  parameter, ``implies``/``excludes`` axioms and one assumption;
- treaties of 5-60 articles, about half of them bilateral, the others regional
  (subsets of the States, or the members of an organization), dated 1949-2009,
  some with precedence sentences;
- norms of all four modalities, mostly ``each party X``, with conditions on facts,
  ``V is a party``, ``unless`` and occasional quantifiers and judgements.

Conflicts are rare by construction: each action has a profile of modalities that
never clash (many prohibitions of force; obligations and permissions to consult;
...), and where two profiles meet (a right of self-defence against a prohibition
of force, a permission to station forces against a prohibition of stationing
without consent) the conditions are disjoint, so the solver has real work (the
candidate pairs) but finds no conflict. A few deliberate clashes (about one for
every thousand norms) drop the exception from a prohibition of force.

``generate(seed, norms, shape="dense")`` is the conflict-dense register of a first
draft, or of a register before its inconsistencies are cleaned up: the same
treaties, but 12% of the norms break the pattern (``BREAKING``: the same actions
with the modality turned round or the exception dropped), and 3% are general
prohibitions of "any action" another party considers to affect its security, like
art. 2(1) of the Draft European Security Treaty, which collide with every positive
norm of their bearers.

CLI: ``python benchmarks/generate.py --seed 1 --norms 10000 [--shape dense] --out DIR``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys

STATES = [
    ("AL", "Albania"),
    ("AD", "Andorra"),
    ("AM", "Armenia"),
    ("AT", "Austria"),
    ("AZ", "Azerbaijan"),
    ("BY", "Belarus"),
    ("BE", "Belgium"),
    ("BA", "Bosnia and Herzegovina"),
    ("BG", "Bulgaria"),
    ("CA", "Canada"),
    ("HR", "Croatia"),
    ("CY", "Cyprus"),
    ("CZ", "Czech Republic"),
    ("DK", "Denmark"),
    ("EE", "Estonia"),
    ("FI", "Finland"),
    ("FR", "France"),
    ("GE", "Georgia"),
    ("DE", "Germany"),
    ("GR", "Greece"),
    ("VA", "Holy See"),
    ("HU", "Hungary"),
    ("IS", "Iceland"),
    ("IE", "Ireland"),
    ("IT", "Italy"),
    ("KZ", "Kazakhstan"),
    ("KG", "Kyrgyzstan"),
    ("LV", "Latvia"),
    ("LI", "Liechtenstein"),
    ("LT", "Lithuania"),
    ("LU", "Luxembourg"),
    ("MK", "the former Yugoslav Republic of Macedonia"),
    ("MT", "Malta"),
    ("MD", "Moldova"),
    ("MC", "Monaco"),
    ("ME", "Montenegro"),
    ("NL", "Netherlands"),
    ("NO", "Norway"),
    ("PL", "Poland"),
    ("PT", "Portugal"),
    ("RO", "Romania"),
    ("RU", "Russian Federation"),
    ("SM", "San Marino"),
    ("RS", "Serbia"),
    ("SK", "Slovakia"),
    ("SI", "Slovenia"),
    ("ES", "Spain"),
    ("SE", "Sweden"),
    ("CH", "Switzerland"),
    ("TJ", "Tajikistan"),
    ("TR", "Turkey"),
    ("TM", "Turkmenistan"),
    ("UA", "Ukraine"),
    ("GB", "United Kingdom"),
    ("US", "United States of America"),
    ("UZ", "Uzbekistan"),
]
CODES = [c for c, _ in STATES]

ORGANIZATIONS = {
    "NATO": (
        "North Atlantic Treaty Organization",
        "AL BE BG CA HR CZ DK EE FR DE GR HU IS IT LV LT LU NL NO PL PT RO SK SI ES TR GB US".split(),
    ),
    "CSTO": ("Collective Security Treaty Organization", "RU AM BY KZ KG TJ UZ".split()),
    "EU": (
        "European Union",
        "AT BE BG CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE GB".split(),
    ),
}

ACTIONS = [
    ("use_force", "actor, target", "{actor} uses armed force against {target}"),
    ("threaten_force", "actor, target", "{actor} threatens to use force against {target}"),
    ("assist", "actor, victim", "{actor} assists {victim}"),
    ("consult", "actor, partner", "{actor} consults {partner}"),
    ("settle_peacefully", "actor, other", "{actor} settles its dispute with {other} by peaceful means"),
    ("exchange_information", "actor, partner", "{actor} exchanges military information with {partner}"),
    ("notify_exercise", "actor, neighbour", "{actor} notifies {neighbour} of a military exercise"),
    ("station_forces", "actor, host", "{actor} stations combat forces on the territory of {host}"),
    ("stay_neutral", "actor", "{actor} stays neutral"),
    ("join", "actor, org", "{actor} joins {org}"),
]
FACTS = [
    ("armed_attack", "attacker, victim", "{attacker} carries out an armed attack against {victim}"),
    ("dispute", "party, other", "{party} is involved in an international dispute with {other}"),
    ("threat_to", "victim", "there is a threat to the security of {victim}"),
    ("host_consents", "host, guest", "{host} consents to the presence of the forces of {guest}"),
    ("exercise_near", "actor, neighbour", "{actor} holds a military exercise near the border of {neighbour}"),
    (
        "security_council_acted",
        "victim",
        "the UN Security Council has taken the measures necessary after the attack on {victim}",
    ),
]
JUDGEMENTS = [
    ("affects_security", "act: action, party", "{party} considers its security significantly affected when {act}"),
    ("strengthens_at_expense", "act: action, other", "{act}, strengthening security at the expense of {other}"),
    ("endangers", "act: action, victim", "{victim} considers itself endangered when {act}"),
]
AXIOMS = [
    "axiom assistance_by_force: assist(X, V) and armed_attack(A, V) implies use_force(X, A).",
    "axiom exercise_notice: station_forces(X, Y) and exercise_near(X, Y) implies notify_exercise(X, Y).",
    "axiom neutrality_nato: stay_neutral(X) excludes join(X, NATO).",
    "axiom neutrality_csto: stay_neutral(X) excludes join(X, CSTO).",
]
ASSUMPTIONS = ["assume no_self_attack: not armed_attack(X, X)."]

# Norm templates: (weight, modality, text). `{B}` is the subject, `{X}` the bearer's
# term in the action (the variable X, or the named bearer). Every template of an
# action is compatible with every other (no clash, or disjoint conditions).
TEMPLATES: list[tuple[float, str]] = [
    # use_force: prohibitions, except against an attacker (disjoint from self-defence
    # and from assistance, which both need an armed attack by the target)
    (9, "{B} shall not use_force({X}, Y) unless armed_attack(Y, Z)."),
    (4, "{B} shall not use_force({X}, Y) if Y is a party unless armed_attack(Y, Z)."),
    (1, "{B} shall not use_force({X}, Y) if Y in EU unless armed_attack(Y, Z) or security_council_acted(Y)."),
    (0.15, "{B} has the right to use_force({X}, Y) if armed_attack(Y, {X}) unless security_council_acted({X})."),
    # threaten_force: prohibitions only
    (6, "{B} shall not threaten_force({X}, Y) if Y is a party and Y is not {X}."),
    (2, "{B} shall not threaten_force({X}, Y) if endangers(threaten_force({X}, Y), Y)."),
    # assist: duties of mutual defence (they amount to force against an attacker)
    (0.15, "{B} shall assist({X}, V) if armed_attack(A, V) and V is a party."),
    (0.1, "{B} may assist({X}, V) if armed_attack(A, V) and threat_to(V) and V is not {X}."),
    # consult: obligations and permissions
    (6, "{B} shall consult({X}, Y) if threat_to(Y) and Y is a party and Y is not {X}."),
    (2, "{B} shall consult({X}, Y) if Y is a party and some party P satisfies dispute(P, Y)."),
    (3, "{B} may consult({X}, Y) if affects_security(station_forces(Y, {X}), {X})."),
    # settle_peacefully: obligations
    (6, "{B} shall settle_peacefully({X}, Y) if dispute({X}, Y) unless security_council_acted(Y)."),
    (2, "{B} shall settle_peacefully({X}, Y) if dispute({X}, Y) and Y is a party."),
    # exchange_information: obligations and rights
    (5, "{B} shall exchange_information({X}, Y) if Y is a party and Y is not {X}."),
    (2, "{B} has the right to exchange_information({X}, Y) if dispute({X}, Y) or threat_to({X})."),
    # notify_exercise: obligations and permissions
    (5, "{B} shall notify_exercise({X}, Y) if exercise_near({X}, Y) and Y is a party."),
    (1, "{B} may notify_exercise({X}, Y) if exercise_near({X}, Y)."),
    # station_forces: prohibitions without the host's consent, permissions with it
    (4, "{B} shall not station_forces({X}, Y) if Y is not {X} unless host_consents(Y, {X})."),
    (
        1,
        "{B} shall not station_forces({X}, Y) if strengthens_at_expense(station_forces({X}, Y), Z) "
        "and Z is a party unless host_consents(Y, {X}).",
    ),
    (0.3, "{B} may station_forces({X}, Y) if host_consents(Y, {X}) and Y is a party."),
    (
        0.1,
        "{B} has the right to station_forces({X}, Y) if host_consents(Y, {X}) "
        "and every party P satisfies not armed_attack(P, Y).",
    ),
    # neutrality and membership: the right to join is to the EU only, so the
    # neutrality axioms (NATO, CSTO) never bite
    (0.3, "{B} shall stay_neutral({X}) if not {X} in NATO and not {X} in CSTO."),
    (0.3, "{B} has the right to join({X}, O) if O is EU."),
]

# The dense shape's norms that break the pattern: each clashes with some template
# of its action (an obligation where the others forbid, a prohibition where they
# oblige or permit, a duty where a liberty was meant).
BREAKING: list[str] = [
    "{B} shall use_force({X}, Y) if dispute({X}, Y).",
    "{B} shall not consult({X}, Y) if Y is a party.",
    "{B} shall station_forces({X}, Y) if threat_to(Y) and Y is not {X}.",
    "{B} shall not exchange_information({X}, Y) if dispute({X}, Y).",
    "{B} shall not settle_peacefully({X}, Y) if threat_to(Y).",
    "{B} shall not notify_exercise({X}, Y) if Y is a party.",
    "{B} shall not assist({X}, V) if armed_attack(A, V).",
    "{B} shall join({X}, O) if O is NATO.",
]
#: The dense shape's general prohibition (EST art. 2(1) in form).
GENERAL = "{B} shall not take any action A if affects_security(A, Y) and Y is a party and Y is not {X}."
#: The dense shape's shares of breaking and of general norms.
DENSE = (0.12, 0.03)

# A deliberate clash: a prohibition of force without the exception for an attacker,
# next to a right of self-defence (an internal conflict; it may meet others too).
CLASH = (
    "{B} shall not use_force({X}, {T}) if dispute({X}, {T}).",
    "{B} has the right to use_force({X}, {T}) if armed_attack({T}, {X}).",
)


def vocabulary() -> str:
    out = ["# Benchmark vocabulary: the OSCE States of 2009, three organizations, shared predicates.", ""]
    out += [f'state {c} "{n}".' for c, n in STATES]
    out.append("")
    for name, (title, members) in ORGANIZATIONS.items():
        out.append(f'organization {name} "{title}" members {", ".join(members)}.')
    out.append("")
    for kind, preds in (("action", ACTIONS), ("fact", FACTS), ("judgement", JUDGEMENTS)):
        out += [f'{kind} {n}({p}) "{t}".' for n, p, t in preds]
    out.append("")
    out += AXIOMS + ASSUMPTIONS
    return "\n".join(out) + "\n"


def _parties(rng: random.Random) -> tuple[list[str], str]:
    """(the parties as a set of states, the `parties:` line)."""
    r = rng.random()
    if r < 0.5:  # bilateral
        a, b = rng.sample(CODES, 2)
        return [a, b], f"{a}, {b}"
    if r < 0.6:  # an organization's members, perhaps with a few others
        org = rng.choice(list(ORGANIZATIONS))
        members = list(ORGANIZATIONS[org][1])
        extra = rng.sample([c for c in CODES if c not in members], rng.randint(0, 2))
        return members + extra, ", ".join([f"members of {org}"] + extra)
    size = rng.choice([3, 3, 4, 5, 6, 8, 10, 12, 15, 20])  # regional
    start = rng.randrange(len(CODES))
    pool = CODES[start:] + CODES[:start]  # neighbours in list order, for overlap
    states = sorted(rng.sample(pool[: size * 2], size))
    return states, ", ".join(states)


def _date(rng: random.Random) -> str:
    return f"{rng.randint(1949, 2009):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _norm(rng: random.Random, parties: list[str], weights: list[float], has_nato: bool, dense: bool = False) -> str:
    text = rng.choices(TEMPLATES, weights=weights)[0][1]
    if dense:
        d = rng.random()
        if d < DENSE[0]:
            text = rng.choice(BREAKING)
        elif d < DENSE[0] + DENSE[1]:
            text = GENERAL
    r = rng.random()
    if r < 0.08:
        bearer = rng.choice(parties)
        return text.format(B=bearer, X=bearer)
    if r < 0.12 and has_nato:
        return text.format(B="each member X of NATO", X="X")
    return text.format(B="each party X", X="X")


def _articles(rng: random.Random, count: int) -> list[str]:
    """Article ids: numbers, some split in sub-articles, or Roman numerals."""
    if rng.random() < 0.1:
        romans = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
        return [f"{romans[i // 10]}.{i % 10 + 1}" if count > 10 else romans[i] for i in range(count)]
    ids, n = [], 1
    while len(ids) < count:
        if rng.random() < 0.15:
            ids += [f"{n}.{k}" for k in range(1, rng.randint(2, 4))]
        else:
            ids.append(str(n))
        n += 1
    return ids[:count]


def generate(seed: int, norms: int, shape: str = "sparse") -> list[tuple[str, str]]:
    """One vocabulary file and treaty files holding exactly ``norms`` norms; ``shape``
    is ``sparse`` (conflicts rare by construction) or ``dense`` (see the module)."""
    if shape not in ("sparse", "dense"):
        raise ValueError(f"unknown shape {shape!r}")
    dense = shape == "dense"
    rng = random.Random(seed)
    weights = [w for w, _ in TEMPLATES]
    files = [("vocabulary.treaty", vocabulary())]
    clash_every = 1000
    made, index, treaties = 0, 0, []
    while made < norms:
        index += 1
        tid = f"T_{index:05d}"
        parties, line = _parties(rng)
        has_nato = any(p in ORGANIZATIONS["NATO"][1] for p in parties)
        n_articles = rng.randint(5, 60)
        ids = _articles(rng, n_articles)
        lines = [f'treaty {tid} "Benchmark treaty {index}" signed {_date(rng)}:', f"  parties: {line}.", ""]
        precedence: list[str] = []
        clash_right: str | None = None
        r = rng.random()
        if r < 0.03:
            precedence.append("this treaty prevails over all other treaties.")
        elif r < 0.13 and treaties:
            precedence.append(f"this treaty is subject to {rng.choice(treaties)}.")
        elif r < 0.16 and len(treaties) > 2:
            precedence.append(f"this treaty prevails over {', '.join(rng.sample(treaties, 2))}.")
        for i, art in enumerate(ids):
            sentences = []
            if precedence and i == len(ids) - 1:
                sentences += precedence
            else:
                k = 1 if rng.random() < 0.8 else 2
                for _ in range(min(k, norms - made)):
                    made += 1
                    if made % clash_every == clash_every // 2 and len(parties) >= 2:
                        a, t = rng.sample(parties, 2)
                        sentences.append(CLASH[0].format(B=a, X=a, T=t))
                        clash_right = CLASH[1].format(B=a, X=a, T=t)
                    else:
                        sentences.append(_norm(rng, parties, weights, has_nato, dense))
            if clash_right and made < norms:
                made += 1
                sentences.append(clash_right)
                clash_right = None
            if not sentences:
                break
            title = f' "Article {art}"' if rng.random() < 0.3 else ""
            body = "\n    ".join(sentences)
            lines.append(f"  article {art}{title}:\n    {body}\n")
        treaties.append(tid)
        files.append(
            (f"{tid.lower()}.treaty", f"# Generated benchmark treaty {index} (seed {seed}).\n" + "\n".join(lines))
        )
    return files


def with_readings(files: list[tuple[str, str]], k: int, treaties: int = 6) -> list[tuple[str, str]]:
    """The register with ``k`` readings declared and a few sentences tagged: in
    ``treaties`` treaty files, the first obligation or prohibition is written once
    per reading (the same words, so that each reading's version is a norm of its
    own whose pairs are asked again, while what it finds stays few: the tags touch
    few norms), and a precedence sentence is added to the last article, a claim
    in reading 1 and deference in the others (which resolve that treaty's
    conflicts differently). With ``k == 0`` the files are returned unchanged."""
    if k == 0:
        return files
    names = [f"r{i}" for i in range(1, k + 1)]
    out = []
    done = 0
    for name, text in files:
        if name == "vocabulary.treaty":
            text += "\n" + "".join(f'reading {r} "benchmark reading {r}".\n' for r in names)
        elif done < treaties and "\n  article " in text:
            lines = text.split("\n")
            first = next(i for i, line in enumerate(lines) if line.startswith("    ") and " shall " in line)
            norm = lines[first].strip()
            versions = [f"in reading {r}: {norm}" for r in names]
            lines[first] = "    " + "\n    ".join(versions)
            last = max(i for i, line in enumerate(lines) if line.startswith("    "))
            claim = [f"in reading {names[0]}: this treaty prevails over all other treaties."]
            claim += [f"in reading {r}: this treaty is subject to all other treaties." for r in names[1:]]
            lines[last] += "\n    " + "\n    ".join(claim)
            text = "\n".join(lines)
            done += 1
        out.append((name, text))
    return out


#: The atoms ``with_decided`` declares decided by someone: (predicate, parameter).
DECIDED = (("host_consents", "host"), ("affects_security", "party"))


def with_decided(files: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The register with a few ``decided by`` declarations: the host's consent to
    stationing is the host's to give, and a judgement of security affected is the
    affected party's (for ``treatycheck control``). Nothing else changes."""
    out = []
    for name, text in files:
        if name == "vocabulary.treaty":
            lines = text.split("\n")
            for i, line in enumerate(lines):
                for pred, param in DECIDED:
                    if line.startswith(("fact ", "judgement ")) and line.split()[1].startswith(pred + "("):
                        lines[i] = line[:-1] + f" decided by {param}."
            text = "\n".join(lines)
        out.append((name, text))
    return out


def write(files: list[tuple[str, str]], out: str) -> list[str]:
    """Write the files to ``out`` (created if needed); returns their paths."""
    os.makedirs(out, exist_ok=True)
    paths = []
    for name, text in files:
        path = os.path.join(out, name)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--norms", type=int, default=10000)
    ap.add_argument("--shape", choices=["sparse", "dense"], default="sparse")
    ap.add_argument("--out", required=True, help="directory to write the .treaty files to")
    args = ap.parse_args(argv)
    files = generate(args.seed, args.norms, args.shape)
    write(files, args.out)
    print(f"wrote {len(files)} files ({len(files) - 1} treaties, {args.norms} norms) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
