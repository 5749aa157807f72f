"""The apply runs in the task queue: a large file takes longer than a request should."""

from django_tasks import task

from facilities.models import FacilityImport

from . import jobs


@task()
def apply_import(import_id):
    job = FacilityImport.objects.select_related("created_by").get(pk=import_id)
    return jobs.run(job)
