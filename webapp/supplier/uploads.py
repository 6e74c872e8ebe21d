"""Checking evidence uploads: allowed type, size, and that the bytes are what the name says.

The extension must be one the question accepts, and the content must start like that
kind of file (PDF, PNG, JPEG; Office and OpenDocument files are ZIP archives with their
own parts, whose unpacked size is capped against ZIP bombs). The media type stored and
served is chosen from the checked type, never taken from the browser (S2, S10, S11).
"""

from __future__ import annotations

import zipfile
from typing import BinaryIO

from ..formats import size_text

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "csv": "text/csv",
    "txt": "text/plain",
}
OFFICE_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml",
                "pptx": "ppt/presentation.xml"}
MAX_UNPACKED = 200 * 1024 * 1024
MAX_MEMBERS = 10_000


class UploadRefused(ValueError):
    """The upload breaks a rule; `code` names it for the message."""

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(code)


def extension(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_upload(filename: str, stream: BinaryIO, accept: list[str], max_bytes: int) -> str:
    """The media type of an acceptable upload; raises UploadRefused otherwise."""
    ext = extension(filename)
    allowed = {a.lower().lstrip(".") for a in accept}
    if "jpg" in allowed or "jpeg" in allowed:
        allowed |= {"jpg", "jpeg"}
    if ext not in allowed or ext not in MEDIA_TYPES:
        raise UploadRefused("upload_type", types=", ".join(sorted(accept)))
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise UploadRefused("upload_empty")
    if size > max_bytes:
        raise UploadRefused("upload_size", size=max_bytes)
    head = stream.read(8192)
    stream.seek(0)
    if not _content_matches(ext, head, stream):
        raise UploadRefused("upload_content", type=ext.upper())
    stream.seek(0)
    return MEDIA_TYPES[ext]


def _content_matches(ext: str, head: bytes, stream: BinaryIO) -> bool:
    if ext == "pdf":
        return head.startswith(b"%PDF-")
    if ext == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext in ("csv", "txt"):
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # not just a character cut at the 8 kB edge
                try:
                    head.decode("cp1252")
                except UnicodeDecodeError:
                    return False
        return True
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED:
                raise UploadRefused("upload_unpacked")
            names = {m.filename for m in members}
            if ext in OFFICE_PARTS:
                return "[Content_Types].xml" in names and OFFICE_PARTS[ext] in names
            if "mimetype" not in names:
                return False
            return archive.read("mimetype").decode("ascii", "replace").strip() == \
                MEDIA_TYPES[ext]
    except zipfile.BadZipFile:
        return False


MESSAGES = {
    "upload_type": {"sv": "Filtypen är inte tillåten här. Tillåtna typer: {types}.",
                    "en": "That file type is not allowed here. Allowed types: {types}."},
    "upload_empty": {"sv": "Filen är tom.", "en": "The file is empty."},
    "upload_size": {"sv": "Filen är för stor. Största tillåtna storlek är {size}.",
                    "en": "The file is too large. The largest allowed size is {size}."},
    "upload_content": {"sv": "Filen ser inte ut att vara en {type}-fil.",
                       "en": "The file does not look like a {type} file."},
    "upload_unpacked": {"sv": "Filen packas upp till för mycket data.",
                        "en": "The file unpacks to too much data."},
}


def message(refused: UploadRefused, lang: str) -> str:
    template = MESSAGES[refused.code]
    params = dict(refused.params)
    if "size" in params:
        params["size"] = size_text(params["size"], lang)
    return template.get(lang, template["en"]).format(**params)
