"""Demo step: the sample WAM NET file (facilities/demo/wam-sample.csv) loaded through the importer.

The file lists ten of the demo's sample facilities with the same values (they
gain the 出典 line) and eight more that only the file has (created and
published), one of them a second site under an existing 事業所番号, and a row
of a neighbouring town that the import leaves out. Loading again finds nothing
to change. Every name is marked サンプル and every number is invented.
"""

import datetime as dt
from pathlib import Path

from home.demo import DemoDataError

from .imports import engine, wam
from .imports.rows import ImportFileError
from .models import ImportKind

SAMPLE = Path(__file__).parent / "demo" / "wam-sample.csv"
SAMPLE_MONTH = dt.date(2026, 10, 1)


def import_sample():
    """The demo step declared with ``demo/fukushi-map.yaml``. Returns labels of what changed."""
    try:
        rows = wam.read_files([(SAMPLE.name, SAMPLE.read_bytes())])
    except ImportFileError as error:
        raise DemoDataError(f"facilities/demo/{SAMPLE.name}: {error}") from error
    result = engine.plan(rows, engine.Source(ImportKind.WAM, wam.SOURCE_LABEL, SAMPLE_MONTH))
    if not result.ok:
        raise DemoDataError(
            f"facilities/demo/{SAMPLE.name}: " + " ".join(str(e) for e in result.errors)
        )
    refreshed = [d for d in result.unchanged if d.record_changed]
    if not (result.new or result.changed or refreshed):
        return []
    engine.apply(result, None, publish=True)
    labels = [d.facility.values["title"] for d in result.new]
    if result.changed or refreshed:
        count = len(result.changed) + len(refreshed)
        labels.append(f"公表システムのサンプルから出典を付けた事業所 {count}件")
    return labels
