"""When a recording was made, as far as the file itself says: its metadata, else its mtime.

``rehearse import`` dates an existing recording by this, so an answer recorded last month on a
phone lands on last month's day in the history, not on the day it was imported.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

# The tags FFmpeg maps recording dates to: MP4/M4A's creation time, WAV's ICRD, ID3's TDRC,
# Vorbis comments' DATE.
_DATE_TAGS = ("creation_time", "date", "DATE", "ICRD")


def parse_date(text: str) -> datetime | None:
    """A tag's date as local wall-clock time; ``None`` when it is not a full date.

    Times with a zone (M4A's are UTC) are moved to this machine's zone; a date alone counts at
    midnight.
    """
    text = text.strip().replace("Z", "+00:00")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone().replace(tzinfo=None)
    return when.replace(microsecond=0)


def recorded_at(path: Path) -> datetime | None:
    """The date in the file's metadata, if it has a readable one."""
    # Imported here: PyAV loads FFmpeg, which nothing else at import time needs.
    import av

    try:
        with av.open(str(path)) as container:
            tags = dict(container.metadata)
            for stream in container.streams:
                tags = {**dict(stream.metadata), **tags}
    except Exception:  # PyAV raises many error types for files it cannot read
        return None
    for tag in _DATE_TAGS:
        if tag in tags and (when := parse_date(str(tags[tag]))) is not None:
            return when
    return None


def file_date(path: Path) -> datetime:
    """When the recording was made: its metadata's date, else its modification time."""
    found = recorded_at(path)
    if found is not None:
        return found
    return datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
