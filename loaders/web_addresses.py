"""What counts as a web address the app may link to: http or https, a host, and only the
characters a URL is made of (RFC 3986). Anything else (a javascript: or data: address, text
with spaces, brackets or a new line that markdown would read as more markup) is shown as
plain text, and refused where a file gives it as a source."""

from __future__ import annotations

import re

_WEB_ADDRESS = re.compile(
    r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?"  # scheme, host, port
    r"(?:[/?#][A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]*)?",  # path, query, fragment
    re.IGNORECASE,
)
MAX_WEB_ADDRESS = 1000


def is_clean_web_address(text: str | None) -> bool:
    """True for an http(s) address made only of URL characters, at most 1,000 of them."""
    return (isinstance(text, str) and len(text) <= MAX_WEB_ADDRESS
            and _WEB_ADDRESS.fullmatch(text) is not None)
