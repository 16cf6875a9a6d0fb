"""A server-rendered bar chart of messages per day: no JavaScript, readable by screen
readers (the template gives it a title, a description and a table beside it)."""

from dataclasses import dataclass
from datetime import date

SERIES = (
    # key in notifications_by_type, label, GOV.UK colour
    ("emails", "Emails", "#1d70b8"),
    ("sms", "Text messages", "#00703c"),
    ("letters", "Letters", "#912b88"),
)
WIDTH = 640
HEIGHT = 260
PLOT_TOP = 20
PLOT_BOTTOM = 220  # bars stand on this line; day labels sit below it
PLOT_LEFT = 70
PLOT_RIGHT = 630
GRID_LINES = 4


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True)
class Bar:
    label: str
    label_x: float
    segments: list


@dataclass(frozen=True)
class GridLine:
    y: float
    label: str


def nice_ceiling(value):
    """The smallest 1, 2 or 5 × 10ⁿ at or above ``value``, so the axis labels are round."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def messages_per_day_chart(rows):
    """Geometry for ``rows`` (``notifications_by_type``, oldest first)."""
    top = nice_ceiling(max((sum(row[key] for key, _, _ in SERIES) for row in rows), default=0))
    plot_height = PLOT_BOTTOM - PLOT_TOP
    slot = (PLOT_RIGHT - PLOT_LEFT) / max(len(rows), 1)
    bar_width = slot * 0.6
    bars = []
    for index, row in enumerate(rows):
        day = date.fromisoformat(row["date"])
        x = PLOT_LEFT + index * slot + (slot - bar_width) / 2
        base = PLOT_BOTTOM
        segments = []
        for key, label, colour in SERIES:
            height = row[key] / top * plot_height
            if row[key]:
                base -= height
                segments.append(Segment(x, base, bar_width, height, colour, f"{label}: {row[key]:,}"))
        bars.append(Bar(label=f"{day:%a} {day.day} {day:%b}", label_x=x + bar_width / 2, segments=segments))
    grid = [
        GridLine(y=PLOT_BOTTOM - step / GRID_LINES * plot_height, label=f"{round(top * step / GRID_LINES):,}")
        for step in range(GRID_LINES + 1)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "plot_left": PLOT_LEFT,
        "plot_right": PLOT_RIGHT,
        "plot_bottom": PLOT_BOTTOM,
        "label_y": PLOT_BOTTOM + 20,
        "bars": bars,
        "grid": grid,
        "legend": [{"label": label, "colour": colour} for _, label, colour in SERIES],
    }
