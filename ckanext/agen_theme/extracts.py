"""Plain-text extracts of dataset descriptions, kept per process.

Search pages and lists show the start of each dataset's Markdown
description through CKAN's ``markdown_extract``, which renders the Markdown
and strips its HTML each time, twenty times on a page of results. The
result depends only on the text and the length, so this chained helper
keeps the latest extracts and hands the rest to CKAN's helper.
"""
from __future__ import annotations

import functools
import logging
from typing import Any, Callable

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

# Extracts kept per process, several times the size of a city's catalogue
# (an estimate). Most are under 200 characters, but an extract asked with
# no length is the whole description.
CACHED_EXTRACTS = 2048


@functools.lru_cache(maxsize=CACHED_EXTRACTS)
def _cached_extract(next_helper: Callable[..., Any], text: str, extract_length: int) -> Any:
    return next_helper(text, extract_length=extract_length)


@tk.chained_helper
def markdown_extract(next_helper: Callable[..., Any], text: str, extract_length: int = 190) -> Any:
    """Return CKAN's plain-text extract of ``text``, from the cache when it is there."""
    if not text or not isinstance(text, str):
        return next_helper(text, extract_length=extract_length)
    return _cached_extract(next_helper, text, extract_length)
