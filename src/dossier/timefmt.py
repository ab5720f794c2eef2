"""Times as people and scripts read them: one place that turns stored times into the reader's zone.

The archive stores times in UTC (OCFL ``created``, ``...Z``); the access log stores the writer's
local time with its offset. People read the local time of the configured zone (the ``time_zone``
setting, default the machine's own), with the zone named where it matters; JSON carries ISO 8601
with an explicit offset (stored values verbatim: ``Z`` is UTC's), so no reader has to guess a zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

HUMAN = "%Y-%m-%d %H:%M:%S"


def parse(value: Any) -> datetime | None:
    """An aware datetime from an ISO 8601 text or a datetime (naive values are UTC); None if it is none
    (a date alone, ``2026-03-31``, is a day, not a time)."""
    if isinstance(value, datetime):
        when = value
    else:
        text = str(value).strip() if value is not None else ""
        if len(text) <= 10:
            return None
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def local(value: Any, tz: tzinfo | None = None) -> datetime | None:
    """``value`` in the zone ``tz`` (None: the machine's own zone)."""
    when = parse(value)
    return when.astimezone(tz) if when is not None else None


def human(value: Any, tz: tzinfo | None = None, *, zone_name: bool = False) -> str:
    """``2026-03-31 14:34:13`` in the reader's zone; with ``zone_name`` the offset follows
    (``2026-03-31 14:34:13（UTC+08:00）``). A value that is no time is shown as it is."""
    when = local(value, tz)
    if when is None:
        return "" if value is None else str(value)
    text = when.strftime(HUMAN)
    return f"{text}（{offset_name(when)}）" if zone_name else text


def iso(value: Any, tz: tzinfo | None = None) -> Any:
    """ISO 8601 with the reader's explicit offset (``2026-03-31T14:34:13+08:00``); not a time: unchanged."""
    when = local(value, tz)
    return when.isoformat(timespec="seconds") if when is not None else value


def offset_name(when: datetime) -> str:
    """``UTC+08:00`` for a datetime in a zone (``UTC`` at offset zero)."""
    offset = when.utcoffset()
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def with_offset(value: Any) -> Any:
    """An ISO 8601 time as stored when it carries its offset (``Z``, ``+08:00``); a naive one (the
    archive's times are UTC) with ``+00:00``; anything else unchanged. JSON keeps stored times
    verbatim, so a script reads the same value the archive and the access log hold."""
    when = parse(value) if isinstance(value, str) else None
    if when is None or datetime.fromisoformat(value.strip()).tzinfo is not None:
        return value
    return when.isoformat(timespec="seconds")


def iso_fields(data: Any, keys: tuple[str, ...]) -> Any:
    """A copy of a JSON value in which every time under ``keys`` (at any depth) carries an offset."""
    if isinstance(data, dict):
        return {k: (with_offset(v) if k in keys else iso_fields(v, keys)) for k, v in data.items()}
    if isinstance(data, list):
        return [iso_fields(v, keys) for v in data]
    return data


__all__ = ["HUMAN", "human", "iso", "iso_fields", "local", "offset_name", "parse", "with_offset"]
