"""The editor guide (docs/editor-guide.md) inside the admin: 「ヘルプ」→「編集の手引き」.

The guide is a file of the repository, written by the site's maintainers, so its
Markdown is rendered as it is (CommonMark with tables, no raw HTML). Its pictures
(``images/…png``) are served from docs/images to signed-in editors only. The HTML
is kept until the file changes.
"""

import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify
from markdown_it import MarkdownIt

GUIDE = Path(settings.BASE_DIR) / "docs" / "editor-guide.md"
IMAGES = GUIDE.parent / "images"
IMAGE_NAME = re.compile(r"^[A-Za-z0-9_-]+\.png$")


def _markdown():
    md = MarkdownIt("commonmark", {"html": False}).enable("table")

    def heading_open(renderer, tokens, idx, options, env):
        token = tokens[idx]
        text = tokens[idx + 1].content.replace("`", "")
        anchor = slugify(text, allow_unicode=True) or f"section-{idx}"
        token.attrSet("id", anchor)
        env.setdefault("headings", []).append((token.tag, text, anchor))
        return renderer.renderToken(tokens, idx, options, env)

    def image(renderer, tokens, idx, options, env):
        token = tokens[idx]
        src = token.attrGet("src") or ""
        name = src.removeprefix("images/")
        if src.startswith("images/") and IMAGE_NAME.match(name):
            token.attrSet("src", reverse("editor_guide_image", args=[name]))
        token.attrSet("loading", "lazy")
        return renderer.image(tokens, idx, options, env)

    md.add_render_rule("heading_open", heading_open)
    md.add_render_rule("image", image)
    return md


@lru_cache(maxsize=2)
def _render(mtime_ns):
    env = {}
    html = _markdown().render(GUIDE.read_text(encoding="utf-8"), env)
    chapters = [(text, anchor) for tag, text, anchor in env.get("headings", []) if tag == "h2"]
    return html, chapters


def rendered():
    """(HTML of the guide, [(chapter title, anchor)])."""
    return _render(GUIDE.stat().st_mtime_ns)


def guide_view(request):
    html, chapters = rendered()
    return TemplateResponse(
        request,
        "editorial/guide/guide.html",
        {"guide_html": html, "chapters": chapters, "page_title": "編集の手引き"},
    )


def image_view(request, name):
    path = IMAGES / name
    if not IMAGE_NAME.match(name) or not path.is_file():
        raise Http404("この画像はありません。")
    return FileResponse(path.open("rb"), content_type="image/png")
