"""Give the feeds a post's own dates, whether its front matter says ``date: 2026-11-25`` or
``date: {created: …, updated: …}``.

The RSS plugin reads one front matter key per feed (``date_from_meta`` in mkdocs.yml); a key it cannot
read as a date silently becomes the build's time. Material's blog accepts both forms of ``date``, so
before the RSS plugin looks (``on_page_markdown``), each post's ``date`` is given as the blog read it:
``{created: …, updated: …}``, ``updated`` being ``created`` when the post was never updated. The RSS plugin
reads ``date.created`` and ``date.updated``; :func:`check_feed_config` says so when mkdocs.yml names ``date``.
"""

from __future__ import annotations

from live_math._internal.checks.report import Report

WANTED = {"as_creation": "date.created", "as_update": "date.updated"}


def normalize_post_date(page) -> None:
    """Write the post's dates into ``page.meta["date"]`` as ``{created, updated}`` datetimes (UTC)."""
    dates = getattr(getattr(page, "config", None), "date", None)
    if not isinstance(dates, dict) or "created" not in dates:
        return  # not a blog post
    page.meta["date"] = {"created": dates["created"], "updated": dates.get("updated") or dates["created"]}


def check_feed_config(config, report: Report) -> None:
    """Report an RSS plugin that would read the date from somewhere a post's ``created``/``updated`` is not."""
    rss = next((p for name, p in config.plugins.items() if name.split("/")[-1] == "rss"), None)
    if rss is None or not rss.config.enabled:
        return
    for option, wanted in WANTED.items():
        value = getattr(rss.config.date_from_meta, option)
        if value == "date":  # read as one date, the mapping form gives no date at all
            report.add(
                "mkdocs.yml",
                f"rss: date_from_meta: {option}: {value!r} does not read a post's `date: {{created:, updated:}}`, "
                "so the feed would carry the build's time",
                f"set `{option}: {wanted}` (the plugin gives every post's date in that form)",
            )
