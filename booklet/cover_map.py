"""The overview map on the booklet's cover: numbered points over 地理院タイル.

The tiles are fetched here (short timeouts, all or nothing) and drawn into one
SVG with the points, so WeasyPrint never goes to the network. When tiles are
switched off (``BOOKLET_MAP_TILES``) or any of them cannot be fetched, the same
SVG is drawn from the coordinates alone: the points and their numbers on a
plain background, never a broken image.
"""

import base64
import io
import logging
import math
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.utils.html import strip_tags
from PIL import Image

logger = logging.getLogger(__name__)

TILE_SIZE = 256
WIDTH, HEIGHT = 680, 430  # SVG units; the cover prints it 170 mm wide
PADDING = 24
MIN_ZOOM, MAX_ZOOM, EMPTY_ZOOM = 8, 15, 11
MAX_TILE_BYTES = 2 * 1024 * 1024
USER_AGENT = "kodama-jiritsushien-booklet/1.0"
FONT = "Noto Sans CJK JP, sans-serif"


@dataclass(frozen=True)
class Point:
    number: int
    latitude: float
    longitude: float


@dataclass
class CoverMap:
    svg: str
    tiles_used: bool
    attribution: str
    plotted: int

    @property
    def data_uri(self):
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def world_pixel(latitude, longitude, zoom):
    """Web Mercator pixel coordinates of a position at ``zoom`` (as the tile servers use)."""
    scale = TILE_SIZE * 2**zoom
    lat = math.radians(latitude)
    x = (longitude + 180.0) / 360.0 * scale
    y = (1.0 - math.log(math.tan(lat) + 1.0 / math.cos(lat)) / math.pi) / 2.0 * scale
    return x, y


def choose_view(points):
    """(zoom, left, top): the closest zoom at which every point fits, centred on them."""
    if not points:
        lat, lng = settings.FACILITY_MAP_CENTER
        x, y = world_pixel(lat, lng, EMPTY_ZOOM)
        return EMPTY_ZOOM, x - WIDTH / 2, y - HEIGHT / 2
    for zoom in range(MAX_ZOOM, MIN_ZOOM - 1, -1):
        xs, ys = zip(*(world_pixel(p.latitude, p.longitude, zoom) for p in points), strict=True)
        if max(xs) - min(xs) <= WIDTH - 2 * PADDING and max(ys) - min(ys) <= HEIGHT - 2 * PADDING:
            break
    centre_x, centre_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return zoom, centre_x - WIDTH / 2, centre_y - HEIGHT / 2


def tiles_for(zoom, left, top):
    """(x, y) of every tile the view covers."""
    first_x, last_x = math.floor(left / TILE_SIZE), math.floor((left + WIDTH - 1) / TILE_SIZE)
    first_y, last_y = math.floor(top / TILE_SIZE), math.floor((top + HEIGHT - 1) / TILE_SIZE)
    return [(x, y) for y in range(first_y, last_y + 1) for x in range(first_x, last_x + 1)]


def fetch_tile(url):
    """The tile's bytes from the tile server; raises on any failure."""
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"unsupported tile URL: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=settings.BOOKLET_MAP_TILE_TIMEOUT) as response:  # noqa: S310
        data = response.read(MAX_TILE_BYTES + 1)
    if len(data) > MAX_TILE_BYTES:
        raise ValueError(f"tile too large: {url}")
    return data


def tile_data_uri(data):
    """A data: URI for a PNG or JPEG tile; raises when the bytes are not a readable image."""
    with Image.open(io.BytesIO(data)) as image:
        kind = image.format
        image.verify()
    if kind not in ("PNG", "JPEG"):
        raise ValueError(f"unexpected tile format: {kind}")
    return f"data:image/{kind.lower()};base64," + base64.b64encode(data).decode()


def fetch_tiles(zoom, tiles, fetcher):
    """{(x, y): data URI} for every tile, or None when any one fails (then no tiles at all)."""
    template = settings.FACILITY_MAP_TILE_URL
    urls = {tile: template.format(z=zoom, x=tile[0], y=tile[1]) for tile in tiles}
    pool = ThreadPoolExecutor(max_workers=4)
    try:
        futures = {tile: pool.submit(fetcher, url) for tile, url in urls.items()}
        result = {}
        for tile, future in futures.items():
            result[tile] = tile_data_uri(future.result(timeout=settings.BOOKLET_MAP_TILES_DEADLINE))
        return result
    except Exception as error:  # any failure (timeout, HTTP, not an image) means no tiles
        logger.warning("地図のタイルを取得できなかったため、位置だけの地図にします: %s", error)
        return None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _marker(number, x, y):
    radius = 8 if number < 10 else 9.5 if number < 100 else 11
    size = 9 if number < 100 else 8
    return (
        f'<g><circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="#b8232f" '
        f'stroke="#ffffff" stroke-width="1.5"/>'
        f'<text x="{x:.1f}" y="{y + size * 0.36:.1f}" font-size="{size}" font-weight="bold" '
        f'text-anchor="middle" fill="#ffffff" font-family="{FONT}">{number}</text></g>'
    )


def cover_map(points, fetcher=None):
    """The cover's map of ``points``; tiles when ``BOOKLET_MAP_TILES`` is on and all arrive."""
    zoom, left, top = choose_view(points)
    tiles = None
    if settings.BOOKLET_MAP_TILES:
        tiles = fetch_tiles(zoom, tiles_for(zoom, left, top), fetcher or fetch_tile)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#f3f5f2"/>',
    ]
    for (x, y), uri in (tiles or {}).items():
        parts.append(
            f'<image href="{uri}" x="{x * TILE_SIZE - left:.1f}" y="{y * TILE_SIZE - top:.1f}" '
            f'width="{TILE_SIZE}" height="{TILE_SIZE}"/>'
        )
    # Later numbers first, so that where points overlap the lower number stays readable.
    for point in sorted(points, key=lambda p: -p.number):
        x, y = world_pixel(point.latitude, point.longitude, zoom)
        parts.append(_marker(point.number, x - left, y - top))
    parts.append(
        f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{HEIGHT - 1}" fill="none" '
        'stroke="#555555" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return CoverMap(
        svg="".join(parts),
        tiles_used=bool(tiles),
        attribution=strip_tags(settings.FACILITY_MAP_ATTRIBUTION) if tiles else "",
        plotted=len(points),
    )
