"""Uploads stop being read at the import's size limit: a larger file is neither kept in
memory nor written to disk past it (Django's own settings limit only the other fields)."""

from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from .imports import MAX_BYTES


class SizeLimitUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: drops a file as soon as it passes MAX_BYTES, before
    the next handlers keep more of it, and notes its field in `request.oversized_uploads`
    for the form to say why the file is missing."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > MAX_BYTES:
            # An attribute of its own on the request: setattr, as HttpRequest declares none.
            oversized = {*getattr(self.request, "oversized_uploads", ()), self.field_name}
            setattr(self.request, "oversized_uploads", oversized)  # noqa: B010
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler makes the file
