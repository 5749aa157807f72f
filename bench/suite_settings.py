"""Settings of the benchmark suite's server (bench/suite.py): the production settings, plus the
floor view and the per-request CPU header of bench/suite_site.py. Not part of the site."""

from cms.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.suite_site"
# Outermost, so that the time it measures covers every middleware, the page cache's included.
MIDDLEWARE = ["bench.suite_site.RequestCPUMiddleware", *MIDDLEWARE]  # noqa: F405
