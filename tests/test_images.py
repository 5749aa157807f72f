"""Images on the public pages: responsive renditions (srcset in three widths), AVIF and
WebP with a JPEG fallback, width and height on the <img>, and lazy loading below the
fold (the first block of a page's body is fetched at once)."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import features
from wagtail.images import get_image_model

from facilities.models import FacilityPhoto
from tests.factories import (
    FacilityIndexPageFactory,
    FacilityPageFactory,
    StandardPageFactory,
    stream,
)


def make_image(title, size=(1600, 1000)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (11, 83, 148)).save(buffer, "JPEG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name=f"{title}.jpg")
    )


class Pictures(HTMLParser):
    """Every <picture>: its <source>s and its <img>, as attribute dicts."""

    def __init__(self):
        super().__init__()
        self.pictures = []
        self.inside = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "picture":
            self.pictures.append({"sources": [], "img": None})
            self.inside = True
        elif tag == "source" and self.inside:
            self.pictures[-1]["sources"].append(attrs)
        elif tag == "img" and self.inside:
            self.pictures[-1]["img"] = attrs

    def handle_endtag(self, tag):
        if tag == "picture":
            self.inside = False


def pictures_in(response):
    assert response.status_code == 200
    parser = Pictures()
    parser.feed(response.content.decode())
    return parser.pictures


def widths(srcset):
    return sorted(int(w) for w in re.findall(r" (\d+)w", srcset))


def assert_responsive(picture, expected_widths):
    types = [s.get("type") for s in picture["sources"]]
    assert features.check("avif")  # Pillow here encodes AVIF; without it WebP alone would do
    assert types == ["image/avif", "image/webp"]
    for source in picture["sources"]:
        assert widths(source["srcset"]) == expected_widths
        assert source.get("sizes")
    img = picture["img"]
    assert re.search(r"\.jpg$", img["src"].split("?")[0]), img["src"]  # the fallback
    assert widths(img["srcset"]) == expected_widths
    assert int(img["width"]) > 0 and int(img["height"]) > 0
    assert int(img["width"]) * 10 // int(img["height"]) == 16  # the original's shape
    assert img["decoding"] == "async"
    assert img["alt"]


@pytest.mark.django_db
def test_body_images_are_responsive_and_lazy_below_the_first(client, home_page):
    first, second = make_image("外観"), make_image("作業の様子")
    page = StandardPageFactory(
        parent=home_page,
        body=stream(
            ("image", {"image": first.pk, "alt": "事業所の外観", "caption": ""}),
            ("paragraph", "<p>本文です。</p>"),
            ("image", {"image": second.pk, "alt": "作業の様子", "caption": "作業室"}),
        ),
    )
    pictures = pictures_in(client.get(page.url))
    assert len(pictures) == 2
    for picture in pictures:
        assert_responsive(picture, [400, 800, 1200])
    top, below = (p["img"] for p in pictures)
    assert "loading" not in top and top["fetchpriority"] == "high"
    assert below["loading"] == "lazy" and "fetchpriority" not in below
    assert [top["alt"], below["alt"]] == ["事業所の外観", "作業の様子"]


@pytest.mark.django_db
def test_facility_photos_are_responsive_and_lazy(client, home_page):
    index = FacilityIndexPageFactory(parent=home_page)
    facility = FacilityPageFactory(parent=index)
    for n in range(2):
        FacilityPhoto.objects.create(
            page=facility, image=make_image(f"写真{n}"), alt=f"写真{n}の説明", sort_order=n
        )
    pictures = pictures_in(client.get(facility.url))
    assert len(pictures) == 2
    for picture in pictures:
        assert_responsive(picture, [320, 640, 960])
        assert picture["img"]["loading"] == "lazy"
