"""The production settings plus the benchmark's own URLs (a trivial and a raw-SQL endpoint
that must never be part of the product)."""

import warnings

from samsam.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The API serves no static files; a missing collectstatic directory is not the point here.
warnings.filterwarnings("ignore", message="No directory at")
