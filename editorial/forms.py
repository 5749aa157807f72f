"""Base forms for the admin's document and image uploads.

Wagtail builds the form of every upload view (single upload, multiple upload
and the chooser's upload tab) on the class named in
``WAGTAILDOCS_DOCUMENT_FORM_BASE`` / ``WAGTAILIMAGES_IMAGE_FORM_BASE``, so the
rules in ``editorial.uploads`` apply wherever a file can be added.
"""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.fields import WagtailDocumentField
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from home.formatting import file_size

from .uploads import (
    ACCEPTED_DOCUMENTS_TEXT,
    check_document,
    check_image_pixels,
    check_size,
    extension_of,
    refusal,
)

ACCEPTED_IMAGES_TEXT = "JPEG・PNG・WebP の画像"
ACCEPTED_IMAGES_SHORT = "JPEG・PNG・WebP"


class LimitedFileFieldMixin:
    """Help text naming what is accepted and the size limit; the refusal for a file that
    the multiple upload page finds too large before sending it."""

    accepted_text = ""
    too_large_text = "{limit} を超えるファイルは載せられません。"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = self.max_upload_size
        self.help_text = f"載せられるのは {self.accepted_text} です" + (
            f"({file_size(limit)} まで)。" if limit is not None else "。"
        )
        if limit is not None:
            self.error_messages["file_too_large_unknown_size"] = self.too_large_text.format(
                limit=file_size(limit)
            )


class DocumentFileField(LimitedFileFieldMixin, WagtailDocumentField):
    """Wagtail's document field with the size refusal in Japanese, naming the file."""

    accepted_text = ACCEPTED_DOCUMENTS_TEXT

    def check_document_file_size(self, f):
        check_size(f, self.max_upload_size)


class ImageFileField(LimitedFileFieldMixin, WagtailImageField):
    """Wagtail's image field with its refusals in Japanese, naming the file.

    The pixel count is checked from the image header before Wagtail decodes
    the image, so an image bomb is refused without being unpacked.
    """

    accepted_text = ACCEPTED_IMAGES_TEXT
    too_large_text = "{limit} を超える画像は載せられません。"

    def to_python(self, data):
        if isinstance(data, UploadedFile):
            check_size(data, self.max_upload_size)
            check_image_pixels(data)
        try:
            return super().to_python(data)
        except ValidationError as error:
            raise self._in_japanese(error, data) from error

    def check_image_file_size(self, f):
        check_size(f, self.max_upload_size)

    def check_image_pixel_size(self, f):
        try:
            super().check_image_pixel_size(f)
        except (OSError, SyntaxError, ValueError) as exc:
            # Willow decodes the image to count its pixels; a truncated file fails here.
            raise refusal(f.name, "画像が壊れているか途中で切れている", "invalid_image") from exc

    def check_image_file_format(self, f):
        try:
            super().check_image_file_format(f)
        except ValidationError as error:
            if error.code != "invalid_image_known_format":
                raise
            actual = f.image.format_name
            if actual == "svg":
                # Willow takes any text starting with "<" (an HTML page, say) for SVG.
                reason = f"中身が{ACCEPTED_IMAGES_TEXT}ではない"
            else:
                extension = extension_of(f.name)
                reason = f"中身が {actual.upper()} の画像で、拡張子(.{extension})と合わない"
            raise refusal(f.name, reason, error.code) from error

    def _in_japanese(self, error, data):
        if "reason" in (getattr(error, "params", None) or {}):
            return error  # already one of ours
        name = getattr(data, "name", "")
        code = getattr(error, "code", None)
        if code == "invalid_image":
            reason = f"中身が{ACCEPTED_IMAGES_TEXT}ではない"
        elif code == "invalid_image_extension":
            reason = f"載せられる種類のファイル({ACCEPTED_IMAGES_SHORT})ではない"
        elif code == "empty":
            reason = "中身が空の"
        else:
            return error
        return refusal(name, reason, code)


def _use_field(form, field_class):
    """Swap the upload field Wagtail built for ours, keeping its label and widget."""
    field = form.fields.get("file")
    if field is not None:
        form.fields["file"] = field_class(
            label=field.label, required=field.required, widget=field.widget
        )


class DocumentForm(BaseDocumentForm):
    """Base of every document upload form (WAGTAILDOCS_DOCUMENT_FORM_BASE)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _use_field(self, DocumentFileField)

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):
            check_document(file)
        return file

    def add_error(self, field, error):
        # Document.clean() checks the extension of the instance's file. After
        # clean_file refused an upload the instance has no file, and the model
        # would add a second, misleading "extension not allowed" error.
        if field is None and hasattr(error, "error_dict") and self.has_error("file"):
            rest = {name: e for name, e in error.error_dict.items() if name != "file"}
            if not rest:
                return
            error = ValidationError(rest)
        super().add_error(field, error)


class ImageForm(BaseImageForm):
    """Base of every image upload form (WAGTAILIMAGES_IMAGE_FORM_BASE)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _use_field(self, ImageFileField)
