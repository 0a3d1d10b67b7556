"""JSON, streamed: the count, time, filters and warnings first, then the projects."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from django.core.serializers.json import DjangoJSONEncoder

from .export import CHUNK_SIZE, Export


def json_chunks(export: Export) -> Iterator[bytes]:
    """The JSON document in pieces: the count and filters first, then the projects."""
    encode = DjangoJSONEncoder(ensure_ascii=False).encode  # dates and decimals are strings already
    head = encode(
        {
            "count": export.count(),
            "exported_at": export.exported_at.isoformat(timespec="seconds"),
            "filters": export.applied_filters(),
            "warnings": export.problems(),
        }
    )
    yield (head[:-1] + ', "projects": [\n').encode()
    records = export.rows("json")
    separator = ""
    while batch := list(islice(records, CHUNK_SIZE)):
        yield (separator + ",\n".join(map(encode, batch))).encode()
        separator = ",\n"
    yield b"\n]}\n"
