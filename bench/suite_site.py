"""The benchmark suite's additions to the site (bench/suite_settings.py): the floor view and a
header with each request's CPU time. Not part of the site's URLconf."""

import time

from django.http import HttpResponse
from django.urls import path

from cms.urls import urlpatterns as site_urlpatterns

FLOOR_PATH = "/bench-floor/"
CPU_HEADER = "X-Bench-CPU-us"


def floor(request):
    """The least a Django view on this site can do: the floor of the suite's ratios."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


class RequestCPUMiddleware:
    """Adds the CPU time of the worker process spent on this request, in microseconds.

    gunicorn's synchronous workers handle one request at a time, so the process's CPU time
    between the start and the end of the middleware chain is this request's. The suite reads
    the header from gunicorn's access log, for the median per page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.process_time()
        response = self.get_response(request)
        response[CPU_HEADER] = str(round((time.process_time() - started) * 1e6))
        return response


urlpatterns = [path(FLOOR_PATH.strip("/") + "/", floor), *site_urlpatterns]
