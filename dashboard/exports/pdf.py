"""The PDF renderer both documents share: an HTML template with SVG charts, drawn to A4 by WeasyPrint.

No browser and no image files: the templates are Jinja (templates/), the charts come from svg_charts.py
and are served to WeasyPrint from memory (see `Images`), so the text in the PDF is real text (searchable,
tagged for screen readers, extractable by tests with pdftotext) and the charts are vectors that stay sharp
in print. The documents are summary_pdf.py (the councillor summary) and pack_pdf.py (the practice pack).
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
from pathlib import Path

import jinja2
import weasyprint
from markupsafe import Markup

from dashboard.exports import svg_charts

TEMPLATES = Path(__file__).with_name("templates")
SPC_ICONS = Path(__file__).resolve().parents[2] / "assets" / "spc"  # the dashboard's icons (dashboard/app.py ROOT)


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


@functools.lru_cache(maxsize=1)
def _css() -> Markup:
    return Markup((TEMPLATES / "base.css").read_text())


class Images:
    """The SVG charts of one document, each referenced by an <img> with a made-up URL and served from
    memory when WeasyPrint asks for it.

    Why not inline <svg>: WeasyPrint parses and styles every element of inline SVG as part of the page,
    and a pack has ~300 pages of icons; as images, identical SVG text gets one URL, so each icon is
    parsed once, and the HTML is less than half the size (measured: the pack's layout time halves).
    """

    SCHEME = "jointcare-image:"

    def __init__(self):
        self._by_url: dict[str, bytes] = {}

    def img(self, svg_text: str, size: float | None = None) -> Markup:
        """An <img> of the SVG, sized as the SVG says (or size x size), with the SVG's aria-label (else
        its <title>) as its alternative text."""
        if not svg_text:
            return Markup("")
        data = svg_text.encode()
        url = f"{self.SCHEME}{hashlib.blake2b(data, digest_size=12).hexdigest()}.svg"
        self._by_url[url] = data
        width, height = ((size, size) if size else
                         (re.search(rf'{name}="([0-9.]+)"', svg_text).group(1) for name in ("width", "height")))
        label = re.search(r'aria-label="([^"]*)"', svg_text) or re.search(r"<title>([^<]*)</title>", svg_text)
        alt = html.unescape(label.group(1)) if label else ""
        return Markup('<img src="{}" alt="{}" style="width:{}px;height:{}px">').format(url, alt, width, height)

    def spc_icon(self, variation: str | None, size: float = 16) -> Markup:
        """The variation icon the dashboard shows (assets/spc/variation-<key>.svg, the Making Data Count
        icons), so the PDF and the pages look the same; svg_charts' own icon when there is no such file
        (a series too short for SPC)."""
        path = SPC_ICONS / f"variation-{variation}.svg"
        if variation and path.is_file():
            return self.img(_icon_file(path), size)
        return self.img(svg_charts.spc_icon(variation, size))

    def fetcher(self) -> weasyprint.URLFetcher:
        return _MemoryFetcher(self._by_url)


@functools.lru_cache(maxsize=32)
def _icon_file(path: Path) -> str:
    return path.read_text()


class _MemoryFetcher(weasyprint.URLFetcher):
    """Serves the document's own images; anything else (say a URL inside a hostile practice name) is
    refused, so writing a PDF never reaches the network or the file system."""

    def __init__(self, by_url: dict[str, bytes]):
        super().__init__(allowed_protocols=())
        self._by_url = by_url

    def fetch(self, url, headers=None):
        if url in self._by_url:
            return weasyprint.urls.URLFetcherResponse(url, self._by_url[url], {"Content-Type": "image/svg+xml"})
        raise ValueError(f"resources are not fetched when writing a PDF: {url[:80]}")


def render(template: str, images: Images | None = None, tagged: bool = True, **context) -> bytes:
    """A template rendered to PDF bytes (fonts found by fontconfig; nothing fetched from the network).

    tagged: a tagged PDF (headings, tables, lists and the images' alternative text in the structure tree),
    so screen readers can read it in order.
    """
    html = _environment().get_template(template).render(css=_css(), **context)
    fetcher = (images or Images()).fetcher()
    return weasyprint.HTML(string=html, base_url=str(TEMPLATES), url_fetcher=fetcher).write_pdf(pdf_tags=tagged)
