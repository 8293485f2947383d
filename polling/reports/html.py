"""The HTML report: one self-contained file with every chart, table, approved open answer and
word cloud, that opens offline and prints to PDF. Pure: text out.

Every text of a bank or an answer goes in escaped, never as markup; the charts' data sits in a
JSON block that no text can close; plotly.js is embedded once, from the installed package."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

import plotly

from polling.core.model import QuestionType
from polling.core.qna import Board
from polling.core.session import Session
from polling.reports.groups import labelled_breakdowns
from polling.reports.labels import Labels
from polling.reports.qnareport import qna_section
from polling.reports.tables import QuestionTable, question_tables, session_label, text_language

MEDIA_TYPE = "text/html; charset=utf-8"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
# Bars in the session order, the same colours as the presenter's charts use for a series.
COLOURS = ["#1f5fa8", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#b7950b"]
# Words of a cloud from this size (the least given) to the largest (the most given), in rem.
CLOUD_SIZES = (0.9, 2.6)

STYLE = """
:root { color-scheme: light; font-family: system-ui, "Segoe UI", "Noto Sans", Arial, sans-serif; }
body { margin: 0 auto; max-width: 60rem; padding: 1.5rem; color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; } h2 { font-size: 1.3rem; margin: 0 0 .2rem; }
.type { color: #555; margin: 0 0 .8rem; }
table { border-collapse: collapse; margin: .8rem 0; width: 100%; }
th, td { border: 1px solid #ccc; padding: .3rem .5rem; text-align: start; vertical-align: top; }
td.number { text-align: end; font-variant-numeric: tabular-nums; }
th { background: #f1f3f6; }
.question { border-top: 2px solid #1f5fa8; margin-top: 2rem; padding-top: 1rem; }
.chart { width: 100%; min-height: 14rem; }
.cloud { display: flex; flex-wrap: wrap; gap: .2rem .8rem; align-items: baseline; padding: .5rem 0; }
.cloud span { line-height: 1.1; }
.texts li { white-space: pre-wrap; margin: .3rem 0; }
@media print {
  body { max-width: none; padding: 0; }
  .question { break-before: page; border-top: none; margin-top: 0; }
  .chart, table, .cloud, .texts li { break-inside: avoid; }
  .modebar, button, nav { display: none !important; }
}
@page { margin: 15mm; }
"""

# Draws each chart from the JSON block; static, so nothing on the page is a control.
RENDER = """
(function () {
  var charts = JSON.parse(document.getElementById("report-charts").textContent);
  document.querySelectorAll("[data-chart]").forEach(function (node) {
    var chart = charts[Number(node.getAttribute("data-chart"))];
    var config = { staticPlot: true, displayModeBar: false, responsive: true };
    Plotly.newPlot(node, chart.data, chart.layout, config);
  });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("[data-chart]").forEach(function (node) { Plotly.Plots.resize(node); });
  });
})();
"""


@functools.cache
def plotly_js() -> str:
    """plotly.js as shipped with the plotly package, safe inside a <script> element."""
    return PLOTLY_JS.read_text(encoding="utf-8").replace("</script", "<\\/script")


def report(sessions: list[Session], lang: str, boards: Sequence[Board] = ()) -> str:
    """The report of `sessions` (one, or several side by side) in `lang`, with their Q&A
    `boards` (in the same order) where given."""
    labels = Labels(lang)
    tables = question_tables(sessions, lang)
    first = sessions[0]
    title = f"{labels('report')}: {first.bank.title[text_language(first, lang)]}"
    charts: list[dict[str, Any]] = []
    sections = [_section(number, table, labels, charts) for number, table in enumerate(tables, 1)]
    return "".join(
        [
            "<!doctype html>\n",
            f'<html lang="{escape(lang)}" dir="{labels.direction}">\n<head>\n<meta charset="utf-8">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n",
            f"<h1>{escape(title)}</h1>\n",
            _facts(sessions, labels, lang),
            _summary(tables, labels),
            "</header>\n<main>\n",
            *sections,
            _breakdowns(sessions, labels, lang),
            qna_section(sessions, boards, labels) if boards else "",
            "</main>\n",
            f"<script>{plotly_js()}</script>\n",
            f'<script type="application/json" id="report-charts">{_json(charts)}</script>\n',
            f"<script>{RENDER}</script>\n</body>\n</html>\n",
        ]
    )


def _breakdowns(sessions: list[Session], labels: Labels, lang: str) -> str:
    """The breakdown table of each session whose bank has segments, as the exports publish it."""
    parts = []
    for session in sessions:
        if session.bank.segments():
            header, rows = labelled_breakdowns(session, text_language(session, lang), labels)
            parts.append(_table(header, rows))
    if not parts:
        return ""
    return f"<section>\n<h2>{escape(labels('breakdowns'))}</h2>\n{''.join(parts)}</section>\n"


def _json(value: Any) -> str:
    """JSON that no text in it can end the <script> element it sits in."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _cell(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<td class="number">{value}</td>'
    return f"<td>{escape('' if value is None else str(value))}</td>"


def _table(header: list[str] | None, rows: list[list[Any]]) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in header or [])
    body = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>\n" for row in rows)
    thead = f"<thead><tr>{head}</tr></thead>\n" if header else ""
    return f"<table>\n{thead}<tbody>\n{body}</tbody>\n</table>\n"


def _facts(sessions: list[Session], labels: Labels, lang: str) -> str:
    """Who and when: a column per session."""
    rows: list[list[Any]] = [
        [labels("session"), *[s.code for s in sessions]],
        [labels("bank"), *[s.bank.title[text_language(s, lang)] for s in sessions]],
        [labels("date"), *[s.created for s in sessions]],
        [labels("participants"), *[len(s.answered) for s in sessions]],
    ]
    return _table(["", *[session_label(s) for s in sessions]] if len(sessions) > 1 else None, rows)


def _summary(tables: list[QuestionTable], labels: Labels) -> str:
    """Each question's responses and headline figure, per session."""
    if not tables:
        return ""
    several = len(tables[0].sessions) > 1
    header = [labels("question"), labels("type")]
    for name in tables[0].sessions:
        header += [f"{labels('responses')} {name}" if several else labels("responses")]
        header += [f"{labels('headline')} {name}" if several else labels("headline")]
    rows = [
        [
            t.prompt,
            t.type_label,
            *[c for i in range(len(t.sessions)) for c in (t.responses[i], t.headlines[i])],
        ]
        for t in tables
    ]
    return f"<h2>{escape(labels('summary'))}</h2>\n" + _table(header, rows)


def _section(number: int, table: QuestionTable, labels: Labels, charts: list[dict[str, Any]]) -> str:
    """One question: its chart, its table, and its word cloud or approved answers."""
    parts = [
        f'<section class="question" id="q-{escape(table.question.id)}">\n',
        f'<h2>{number}. {escape(table.prompt)}</h2>\n<p class="type">{escape(table.type_label)}</p>\n',
    ]
    if table.items and table.question.type is not QuestionType.TEXT and any(any(c) for c in table.counts):
        label = escape(table.prompt)
        parts.append(
            f'<div class="chart" data-chart="{len(charts)}" role="img" aria-label="{label}"></div>\n'
        )
        charts.append(_chart(table))
    header, rows = table.grid(labels)
    if table.has_shares:
        series = len(table.sessions)
        for row in rows:
            row[1 + series : 1 + 2 * series] = [_percent(v) for v in row[1 + series : 1 + 2 * series]]
    parts.append(_table(header, rows))
    if table.statistics:
        parts.append(_table(["", *table.sessions], [[name, *values] for name, values in table.statistics]))
    several = len(table.sessions) > 1
    if table.question.type is QuestionType.WORDCLOUD:
        for name, words in zip(table.sessions, table.words, strict=True):
            parts.append(f"<h3>{escape(labels('word_cloud'))}{' ' + escape(name) if several else ''}</h3>\n")
            parts.append(_cloud(words))
    if table.question.type is QuestionType.TEXT:
        for name, texts in zip(table.sessions, table.texts, strict=True):
            parts.append(
                f"<h3>{escape(labels('approved_answers'))}{' ' + escape(name) if several else ''}</h3>\n"
            )
            items = "".join(f"<li>{escape(text)}</li>\n" for text in texts)
            parts.append(
                f'<ul class="texts">\n{items}</ul>\n' if texts else f"<p>{escape(labels('no_answers'))}</p>\n"
            )
    parts.append("</section>\n")
    return "".join(parts)


def _percent(share: float | None) -> str:
    return "" if share is None else f"{round(100 * share)}%"


def _chart(table: QuestionTable) -> dict[str, Any]:
    """A plotly bar chart of the counts: one trace (colour) per session, labels escaped, since
    plotly reads a few tags in its texts."""
    upright = table.question.type in (QuestionType.SCALE, QuestionType.NUMBER)
    # Plotly turns &lt; &amp; &gt; back into characters, not &quot;: quotes stay as they are.
    items = [escape(item, quote=False) for item in table.items]
    data = []
    for index, (name, counts) in enumerate(zip(table.sessions, table.counts, strict=True)):
        trace: dict[str, Any] = dict(type="bar", name=escape(name, quote=False))
        trace["marker"] = {"color": COLOURS[index % len(COLOURS)]}
        trace.update({"x": items, "y": counts} if upright else {"x": counts, "y": items, "orientation": "h"})
        data.append(trace)
    height = 260 if upright else max(220, 60 + 34 * len(items) * max(1, len(data)) ** 0.5)
    layout: dict[str, Any] = {
        "barmode": "group",
        "height": round(height),
        "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
        "showlegend": len(data) > 1,
        "legend": {"orientation": "h"},
        # Counts are whole numbers: no tick at 0.5.
        "xaxis": {"automargin": True, **({} if upright else {"tickformat": "d", "rangemode": "tozero"})},
        "yaxis": {
            "automargin": True,
            **({"tickformat": "d", "rangemode": "tozero"} if upright else {"autorange": "reversed"}),
        },
    }
    return {"data": data, "layout": layout}


def _cloud(words: list[tuple[str, int]]) -> str:
    """Words sized by how often they were given, most given first."""
    if not words:
        return ""
    low, high = min(n for _, n in words), max(n for _, n in words)
    small, large = CLOUD_SIZES
    spans = []
    for word, count in words:
        size = small if high == low else small + (large - small) * (count - low) / (high - low)
        spans.append(f'<span style="font-size: {size:.2f}rem" title="{count}">{escape(word)}</span>')
    return '<div class="cloud">' + " ".join(spans) + "</div>\n"
