"""A stored upload (FacilityImport) turned into a plan, and applied: shared by the screens and the task."""

import logging

from django.utils import timezone

from facilities.models import FacilityImport, ImportKind, ImportStatus

from . import engine, wam
from .rows import ImportFileError

logger = logging.getLogger(__name__)

SOURCE_LABELS = {
    ImportKind.WAM: wam.SOURCE_LABEL,
    ImportKind.SHEET: "児玉郡市自立支援協議会の事業所一覧",
}


def source_of(job):
    return engine.Source(str(job.kind), SOURCE_LABELS[job.kind], job.source_date)


def read_rows(job):
    """(rows, errors) of the job's files."""
    files = job.file_contents()
    try:
        if job.kind == ImportKind.SHEET:
            from . import spreadsheet

            return spreadsheet.read_files(files, job.mapping or None), []
        return wam.read_files(files), []
    except ImportFileError as error:
        return [], error.errors


def plan_for(job):
    rows, errors = read_rows(job)
    return engine.plan(rows, source_of(job), errors=errors)


def run(job):
    """Apply ``job`` if the site still looks as its dry run showed; record the outcome."""
    result = plan_for(job)
    try:
        written = engine.apply(
            result, job.created_by, publish=job.publish, expected_digest=job.plan_digest
        )
    except engine.StalePlan as error:
        FacilityImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, message=str(error)
        )
        return {"status": "failed"}
    except Exception:
        logger.exception("facility import %s failed", job.pk)
        FacilityImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            message="取り込みの途中で問題が起きたため、何も変更していません。事務局に連絡してください。",
        )
        raise
    FacilityImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.APPLIED, summary=written, applied_at=timezone.now(), message=""
    )
    return written
