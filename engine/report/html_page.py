"""The frame of an HTML report page: the stylesheet and the document around a body.

In: the page's title and its body, as fragments of HTML. Out: the whole document,
``<!DOCTYPE html>`` to ``</html>``, with the stylesheet inline (a print stylesheet
included): no script and no external resource, so the file reads offline.
"""

from __future__ import annotations

from collections.abc import Iterable

from .html_common import esc

_CSS = """
:root {
  --ink: #1d232b; --muted: #5a6472; --rule: #d9dde3; --paper: #ffffff; --tint: #f6f7f9;
  --error: #b42318; --error-bg: #fdecea; --error-ink: #8a1c12;
  --warning: #c77700; --warning-bg: #fff4dc; --warning-ink: #6e4500;
  --unknown: #5b4a8b; --unknown-bg: #efeaf8;
  --ok: #1f6f43; --ok-bg: #e5f4ea; --link: #1f4e8c;
  --serif: "Iowan Old Style", "Palatino Linotype", Palatino, "Book Antiqua", Georgia, Cambria,
    "Times New Roman", "Liberation Serif", "DejaVu Serif", serif;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif;
  --mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace;
}
* { box-sizing: border-box; }
html { background: var(--tint); }
body { margin: 0 auto; max-width: 1180px; padding: 40px 48px 64px; background: var(--paper); color: var(--ink);
  font-family: var(--serif); font-size: 17px; line-height: 1.55; }
h1, h2, h3, h4 { font-weight: 600; line-height: 1.25; margin: 0; }
h1 { font-size: 32px; letter-spacing: -0.01em; }
h2 { font-size: 24px; margin: 48px 0 16px; padding-bottom: 6px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 20px; }
h4 { font-size: 18px; }
p { margin: 0 0 10px; }
a { color: var(--link); text-decoration: none; }
a:hover { text-decoration: underline; }
code, .mono { font-family: var(--mono); font-size: 0.82em; }
.small, .meta { font-size: 14px; color: var(--muted); font-family: var(--sans); }
header.top { border-bottom: 1px solid var(--rule); padding-bottom: 20px; }
header.top .kicker { font-family: var(--sans); font-size: 13px; letter-spacing: 0.12em; text-transform: uppercase;
  color: var(--muted); margin-bottom: 6px; }
header.top .lede { margin: 12px 0 0; font-size: 18px; }
nav.toc { margin-top: 14px; font-family: var(--sans); font-size: 14px; }
nav.toc a { margin-right: 18px; }
.totals { display: flex; gap: 14px; flex-wrap: wrap; margin: 18px 0 0; }
.total { border: 1px solid var(--rule); border-radius: 8px; padding: 10px 16px; min-width: 130px;
  font-family: var(--sans); }
.total b { display: block; font-size: 28px; line-height: 1.1; }
.total span { font-size: 13px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.06em; }
.total.error { border-color: var(--error); background: var(--error-bg); }
.total.error b { color: var(--error-ink); }
.total.warning { border-color: var(--warning); background: var(--warning-bg); }
.total.warning b { color: var(--warning-ink); }
.total.unknown { border-color: var(--unknown); background: var(--unknown-bg); }
.badge { display: inline-block; font-family: var(--sans); font-size: 12px; font-weight: 700; letter-spacing: 0.06em;
  text-transform: uppercase; padding: 2px 8px; border-radius: 4px; border: 1px solid transparent;
  vertical-align: 2px; white-space: nowrap; }
.badge.error { background: var(--error-bg); color: var(--error-ink); border-color: var(--error); }
.badge.warning { background: var(--warning-bg); color: var(--warning-ink); border-color: var(--warning); }
.badge.unknown { background: var(--unknown-bg); color: var(--unknown); border-color: var(--unknown); }
.badge.plain { background: var(--tint); color: var(--ink); border-color: var(--rule); }
.badge.ok { background: var(--ok-bg); color: var(--ok); border-color: var(--ok); }
.chip { display: inline-block; font-family: var(--mono); font-size: 13px; padding: 0 6px; margin: 0 4px 4px 0;
  border: 1px solid var(--rule); border-radius: 4px; background: var(--tint); }
figure.map { margin: 0; border: 1px solid var(--rule); border-radius: 10px; padding: 12px 12px 4px; }
figure.map svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figure.map figcaption { font-family: var(--sans); font-size: 14px; color: var(--muted); padding: 6px 8px 10px; }
svg text { font-family: var(--sans); }
svg a:hover .edge { stroke-opacity: 1; }
table { border-collapse: collapse; width: 100%; font-family: var(--sans); font-size: 15px; margin: 0 0 20px; }
caption { text-align: left; font-family: var(--serif); font-size: 18px; font-weight: 600; padding: 0 0 8px; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { font-size: 13px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); font-weight: 600;
  border-bottom: 2px solid var(--ink); }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 28px; }
.grid2 > * { min-width: 0; }
section.pair { margin: 36px 0 0; }
section.pair > h3 { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; padding-bottom: 6px;
  border-bottom: 1px solid var(--rule); }
section.pair > h3 .meta { font-weight: 400; }
article.card { border: 1px solid var(--rule); border-left: 6px solid var(--rule); border-radius: 8px;
  padding: 18px 22px 14px; margin: 16px 0; break-inside: avoid; page-break-inside: avoid; background: var(--paper); }
article.card.error { border-left-color: var(--error); }
article.card.warning { border-left-color: var(--warning); }
article.card > header { margin-bottom: 12px; }
article.card > header .line1 { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; margin-bottom: 6px; }
article.card > header .kind { font-family: var(--sans); font-size: 14px; color: var(--muted); }
article.card > header .cid { margin-left: auto; font-size: 12px; color: var(--muted); }
.clauses { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; margin: 10px 0 14px; }
.clauses.stack { grid-template-columns: 1fr; }
.clause { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 14px; background: var(--tint); min-width: 0; }
.clause .who { font-family: var(--sans); font-size: 14px; display: flex; flex-wrap: wrap; gap: 6px 10px;
  align-items: baseline; }
.clause .who strong { font-size: 15px; }
.clause .loc { font-family: var(--mono); font-size: 12px; color: var(--muted); margin: 2px 0 6px;
  overflow-wrap: anywhere; }
.clause blockquote { margin: 0 0 8px; font-size: 16px; }
.role { font-style: italic; }
.role.gives-way { color: var(--muted); }
pre.src { margin: 0; padding: 6px 8px; background: var(--paper); border: 1px solid var(--rule); border-radius: 4px;
  font-family: var(--mono); font-size: 12px; line-height: 1.5; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.src .ln { color: var(--muted); user-select: none; }
pre.src mark { background: #fff0a8; color: inherit; font-weight: 700; padding: 0 1px; }
dl.facts { display: grid; grid-template-columns: 150px 1fr; gap: 8px 16px; margin: 0; }
dl.facts dt { font-family: var(--sans); font-size: 13px; font-weight: 700; text-transform: uppercase;
  letter-spacing: 0.05em; color: var(--muted); padding-top: 3px; }
dl.facts dd { margin: 0; min-width: 0; }
dl.facts dd ul { margin: 4px 0 0; padding-left: 20px; }
dl.facts dd li { margin: 0 0 2px; }
.atoms { margin-top: 6px; font-size: 14px; }
.atoms span.lbl { font-family: var(--sans); font-size: 12px; color: var(--muted); text-transform: uppercase;
  letter-spacing: 0.05em; margin-right: 6px; }
.story { font-size: 17px; }
.reason { margin: 4px 0 0; }
.note { font-family: var(--sans); font-size: 14px; padding: 8px 12px; border-radius: 6px; background: var(--unknown-bg);
  color: var(--unknown); margin: 0 0 10px; }
.column > h3 { margin: 0 0 8px; }
.empty { color: var(--muted); font-style: italic; }
.change { border: 1px solid var(--rule); border-radius: 8px; padding: 14px 20px; margin: 14px 0;
  break-inside: avoid; page-break-inside: avoid; }
.change .texts { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; margin: 10px 0; }
.change .texts > div { background: var(--tint); border: 1px solid var(--rule); border-radius: 6px; padding: 8px 12px; }
.change .texts .lbl { font-family: var(--sans); font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em;
  color: var(--muted); display: block; margin-bottom: 4px; }
del { background: #fbdcd8; color: var(--error-ink); text-decoration: line-through; }
ins { background: #d9f0e0; color: var(--ok); text-decoration: none; font-weight: 600; }
.arrow { font-family: var(--sans); color: var(--muted); padding: 0 6px; }
footer { margin-top: 56px; padding-top: 12px; border-top: 1px solid var(--rule); }
@media (max-width: 800px) {
  body { padding: 20px; }
  .grid2, .clauses, .change .texts { grid-template-columns: 1fr; }
  dl.facts { grid-template-columns: 1fr; }
}
@media print {
  @page { margin: 16mm 14mm; }
  html, body { background: #fff; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  nav.toc { display: none; }
  a { color: inherit; }
  h2 { break-after: avoid; page-break-after: avoid; margin-top: 24px; }
  section.pair > h3 { break-after: avoid; page-break-after: avoid; }
  figure.map { break-inside: avoid; page-break-inside: avoid; }
  article.card, .change, tr { break-inside: avoid; page-break-inside: avoid; }
  pre.src { font-size: 8pt; }
}
"""


def page(title: str, body: Iterable[str]) -> str:
    """The document: head with ``title`` and the stylesheet, then ``body`` one fragment a line."""
    head = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8" />\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
        '<meta name="generator" content="treatycheck" />\n'
        f"<title>{esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
    )
    return head + "\n".join(body) + "\n</body>\n</html>\n"
