"""Dates: the one rule for a date read from a file or a source, dates found in an article's text ('November
20, 2019', '20 Nov 2019', '2019-11-20'), and dates written for readers ('20 November 2019')."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, tzinfo


class CalendarDay(datetime):
    """A date given without a time of day, held as noon UTC of that day: a reader anywhere from UTC−11 to
    UTC+11 (feed readers and browsers convert to their own zone) still sees that day. Pages show the day
    alone.
    """


def calendar_day(day: date) -> CalendarDay:
    return CalendarDay(day.year, day.month, day.day, 12, tzinfo=UTC)


def in_zone(moment: datetime, zone: tzinfo) -> datetime:
    """The one rule for a time written without a zone, wherever it is read (front matter, a source's listing,
    a page's metadata): it is a time in the site's zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def moment_of(value: object, zone: tzinfo) -> datetime | None:
    """A date or moment as YAML or ISO 8601 text gives it: a day alone is that calendar day (a CalendarDay), a
    time without a zone is in the site's zone (in_zone); None for anything else."""
    if isinstance(value, datetime):
        return in_zone(value, zone)
    if isinstance(value, date):
        return calendar_day(value)
    text = str(value).strip() if isinstance(value, (str, int, float)) else ""
    try:
        if len(text) == 10:
            return calendar_day(date.fromisoformat(text))
        return in_zone(datetime.fromisoformat(text), zone) if text else None
    except ValueError:
        return None


def local_moment(moment: datetime, zone: tzinfo) -> datetime:
    """The moment in the site's zone; a calendar day stays the day it names."""
    return moment if isinstance(moment, CalendarDay) else moment.astimezone(zone)


def local_day(moment: datetime, zone: tzinfo) -> date:
    return local_moment(moment, zone).date()


_MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")), start=1) for name in names}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_TIME = r"(?:\s*(?:at\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?)?"
_PATTERNS = [
    re.compile(
        rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{{2}})\b,?{_TIME}", re.I
    ),
    re.compile(
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>(?:19|20)\d{{2}})\b,?{_TIME}", re.I
    ),
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})"
               r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2}))?\b"),
]


def find_date(lines: Iterable[str]) -> tuple[datetime | date | None, str]:
    """The first calendar date in the lines (a datetime where a time is given), and the text it was read
    from."""
    for line in lines:
        for pattern in _PATTERNS:
            for match in pattern.finditer(line):
                moment = _to_datetime(match)
                if moment:
                    return moment, match.group(0).strip()
    return None, ""


def _to_datetime(match: re.Match) -> datetime | date | None:
    month = match.group("month")
    month_number = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
    hour = int(match.group("hour") or 0)
    ampm = (match.groupdict().get("ampm") or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        day = date(int(match.group("year")), month_number, int(match.group("day")))
    except ValueError:
        return None
    if match.group("hour") is None:
        return day
    return datetime(day.year, day.month, day.day, hour, int(match.group("minute")))


MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def weekday_name(day: date) -> str:
    return WEEKDAY_NAMES[day.weekday()]


def month_name(number: int) -> str:
    return MONTH_NAMES[number - 1]


def long_date(moment: datetime | date) -> str:
    return f"{moment.day} {month_name(moment.month)} {moment.year}"


def iso_moment(moment: datetime | date) -> str:
    """For a <time> element: the day alone where no time was given."""
    return moment.date().isoformat() if isinstance(moment, CalendarDay) else moment.isoformat()


def reader_moment(moment: datetime, zone: tzinfo) -> str:
    """'12 June 2025', or '12 June 2025, 09:30 IST' where the article gives its time."""
    if isinstance(moment, CalendarDay):
        return long_date(moment)
    local = local_moment(moment, zone)
    return f"{long_date(local)}, {local:%H:%M} {local.tzname()}"


def moment_on_page(moment: datetime, zone: tzinfo, day: date) -> str:
    """A moment as a page of `day`'s news gives it, briefly: '14:45 UTC' that day, 'Sunday 14:45 UTC' in the
    week before, else '8 March, 14:45 UTC' in its year (a day given alone: nothing on its own day, which the
    page names, then 'Sunday', '8 March'), else in full. Relative to the page's day, not to the clock, so that
    a page need not change as days pass."""
    local = moment if isinstance(moment, CalendarDay) else local_moment(moment, zone)
    days_before = (day - local.date()).days
    clock = "" if isinstance(moment, CalendarDay) else f"{local:%H:%M} {local.tzname()}"
    if days_before == 0:
        return clock
    if 0 < days_before < 7:
        return f"{weekday_name(local)} {clock}".strip()
    if local.year == day.year:
        return f"{local.day} {month_name(local.month)}" + (f", {clock}" if clock else "")
    return reader_moment(moment, zone)


def date_range(first: datetime | date, last: datetime | date) -> str:
    """'3 – 9 June 2025', '28 May – 4 June 2025' or '30 December 2024 – 5 January 2025'."""
    if (first.year, first.month, first.day) == (last.year, last.month, last.day):
        return long_date(first)
    if first.year != last.year:
        return f"{long_date(first)} – {long_date(last)}"
    if first.month != last.month:
        return f"{first.day} {month_name(first.month)} – {long_date(last)}"
    return f"{first.day} – {long_date(last)}"
