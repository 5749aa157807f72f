"""The demo site, described by YAML files in each app's ``demo/`` folder."""

from .loader import DemoDataError, add_child, load, make_site_root

__all__ = ["DemoDataError", "add_child", "load", "make_site_root"]
