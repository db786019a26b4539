"""The pages of the dashboard, in navigation order: the one list the sidebar, the benchmark and
the tests read. The scripts live in pages/, which Streamlit serves by itself (each URL, such as
/timeline, runs pages/timeline.py), so shared addresses keep working."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    script: str  # pages/<name>.py
    title: str
    icon: str  # a Material icon drawn by Streamlit from its own font (offline)
    section: str  # the sidebar heading it is listed under

    @property
    def url_path(self) -> str:
        """The page's address: /overview for pages/overview.py."""
        return "/" + self.script.removeprefix("pages/").removesuffix(".py")


EXPLORE, SOURCES, DATA_STAFF = "Explore", "Sources", "Data staff"

PAGES = (
    Page("pages/overview.py", "Overview", ":material/insights:", EXPLORE),
    Page("pages/timeline.py", "Timeline", ":material/calendar_month:", EXPLORE),
    Page("pages/areas.py", "Areas", ":material/map:", EXPLORE),
    Page("pages/targets.py", "Targets", ":material/target:", EXPLORE),
    Page("pages/releases.py", "Releases", ":material/article:", SOURCES),
    Page("pages/data_quality.py", "Data quality", ":material/fact_check:", SOURCES),
    Page("pages/upload.py", "Upload", ":material/upload_file:", DATA_STAFF),
)
# the pages anyone reads, under the shared filters (the Upload page is for data staff)
ANALYSIS_PAGES = tuple(page for page in PAGES if page.section != DATA_STAFF)
