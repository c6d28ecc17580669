from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from newsdigest.dates import CalendarDay, find_date, moment_of, moment_on_page
from newsdigest.fetch.http import Response
from newsdigest.fetch.listing import read_listing


def test_dates_in_text():
    assert find_date(["Updated: November 20, 2019 at 5:30 pm IST"]) == (datetime(2019, 11, 20, 17, 30),
                                                                        "November 20, 2019 at 5:30 pm")
    assert find_date(["Published 20 Nov 2019"])[0] == date(2019, 11, 20)
    assert find_date(["2019-11-20T10:30"])[0] == datetime(2019, 11, 20, 10, 30)
    assert find_date(["Sept. 3, 2024"])[0] == date(2024, 9, 3)


def test_no_date():
    assert find_date(["on Thursday", "in April", "February 30, 2020"]) == (None, "")


def test_one_rule_for_a_time_without_a_zone_wherever_it_is_read():
    """Front matter, a source's listing and a page's metadata: a time without a zone is the site's; a day
    alone is that day; an offset is kept."""
    kolkata = ZoneInfo("Asia/Kolkata")
    assert moment_of("2025-06-12T09:30:00", kolkata) == datetime(2025, 6, 12, 9, 30, tzinfo=kolkata)
    assert moment_of(datetime(2025, 6, 12, 9, 30), kolkata).utcoffset() == timedelta(hours=5, minutes=30)
    assert moment_of("2025-06-12T09:30:00Z", kolkata) == datetime(2025, 6, 12, 9, 30, tzinfo=UTC)
    day = moment_of("2025-06-12", kolkata)
    assert isinstance(day, CalendarDay) and day == moment_of(date(2025, 6, 12), UTC)
    assert moment_of("June 12", kolkata) is None and moment_of(None, kolkata) is None
    sitemap = ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://n.example/a</loc>'
               "<lastmod>2025-06-12T09:30:00</lastmod></url></urlset>")
    [item] = read_listing(Response("https://n.example/sitemap.xml", 200, {"content-type": "application/xml"},
                                   sitemap.encode()), "", "s", kolkata).items
    assert item.listed == moment_of("2025-06-12T09:30:00", kolkata)


def test_a_page_of_one_days_news_gives_times_briefly():
    kolkata, monday = ZoneInfo("Asia/Kolkata"), date(2025, 6, 16)
    at = datetime(2025, 6, 16, 9, 15, tzinfo=UTC)
    assert moment_on_page(at, kolkata, monday) == "14:45 IST"
    assert moment_on_page(at, kolkata, date(2025, 6, 18)) == "Monday 14:45 IST"
    assert moment_on_page(at, kolkata, date(2025, 7, 1)) == "16 June, 14:45 IST"
    assert moment_on_page(at, kolkata, date(2026, 1, 2)) == "16 June 2025, 14:45 IST"
    day_alone = CalendarDay(2025, 6, 16, 12, tzinfo=UTC)
    assert [moment_on_page(day_alone, kolkata, d) for d in (monday, date(2025, 6, 17), date(2025, 8, 1))] == \
        ["", "Monday", "16 June"]
