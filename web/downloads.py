"""Files the pages hand over as downloads: the type by the file's extension, and its name."""

from flask import Response

TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "pdf": "application/pdf", "yaml": "application/yaml", "json": "application/json"}


def attachment(body: str | bytes, filename: str, **headers: str) -> Response:
    """`body` downloaded as `filename` (its extension one of TYPES), with any more headers."""
    return Response(body, mimetype=TYPES[filename.rsplit(".", 1)[-1]],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', **headers})
