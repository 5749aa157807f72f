from django.views.decorators.http import require_safe

from .datasets import get_dataset


@require_safe
def dataset_file(request, slug, fmt):
    """One file of a dataset; 404 for an unknown dataset or format, or one not public now."""
    return get_dataset(slug).response(request, fmt)
