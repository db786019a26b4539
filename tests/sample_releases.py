"""Small hand-written releases for database and page tests. The expected numbers in the tests
are counted by hand from these texts."""

DAY_ONE = """Strikes continue against ISIS

SOUTHWEST ASIA, July 21, 2017 — U.S. and coalition military forces continued to attack ISIS yesterday, conducting 7 strikes consisting of 9 engagements, officials reported today.

Strikes in Syria

In Syria, coalition military forces conducted 5 strikes consisting of 6 engagements against ISIS targets:

-- Near Raqqa, four strikes engaged three ISIS tactical units and destroyed two fighting positions.

-- Near Abu Kamal, a strike destroyed an ISIS oil storage tank.

Strikes in Iraq

In Iraq, coalition military forces conducted 2 strikes consisting of 3 engagements against ISIS targets:

-- Near Mosul, two strikes destroyed a vehicle bomb factory and an ISIS-held building.

Part of Operation Inherent Resolve
"""

DAY_TWO = """Strikes continue against ISIS

SOUTHWEST ASIA, July 22, 2017 — U.S. and coalition military forces continued to attack ISIS yesterday, conducting 3 strikes consisting of 3 engagements, officials reported today.

Strikes in Iraq

In Iraq, coalition military forces conducted 3 strikes consisting of 3 engagements against ISIS targets:

-- Near Mosul, three strikes engaged an ISIS tactical unit and destroyed two ISIS vehicles.

Part of Operation Inherent Resolve
"""

# The same release as DAY_TWO, corrected: one more strike near Mosul.
DAY_TWO_CORRECTED = DAY_TWO.replace("conducting 3 strikes consisting of 3", "conducting 4 strikes consisting of 4").replace(
    "conducted 3 strikes consisting of 3", "conducted 4 strikes consisting of 4"
).replace("three strikes engaged", "four strikes engaged")

# An aggregate over several days in Syria, published 2019-01-15: it states no day, so its
# strikes are counted on the day before publication.
AGGREGATE = (
    "SOUTHWEST ASIA, Jan. 15, 2019 — In Syria, 575 strikes engaged 485 ISIS tactical units and destroyed "
    "308 staging areas.\n"
)

# Text an outsider controls (a release's first line, a file's name), written as markdown that
# would load an outside image and make a link if a page rendered it.
HOSTILE_TITLE = "![p](http://host.invalid/t.png) Strikes continue"
HOSTILE_FILE_NAME = "[text](http://host.invalid/x).txt"
HOSTILE = (HOSTILE_TITLE, DAY_ONE.replace("Strikes continue against ISIS", HOSTILE_TITLE, 1))


# Line archives (date, country, location, number, line), as the public archives give them
ARCHIVE_HEADER = "date,country,location,number,line\n"
# four lines: a list this long on two days is one report of strikes (db.versions.SAME_LIST_LINES)
REPEATED_LIST = [("Iraq", "Ramadi", 3), ("Iraq", "Mosul", 2), ("Iraq", "Bayji", 1), ("Syria", "Kobani", 5)]


def archive_day(day: str, lines: list[tuple[str, str, int]]) -> str:
    """An archive's rows for one day (month/day/year) of (country, place, strikes) lines."""
    words = {1: "one airstrike", 2: "two airstrikes", 3: "three airstrikes", 5: "five airstrikes", 6: "six airstrikes"}
    return "".join(f'{day},{country},{place},{count},"- Near {place}, {words[count]} struck an ISIL tactical unit."\n'
                   for country, place, count in lines)
