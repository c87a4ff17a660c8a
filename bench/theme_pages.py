"""Time the theme's pages on the local portal that bin/up serves.

Sends a fixed number of sequential GET requests to each page on
127.0.0.1:$AGEN_WEB_PORT (default 5000) and prints the median and the 95th
percentile of the response times in milliseconds. The first request of each
page is a warm-up and is not counted.

Usage: .venv/bin/python bench/theme_pages.py [REQUESTS_PER_PAGE]
"""
from __future__ import annotations

import os
import statistics
import sys
import time
import urllib.request

PAGES = ("/", "/en/", "/dataset/", "/about", "/mentions-legales", "/accessibilite")
DEFAULT_REQUESTS = 30


def time_page(base_url: str, path: str, requests: int) -> list[float]:
    """Return the response times of ``requests`` GETs of ``path``, in ms."""
    urllib.request.urlopen(base_url + path, timeout=60).read()
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        with urllib.request.urlopen(base_url + path, timeout=60) as response:
            response.read()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_REQUESTS
    base_url = f"http://127.0.0.1:{os.environ.get('AGEN_WEB_PORT', '5000')}"

    print(f"{requests} sequential requests per page to {base_url}")
    print(f"{'page':<20} {'median ms':>10} {'p95 ms':>10}")
    for path in PAGES:
        timings = sorted(time_page(base_url, path, requests))
        p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
        print(f"{path:<20} {statistics.median(timings):>10.1f} {p95:>10.1f}")


if __name__ == "__main__":
    main()
