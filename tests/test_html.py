"""The HTML report: well-formed, self-contained, deterministic, and it renders in a real browser."""

from __future__ import annotations

import dataclasses
import os
import re
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
import treatycheck
from treatycheck.report.html import render_diff_html, render_html

ROOT = Path(__file__).resolve().parent.parent
EST = ROOT / "examples" / "european_security_treaty.treaty"
EST_EDIT = ROOT / "examples" / "edits" / "european_security_treaty.treaty"
CHROMIUM = "/usr/bin/chromium"

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Checker(HTMLParser):
    """Checks that tags balance, and collects ids, links and attributes that load things."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.sources: list[str] = []
        self.tags: dict[str, int] = {}

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for k, v in attrs:
            if k == "id" and v is not None:
                self.ids.append(v)
            if k in ("href", "xlink:href") and v is not None:
                self.hrefs.append(v)
            if k in ("src", "srcset", "action", "data", "poster", "background"):
                self.sources.append(v or "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)  # <x /> opens and closes

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}> at {self.getpos()}")
            return
        self.stack.pop()


def check_page(page: str) -> _Checker:
    """Assert ``page`` is a well-formed, self-contained HTML5 document; return what was parsed."""
    assert page.startswith("<!DOCTYPE html>\n")
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert not checker.errors, checker.errors[:5]
    assert not checker.stack, f"unclosed: {checker.stack}"
    # the markup is also XML-compatible, so a strict XML parser accepts it
    ET.fromstring(page.split("\n", 1)[1])
    # self-contained: no script, no external resource, no URL of any kind
    assert "<script" not in page.lower()
    assert not re.search(r"(?i)https?:|//[a-z0-9]|url\(|@import|javascript:", page)
    assert all(h.startswith("#") for h in checker.hrefs), [h for h in checker.hrefs if not h.startswith("#")]
    assert not checker.sources
    assert checker.tags.get("link", 0) == 0 and checker.tags.get("img", 0) == 0 and checker.tags.get("iframe", 0) == 0
    # ids are unique and every link lands on one
    assert len(checker.ids) == len(set(checker.ids)), "duplicate ids"
    missing = {h[1:] for h in checker.hrefs} - set(checker.ids)
    assert not missing, missing
    return checker


@pytest.fixture(scope="module")
def est() -> tuple[treatycheck.Report, treatycheck.World, str]:
    world = treatycheck.load([str(EST)], builtin=True)
    report = treatycheck.check(world)
    return report, world, render_html(report, world)


def test_est_page_is_well_formed_and_self_contained(est) -> None:  # type: ignore[no-untyped-def]
    report, world, page = est
    checker = check_page(page)
    assert page.count("<svg") == 1
    assert "@media print" in page
    assert checker.tags["article"] == len(report.conflicts)
    for c in report.conflicts:
        assert f'<code class="cid">{_esc(c.id)}</code>' in page
    assert all(f">{_esc(c.headline)}<" in page for c in report.conflicts)


def _esc(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def test_est_map_edges_link_to_their_pairs(est) -> None:  # type: ignore[no-untyped-def]
    report, world, page = est
    svg = page[page.index("<svg") : page.index("</svg>")]
    edge_links = re.findall(r'<a href="#(pair-[A-Z0-9_-]+)" class="edge-link">', svg)
    pairs = set()
    for c in report.conflicts:
        ts = sorted({n.treaty for n in c.norms})
        pairs.add("pair-" + "-".join(ts if len(ts) > 1 else ts * 2))
    assert set(edge_links) == pairs  # one edge (or loop) per pair, each to that pair's cards
    assert len(edge_links) == len(pairs)
    for p in pairs:
        assert f'<section class="pair" id="{p}">' in page
    # the resolutions are drawn (the legend aside): arrows where one treaty prevails
    # (EST over NAT under the critics' reading, the page's lead; UN over EST), dotted
    # edges for the pairs with only political tensions or displaced collisions (CES,
    # CST, HFA, NRFA and ROME against EST), no deadlock
    edges = svg[: svg.index('<g class="legend"')]
    assert edges.count("<polygon") == 2
    assert edges.count('stroke-dasharray="1 7"') == 5
    assert 'class="deadlock"' not in edges
    # every treaty of the world is a node
    for t in world.treaties:
        assert f'id="node-{t.id}"' in svg


def test_cards_show_clauses_sources_scenario_and_precedence(est) -> None:  # type: ignore[no-untyped-def]
    report, world, page = est
    c = next(c for c in report.conflicts if c.id == "EST:2.1~NAT:4/obligation-prohibition")
    start = page.index(f'<code class="cid">{_esc(c.id)}</code>')
    card = page[page.rindex("<article", 0, start) : page.index("</article>", start)]
    for n in c.norms:
        assert _esc(n.ref) in card and _esc(n.text) in card
        assert f"{_esc(n.file.replace('builtin:', ''))}:{n.line}" in card
    assert '<pre class="src">' in card and "<mark>" in card  # the source lines, modal word marked
    assert c.scenario is not None and _esc(c.scenario.story[1:]) in card
    assert _esc(c.resolution.reason[1:]) in card
    # EST prevails by its claim, breaching NAT:8: an error badge, and the breach in words
    assert '<span class="badge error">EST prevails</span>' in card
    assert "<strong>breach:</strong> by accepting EST:2.1" in card
    assert all(_esc(b) in card for b in c.resolution.by)
    assert c.bearer is not None and c.bearer in card


def test_rendering_is_deterministic(est) -> None:  # type: ignore[no-untyped-def]
    report, world, page = est
    assert render_html(report, world) == page
    world2 = treatycheck.load([str(EST)], builtin=True)
    assert render_html(treatycheck.check(world2), world2) == page  # timings and query counts are left out
    assert "seconds" not in page


def test_user_text_is_escaped(est) -> None:  # type: ignore[no-untyped-def]
    report, world, _ = est
    evil = '<script>alert("x")</script> & <b>'
    c = report.conflicts[0]
    c = dataclasses.replace(c, headline=evil, norms=tuple(dataclasses.replace(n, text=evil) for n in c.norms))
    page = render_html(dataclasses.replace(report, conflicts=(c,) + report.conflicts[1:]), world)
    check_page(page)
    assert _esc(evil) in page


def test_no_conflicts() -> None:
    world = treatycheck.loads(
        'state AA "Alpha".\naction rest(x) "{x} rests".\n'
        'treaty TA "Treaty A":\n  parties: AA.\n  article 1:\n    each party X shall rest(X).\n',
        builtin=False,
    )
    report = treatycheck.check(world)
    assert not report.conflicts
    page = render_html(report, world)
    check_page(page)
    assert "No conflicts" in page


def test_diff_page() -> None:
    old = treatycheck.load([str(EST)], builtin=True)
    new = treatycheck.load([str(EST_EDIT)], builtin=True)
    d = treatycheck.diff(old, new)
    page = render_diff_html(d, new)
    check_page(page)
    assert render_diff_html(d, new) == page
    # NAT:4, NAT:5 and NAT:10 against both sentences of EST's Art. 2(1) (one per
    # reading of it)
    assert len(d.changed) == 6
    for ch in d.changed:
        assert _esc(ch.id) in page
    # EST:9.1 changed: old and new text side by side, the added words marked
    assert 'id="art-EST-9-1"' in page
    assert "<ins>" in page and "NAT" in page
    assert 'id="introduced"' in page and 'id="resolved"' in page


def test_diff_page_with_introduced_and_resolved() -> None:
    old = treatycheck.load([str(EST_EDIT)], builtin=True)
    new = treatycheck.load([str(EST)], builtin=True)
    d = treatycheck.diff(new, old)  # run the edit backwards too: same shape
    check_page(render_diff_html(d, old))
    # a synthetic diff with a conflict on each side
    report = treatycheck.check(new)
    d2 = dataclasses.replace(d, introduced=report.conflicts[:2], resolved=report.conflicts[2:4])
    page = render_diff_html(d2, new)
    check_page(page)
    assert page.count("<article") == 4


# ------------------------------------------------------------------ in a real browser


def _decode_png(data: bytes, max_rows: int | None = None) -> tuple[int, int, int, list[bytes]]:
    """A tiny PNG decoder (8-bit RGB or RGBA, not interlaced): width, height, bytes a pixel, rows."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    assert header is not None
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(min(height, max_rows or height)):
        i = y * (stride + 1)
        kind, line = raw[i], bytearray(raw[i + 1 : i + 1 + stride])
        if kind == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev, strict=True))
        elif kind == 3:
            for x in range(stride):
                line[x] = (line[x] + ((line[x - bpp] if x >= bpp else 0) + prev[x]) // 2) & 255
        elif kind == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b, c = prev[x], prev[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        else:
            assert kind == 0, kind
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def _chromium() -> str:
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing in CI (apt-get install -y chromium)")
    pytest.skip(f"{CHROMIUM} is not installed")


def _run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def test_renders_in_headless_chromium(est, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    binary = _chromium()
    report, world, page = est
    html_file = tmp_path / "report.html"
    html_file.write_text(page, encoding="utf-8")
    url = html_file.as_uri()
    shot = tmp_path / "report.png"

    dom = _run_chromium(binary, tmp_path / "profile-dom", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<svg" in dom.stdout and 'class="conflict-map"' in dom.stdout
    assert dom.stdout.count('<article class="card') == len(report.conflicts)

    run = _run_chromium(binary, tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,2000", url)
    assert run.returncode == 0, run.stderr[-2000:]
    for out in (dom.stderr, run.stderr):
        bad = [line for line in out.splitlines() if "Uncaught" in line or "ERROR:CONSOLE" in line]
        bad += [line for line in out.splitlines() if "CONSOLE" in line and "report.html" in line]
        assert not bad, bad

    data = shot.read_bytes()
    assert len(data) > 10_000
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2000)

    # the map sits in the upper half: plenty of ink there, in the severity colours
    _, _, bpp, rows = _decode_png(data, max_rows=1100)
    ink = coloured = 0
    for row in rows[300:1100:2]:
        for x in range(0, width * bpp, bpp * 2):
            r, g, b = row[x], row[x + 1], row[x + 2]
            if r + g + b < 600:
                ink += 1
            if r > 150 and b < 90 and r - b > 90:  # the reds and ambers of edges and nodes
                coloured += 1
    samples = (1100 - 300) // 2 * width // 2
    assert ink > samples * 0.01, (ink, samples)
    assert coloured > 300, coloured


def test_docs_screenshot_is_present() -> None:
    png = ROOT / "docs" / "report.png"
    if not png.exists():
        pytest.skip("docs/report.png not generated")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">I", data[16:20])[0] == 1280
