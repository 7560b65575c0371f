"""The one place the library reads the calendar.

Every "today" the library needs (a compounding date the order left to the default, the day a
batch run starts, the day a label is printed) comes from :func:`today`. Tests freeze it in one
fixture, so no test depends on the day it runs; callers who need a fixed day pass ``today=``.
"""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    """The local calendar date now."""
    return dt.date.today()
