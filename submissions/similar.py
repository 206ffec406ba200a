"""既有类似问题？ Public items whose titles look like the title being typed, so that a worker can
follow one instead of filing the same problem again.

Only what the public can already open is suggested: published disclosure notices (titles an
editor wrote or redacted, checked for personal data before publishing) and live key
supervised issues (pages the station writes about the common problems it is working on),
which the disclosure app lends through the "public_titles" hook. A case's own title is never
suggested, open or not: the submitter typed it, nobody redacted it, and DESIGN.md §5 keeps it
off every public page (even a key issue's page lists its open cases by reference only).

The candidates are cached as one list for a minute; what a person types is matched in memory
and never becomes a cache key, so nothing they typed stays behind."""

import re

from django.core.cache import cache
from wagtail import hooks

CACHE_KEY = "similar:public-titles"
CACHE_SECONDS = 60
MAX_ITEMS = 5
MAX_QUERY = 60  # a title's length
WORD = re.compile(r"\w+")


def grams(text):
    """The character pairs of the text's words (Chinese has no spaces to split on); a word of
    one character is its own gram."""
    found = set()
    for word in WORD.findall(text.lower()):
        found.update(word[i : i + 2] for i in range(max(1, len(word) - 1)))
    return found


def candidates():
    """[{"title", "url", "label"}] of every public item the hooks lend, cached briefly."""
    items = cache.get(CACHE_KEY)
    if items is None:
        items = [item for hook in hooks.get_hooks("public_titles") for item in hook()]
        cache.set(CACHE_KEY, items, CACHE_SECONDS)
    return items


def suggest(text):
    """At most MAX_ITEMS items sharing the most character pairs with text (two at least)."""
    wanted = grams(text[:MAX_QUERY])
    if len(wanted) < 2:
        return []
    scored = []
    for position, item in enumerate(candidates()):
        score = len(wanted & grams(item["title"]))
        if score >= 2:
            scored.append((-score, position, item))
    return [item for _score, _position, item in sorted(scored, key=lambda s: s[:2])[:MAX_ITEMS]]
