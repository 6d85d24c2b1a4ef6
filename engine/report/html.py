"""The HTML report: one self-contained page for lawyers and diplomats.

``render_html(report, world) -> str`` and ``render_diff_html(diff, world_new) -> str``.
The page holds a conflict map (treaties as nodes, one edge per pair of treaties in
conflict, drawn as inline SVG with a fixed layout), a summary table and one card per
conflict, grouped by treaty pair under ``id="pair-A-B"``. There is no script, no
external resource and no timestamp: the same input gives byte-identical output, the
file reads offline and prints (a print stylesheet is included).

This module only names the two pages; they are laid out in ``html_report`` and
``html_diff``, from the parts beside them: ``html_map`` draws the map, ``html_cards``
the conflict cards and badges, ``html_page`` the frame and stylesheet, and
``html_common`` holds the escaping and the filing by treaty pair. (The package
imports ``html_report``, not this module, to show a report in a notebook: the diff
page needs the ``diff`` module, which imports the package.)
"""

from __future__ import annotations

from .html_diff import render_diff_html
from .html_report import render_html

__all__ = ["render_diff_html", "render_html"]
