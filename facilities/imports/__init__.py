"""Facility data in: the national WAM NET CSV files and the council's own spreadsheet.

``wam.py`` and ``spreadsheet.py`` read files into ``SourceRow``s (canonical
fields, row numbers); ``engine.py`` checks them, groups them into facilities
(facilities/keys.py), compares them with the site (the dry run) and applies
the result in one transaction; ``views.py`` holds the admin screens and
``tasks.py`` the queued apply.
"""
