"""Facts of the campaign the loaders, the queries and the charts all read: when it began, when
its last strike release fell, and when the releases began to count engagements."""

from __future__ import annotations

from datetime import date

# The first day of the air campaign: cumulative figures count from it.
CAMPAIGN_START = date(2014, 8, 8)
# The last day the coalition's strike releases report (the end of the strike summaries, March
# 2019): the span the date picker opens on before any data.
CAMPAIGN_LAST_DAY = date(2019, 3, 31)
# The first release in the corpus that counts engagements besides strikes (20 Jan 2017).
ENGAGEMENTS_REPORTED_FROM = date(2017, 1, 20)
