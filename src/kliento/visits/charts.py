"""The merchant dashboard: counts without personal data, drawn as inline SVG charts.

The numbers come from the merchant's own visits and rewards only. The geometry is
computed here so the template only places ready-made shapes; every chart has a data
table beside it for screen readers and for anyone who prefers numbers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min
from django.db.models.functions import TruncDate
from django.utils import formats, timezone
from django.utils.functional import Promise

from kliento.merchants.models import Membership
from kliento.merchants.selectors import premises_for
from kliento.visits.models import Reward, Visit

DAYS = 30
WIDTH = 480
COLUMNS_HEIGHT = 230
ROW_HEIGHT = 36
LEFT = 40  # room for the value axis
RIGHT = 20  # room for the last date label
LABEL_WIDTH = 150  # room for row labels in row charts
BOTTOM = 30
TOP = 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    axis_label: str = ""  # shown under a column; empty for most days to avoid clutter
    text_x: float = 0
    text_y: float = 0


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass
class Chart:
    slug: str
    title: str | Promise
    description: str
    label_heading: str | Promise
    value_heading: str | Promise
    kind: str  # "columns" or "rows"
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    width: int = WIDTH
    height: int = COLUMNS_HEIGHT
    baseline: float = 0
    total: int = 0

    @property
    def right(self) -> int:
        """Where the plot ends: grid lines stop here."""
        return self.width - RIGHT

    @property
    def is_empty(self) -> bool:
        return self.total == 0


def _nice_max(value: int) -> int:
    """A round top for the value axis: 1, 2, 5, 10, 20, 50..."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def columns(
    *,
    slug: str,
    title: str | Promise,
    description: str,
    label_heading: str | Promise,
    value_heading: str | Promise,
    data: list[tuple[str, str, int]],
) -> Chart:
    """A column chart of ``(label, axis label, value)``; the axis label may be empty."""
    top = _nice_max(max((v for _l, _a, v in data), default=0))
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = COLUMNS_HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    slot = plot_width / max(len(data), 1)
    bars = []
    for index, (label, axis_label, value) in enumerate(data):
        height = plot_height * value / top
        x = LEFT + index * slot + slot * 0.15
        bars.append(
            Bar(
                label=label, value=value, x=round(x, 1), y=round(baseline - height, 1),
                width=round(slot * 0.7, 1), height=round(height, 1), axis_label=axis_label,
                text_x=round(x + slot * 0.35, 1), text_y=baseline + 20,
            )
        )  # fmt: skip
    steps = (0, 1, 2) if top % 2 == 0 else (0, 2)  # a middle line only at a whole number
    ticks = [Tick(value=top * i // 2, y=round(baseline - plot_height * i / 2, 1)) for i in steps]
    return Chart(
        slug=slug, title=title, description=description, label_heading=label_heading,
        value_heading=value_heading, kind="columns", bars=bars, ticks=ticks,
        baseline=baseline, total=sum(v for _l, _a, v in data),
    )  # fmt: skip


def rows(
    *,
    slug: str,
    title: str | Promise,
    description: str,
    label_heading: str | Promise,
    value_heading: str | Promise,
    data: list[tuple[str, int]],
) -> Chart:
    """A horizontal bar chart of ``(label, value)``, one row each."""
    top = max((v for _l, v in data), default=0) or 1
    plot_width = WIDTH - LABEL_WIDTH - 40
    bars = []
    for index, (label, value) in enumerate(data):
        y = TOP / 2 + index * ROW_HEIGHT
        width = plot_width * value / top
        bars.append(
            Bar(
                label=label, value=value, x=LABEL_WIDTH, y=y, width=round(width, 1),
                height=ROW_HEIGHT - 12, text_x=round(LABEL_WIDTH + width + 6, 1),
                text_y=y + (ROW_HEIGHT - 12) / 2 + 5,
            )
        )  # fmt: skip
    return Chart(
        slug=slug, title=title, description=description, label_heading=label_heading,
        value_heading=value_heading, kind="rows", bars=bars,
        height=int(TOP + max(len(data), 1) * ROW_HEIGHT), total=sum(v for _l, v in data),
    )  # fmt: skip


# --- the numbers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    first_day: dt.date
    last_day: dt.date
    start: dt.datetime

    @property
    def days(self) -> list[dt.date]:
        return [self.first_day + dt.timedelta(days=i) for i in range(DAYS)]


def window(now: dt.datetime | None = None) -> Window:
    """The last 30 days up to today, in the service's time zone."""
    today = timezone.localdate(now or timezone.now())
    first = today - dt.timedelta(days=DAYS - 1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    return Window(first, today, start)


def visits_per_day(*, membership: Membership, span: Window) -> dict[dt.date, int]:
    rows_ = (
        Visit.objects.filter(
            merchant=membership.merchant,
            premises__in=premises_for(membership=membership),
            at__gte=span.start,
        )
        .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("pk"))
    )
    counts = {row["day"]: row["n"] for row in rows_}
    return {day: counts.get(day, 0) for day in span.days}


def visits_per_premises(*, membership: Membership, span: Window) -> list[tuple[str, int]]:
    premises = list(premises_for(membership=membership))
    counts = dict(
        Visit.objects.filter(
            merchant=membership.merchant, premises__in=premises, at__gte=span.start
        )
        .values("premises_id")
        .annotate(n=Count("pk"))
        .values_list("premises_id", "n")
    )
    return [(p.name, counts.get(p.pk, 0)) for p in premises]


def new_and_returning(*, membership: Membership, span: Window) -> tuple[int, int]:
    """Cards seen in the window: new (first visit ever in the window) and returning."""
    per_card = (
        Visit.objects.filter(merchant=membership.merchant, card__isnull=False)
        .values("card_id")
        .annotate(first=Min("at"), last=Max("at"))
        .filter(last__gte=span.start)
    )
    kinds = Counter(row["first"] >= span.start for row in per_card)
    return kinds[True], kinds[False]


def rewards_redeemed_per_day(*, membership: Membership, span: Window) -> dict[dt.date, int]:
    rows_ = (
        Reward.objects.filter(
            program__merchant=membership.merchant,
            status=Reward.Status.REDEEMED,
            redeemed_at__gte=span.start,
        )
        .annotate(day=TruncDate("redeemed_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("pk"))
    )
    counts = {row["day"]: row["n"] for row in rows_}
    return {day: counts.get(day, 0) for day in span.days}


def day_series(per_day: dict[dt.date, int]) -> list[tuple[str, str, int]]:
    """Per-day data with a date label on every seventh column, counted back from today."""
    days = sorted(per_day)
    last = len(days) - 1
    return [
        (
            formats.date_format(day, "SHORT_DATE_FORMAT"),
            formats.date_format(day, "j.n.") if (last - index) % 7 == 0 else "",
            per_day[day],
        )
        for index, day in enumerate(days)
    ]
