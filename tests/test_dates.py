from datetime import date, datetime

from newsdigest.dates import find_date


def test_dates_in_text():
    assert find_date(["Updated: November 20, 2019 at 5:30 pm IST"]) == (datetime(2019, 11, 20, 17, 30),
                                                                        "November 20, 2019 at 5:30 pm")
    assert find_date(["Published 20 Nov 2019"])[0] == date(2019, 11, 20)
    assert find_date(["2019-11-20T10:30"])[0] == datetime(2019, 11, 20, 10, 30)
    assert find_date(["Sept. 3, 2024"])[0] == date(2024, 9, 3)


def test_no_date():
    assert find_date(["on Thursday", "in April", "February 30, 2020"]) == (None, "")
