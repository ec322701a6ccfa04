"""Safe file names for downloads and chart images: `jointcare-<area-slug>-<period>-<what>.<ext>`, ASCII [a-z0-9-] only.

Names go into Content-Disposition headers and onto people's disks: no quotes, slashes, dots or
non-ASCII letters (accents are folded: "Ynys Môn" -> "ynys-mon"), and a length cap so that a long
practice name cannot make a name some file systems refuse.
"""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG = 60
MAX_NAME = 120


def slug(text: str, limit: int = MAX_SLUG) -> str:
    """Lower-case ASCII letters, digits and single hyphens, at most `limit` characters ('' for nothing)."""
    folded = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return words[:limit].rstrip("-")


def file_name(area: str, period: str | None, what: str, extension: str) -> str:
    """e.g. file_name("Wyvernford", "2024-25", "summary", "pdf") -> 'jointcare-wyvernford-2024-25-summary.pdf'."""
    parts = ["jointcare", slug(area) or "all-areas", slug(period or "", 10), slug(what, 40) or "download"]
    stem = "-".join(part for part in parts if part)[:MAX_NAME].rstrip("-")
    return f"{stem}.{slug(extension, 8) or 'bin'}"


def image_stem(area: str | None, title: str) -> str:
    """A chart image's name without '.png': 'jointcare-wyvernford-emergency-admissions-by-month'."""
    parts = ["jointcare", slug(area or ""), slug(title, MAX_NAME)]
    return "-".join(part for part in parts if part)[:MAX_NAME].rstrip("-")
