"""QR codes for print (the booklet's cover, posters at service counters)."""

import io

import segno
from django.http import HttpResponse


def qr_code(url):
    """The QR code of ``url``, with the error correction every printed code of the site uses."""
    return segno.make(url, error="m")


def qr_response(url, kind, filename):
    code = qr_code(url)
    buffer = io.BytesIO()
    if kind == "svg":
        code.save(buffer, kind="svg", scale=8, border=4, title=url, xmldecl=True)
        content_type = "image/svg+xml"
    else:
        code.save(buffer, kind="png", scale=10, border=4)
        content_type = "image/png"
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=86400"
    return response
