"""The bundle's two documents from its sections: Markdown, and a self-contained HTML page (no scripts, no fetches)."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

from harness.audit._sections import Section

MAX_CELL = 300  # characters of one cell in the documents; the data files hold every value whole
_HIDDEN = frozenset({"metrics"})  # shown through a readable column instead (gates: statistics)


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | dict):
        value = json.dumps(value, sort_keys=True) if isinstance(value, dict) else ", ".join(map(str, value))
    text = str(value)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _columns(section: Section) -> list[str]:
    return [c for c in (section.rows[0] if section.rows else {}) if c not in _HIDDEN]


def _md_cell(value: Any) -> str:
    return _text(value).replace("|", "\\|").replace("\n", " ")


def markdown(title: str, facts: Sequence[tuple[str, str]], sections: Sequence[Section]) -> str:
    lines = [f"# {title}", ""]
    lines += [f"- **{name}**: {_md_cell(value)}" for name, value in facts]
    lines += ["", "## Contents", ""]
    lines += [f"- [{s.spec.title}](#{s.spec.key.replace('_', '-')}) ({len(s.rows)})" for s in sections]
    for section in sections:
        lines += ["", f'<a id="{section.spec.key.replace("_", "-")}"></a>', "", f"## {section.spec.title}", ""]
        lines += [section.spec.what, "", f"Rows: {len(section.rows)} (data/{section.spec.key}.json).", ""]
        columns = _columns(section)
        if not columns:
            lines.append("None recorded in the period.")
            continue
        lines += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(_md_cell(row.get(c)) for c in columns) + " |" for row in section.rows]
    return "\n".join(lines) + "\n"


_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #1b1b1b; }
table { border-collapse: collapse; margin: .5em 0 1.5em; font-size: 12px; }
th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } td.none { color: #777; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
dl { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; } dt { font-weight: 600; }
"""


def _h(value: Any) -> str:
    return html.escape(_text(value))


def html_page(title: str, facts: Sequence[tuple[str, str]], sections: Sequence[Section]) -> str:
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        "<dl>" + "".join(f"<dt>{html.escape(n)}</dt><dd>{_h(v)}</dd>" for n, v in facts) + "</dl>",
        "<h2>Contents</h2><ul>",
        *[f'<li><a href="#{s.spec.key}">{html.escape(s.spec.title)}</a> ({len(s.rows)})</li>' for s in sections],
        "</ul>",
    ]
    for section in sections:
        parts.append(f'<h2 id="{section.spec.key}">{html.escape(section.spec.title)}</h2>')
        parts.append(
            f"<p>{html.escape(section.spec.what)} Rows: {len(section.rows)} (data/{section.spec.key}.json).</p>"
        )
        columns = _columns(section)
        if not columns:
            parts.append('<p class="none">None recorded in the period.</p>')
            continue
        parts.append("<table><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in columns) + "</tr>")
        parts += ["<tr>" + "".join(f"<td>{_h(row.get(c))}</td>" for c in columns) + "</tr>" for row in section.rows]
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
