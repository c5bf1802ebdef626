"""The leads' HTML report: one self-contained file (inline CSS and SVG, no scripts, no links out).

``render_report`` turns a :class:`supportbot.gaps.dashboard.Report` into HTML through
``templates/html/report.html.j2``, in a jinja2 environment that HTML-escapes every value; the
charts come from :mod:`supportbot.formats.svgchart`, which escapes its own texts. Gap titles and examples
reach this module already scrubbed (stored scrubbed, scrubbed again by the caller).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from supportbot.formats.svgchart import Series, bar_chart, line_chart
from supportbot.gaps.dashboard import Report, WeekFigures
from supportbot.gaps.weekly import week_label
from supportbot.infra.paths import templates_dir

#: Colours that stay apart for the common kinds of colour blindness (Okabe and Ito's palette).
COLOURS = {
    "blue": "#0072b2",
    "orange": "#e69f00",
    "green": "#009e73",
    "vermillion": "#d55e00",
    "sky": "#56b4e9",
    "grey": "#999999",
    "purple": "#cc79a7",
}

STEP_LABELS = {
    "whitespace": "Spaces or quotes around the key",
    "missing_header": "Authorization: Bearer header",
    "wrong_base_url": "Base URL",
    "duplicated_path": "/chat/completions doubled",
    "disabled_key": "Key disabled, expired or out of quota",
}


def _environment(folder: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def charts(weeks: tuple[WeekFigures, ...]) -> dict[str, Markup]:
    """The four trend charts, keyed by what they show."""
    labels = [week_label(week.start) for week in weeks]

    def series(name: str, colour: str, values: list[int]) -> Series:
        return Series(name, tuple(values), COLOURS[colour])

    made = {
        "gaps": line_chart(
            "gaps",
            "Questions the FAQ did not answer, and new gaps, per week",
            labels,
            [
                series("unanswered questions", "blue", [week.gap_signals for week in weeks]),
                series("new gaps", "orange", [week.new_gaps for week in weeks]),
            ],
        ),
        "leaks": bar_chart(
            "leaks", "Key leaks per week", labels, [series("key leaks", "vermillion", [w.leaks for w in weeks])]
        ),
        "tickets": bar_chart(
            "tickets",
            "Tickets filed and closed per week",
            labels,
            [
                series("filed", "blue", [week.tickets_opened for week in weeks]),
                series("closed", "green", [week.tickets_closed for week in weeks]),
            ],
        ),
        "checklist": bar_chart(
            "checklist",
            "401 checklist walks per week, by how they ended",
            labels,
            [
                series("fixed", "green", [week.walks_fixed for week in weeks]),
                series("unresolved", "vermillion", [week.walks_unresolved for week in weeks]),
                series("ticket", "orange", [week.walks_ticket for week in weeks]),
                series("still open", "grey", [week.walks_open for week in weeks]),
            ],
            stacked=True,
        ),
    }
    # Built by svgchart, which escapes every text it writes.
    return {name: Markup(svg) for name, svg in made.items()}  # noqa: S704


def context(report: Report) -> dict[str, Any]:
    weeks = report.weeks
    checklist = report.checklist
    return {
        "generated": report.generated_at,
        "first_week": week_label(weeks[0].start),
        "last_week": week_label(weeks[-1].start),
        "weeks": [
            {
                "label": week_label(week.start),
                "start": week.start,
                "gap_signals": week.gap_signals,
                "new_gaps": week.new_gaps,
                "leaks": week.leaks,
                "tickets_opened": week.tickets_opened,
                "tickets_closed": week.tickets_closed,
                "walks": week.walks,
                "walks_fixed": week.walks_fixed,
                "walks_unresolved": week.walks_unresolved,
                "walks_ticket": week.walks_ticket,
                "walks_open": week.walks_open,
            }
            for week in weeks
        ],
        "totals": {
            "gap_signals": sum(week.gap_signals for week in weeks),
            "new_gaps": sum(week.new_gaps for week in weeks),
            "leaks": sum(week.leaks for week in weeks),
            "tickets_opened": sum(week.tickets_opened for week in weeks),
            "tickets_closed": sum(week.tickets_closed for week in weeks),
            "tickets_open": report.tickets_open,
            "walks": checklist.walks,
            "walks_fixed": checklist.fixed,
        },
        "charts": charts(weeks),
        "gaps": [gap.as_context() for gap in report.gaps],
        "gaps_total": report.gaps_total,
        "steps": [{**step.as_context(), "label": STEP_LABELS.get(step.step, step.step)} for step in checklist.steps],
        "leakers": [{"user": leaker.user_id, "count": leaker.count} for leaker in report.leakers],
    }


def render_report(report: Report, *, folder: Path | None = None) -> str:
    """The report as one HTML document."""
    env = _environment(folder or templates_dir())
    return env.get_template("html/report.html.j2").render(**context(report))
