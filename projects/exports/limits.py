"""Bounds on the exports: how many are built at once, and finished files kept until a change.

Measured at 110 907 projects before these bounds: an XLSX of the whole registry took 26.6 s to
build before its first byte, six at once up to 121 s, and meanwhile an ordinary list page took
over 60 s; a full JSON export took 10–13 s. Three bounds, read from settings
(docs/operations.md, "Exports"):

- **XLSX rows**: `ESF_XLSX_MAX_ROWS` (default 20 000, `xlsx_max_rows`) for the web export,
  refused above it by `views.export_xlsx`; `XLSX_ROW_LIMIT` for `manage.py export_projects`.
- **Concurrency**: at most `ESF_EXPORT_CONCURRENCY` (default 2) exports are being built at
  once in one process (`EXPORT_SLOTS`, taken without waiting). Every export that is not served
  from the cache below takes a slot, whatever its size: the size is known only after a COUNT,
  which the streamed CSV never needs, and a small export gives its slot back within a second.
  Beyond the limit the answer is 503 with `Retry-After` and `Cache-Control: no-store`, on the
  site's 503 page. The slot is held until the response is closed, after its last byte or when
  the client goes away (the WSGI server calls `close()`; `ExportStream` releases it there),
  because CSV and JSON are built while they are sent; not when the view returns.
- **Cache**: a finished export (answered 200 and read to the end) is kept gzip-compressed in
  the `exports` cache under the registry version (`caching.registry_key`), format, language,
  day (statuses and the file name depend on it), host (the project-page column) and the query
  parameters, if it compresses to at most `ESF_EXPORT_CACHE_MAX_BYTES` (default 50 MB; the
  whole registry as CSV is 72 MB raw, 12 MB compressed). A repeated request is then
  decompressed from memory without a slot and without a query. Any registry change makes every
  kept file unreachable, so a file is never older than the data. The file is the one first
  built: its "exported at" time is then, which is still true of the data.
"""

from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from functools import wraps

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.base import InvalidCacheBackendError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template import loader
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import caching

logger = logging.getLogger(__name__)

# Exports being built in this process; sized once from settings (tests replace it).
EXPORT_SLOTS = threading.BoundedSemaphore(settings.ESF_EXPORT_CONCURRENCY)
RETRY_AFTER_SECONDS = 30  # a large export takes 3–30 s
PIECE = 256 * 1024  # bytes per piece of a file served from the cache
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "X-ESF-Ignored-Parameters")
# openpyxl writes about 5 000 rows/s here with lxml (3 900 without; docs/performance.md). The
# workbook is built before the first byte, so a limit bounds the wait; CSV streams any size.
# This one bounds `export_projects --format xlsx` (a scheduled job has time); the web export's
# far lower one is `ESF_XLSX_MAX_ROWS`.
XLSX_ROW_LIMIT = 200_000


def xlsx_max_rows() -> int:
    """Rows above which the web export refuses XLSX (`ESF_XLSX_MAX_ROWS`, default 20 000)."""
    return settings.ESF_XLSX_MAX_ROWS


def export_cache() -> BaseCache:
    """The `exports` cache; the default one where settings define no such alias."""
    try:
        return caches["exports"]
    except InvalidCacheBackendError:
        return caches["default"]


def cache_key(request: HttpRequest, fmt: str) -> str:
    """What makes two export requests give the same file, until the registry changes."""
    params = sorted(request.GET.lists())  # values keep their order (the file name follows it)
    identity = repr(
        (
            get_language(),
            timezone.localdate().isoformat(),
            request.build_absolute_uri("/"),
            request.path,
            params,
        )
    )
    return caching.registry_key("export", fmt, identity)


class ExportStream:
    """The body of one export: yields its pieces, keeps it compressed for the cache, and on
    `close()` (at the end, on an error, or when the response is closed unread) closes the
    source, runs `on_close` (temporary files) and gives the slot back, exactly once."""

    def __init__(self, release: Callable[[], object], *, key: str, max_bytes: int) -> None:
        self._exit = ExitStack()
        self._exit.callback(release)
        self._source: Iterator[bytes] | None = None
        self._key, self._max_bytes = key, max_bytes
        self._compressor = zlib.compressobj(1, wbits=31) if max_bytes else None
        self._kept: list[bytes] = []
        self._kept_size = self._size = 0
        self.headers: dict[str, str] | None = None  # set when the answer may be kept
        self.closed = False

    @property
    def attached(self) -> bool:
        return self._source is not None

    def wrap(
        self, chunks: Iterable[bytes], *, on_close: Iterable[Callable[[], object]] = ()
    ) -> ExportStream:
        """Take `chunks` as the body (once); returns self, for StreamingHttpResponse."""
        for callback in on_close:
            self._exit.callback(callback)
        self._source = iter(chunks)
        close = getattr(self._source, "close", None)
        if close is not None:
            self._exit.callback(close)  # runs first: the source ends before the slot is free
        return self

    def __iter__(self) -> ExportStream:
        return self

    def __next__(self) -> bytes:
        if self.closed or self._source is None:
            raise StopIteration
        try:
            chunk = next(self._source)
        except StopIteration:
            self._keep_finished()
            self.close()
            raise
        except BaseException:
            self.close()
            raise
        self._size += len(chunk)
        self._compress(chunk)
        return chunk

    def _compress(self, chunk: bytes) -> None:
        if self._compressor is None:
            return
        if data := self._compressor.compress(chunk):
            self._kept.append(data)
            self._kept_size += len(data)
        if self._kept_size > self._max_bytes:  # too large to keep: stop compressing
            self._compressor, self._kept = None, []

    def _keep_finished(self) -> None:
        if self._compressor is None or self.headers is None:
            return
        self._kept.append(self._compressor.flush())
        blob = b"".join(self._kept)
        self._compressor, self._kept = None, []
        if len(blob) <= self._max_bytes:
            headers = {**self.headers, "Content-Length": str(self._size)}
            export_cache().set(self._key, (headers, blob), timeout=caching.TIMEOUT)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._compressor, self._kept = None, []
            self._exit.close()

    def __del__(self) -> None:
        # A response dropped without close() (a test, a faulty server) still frees its slot
        if getattr(self, "closed", True) is False:
            self.close()


def decompressed(blob: bytes) -> Iterator[bytes]:
    """A kept file, in pieces of at most PIECE bytes, without inflating it all at once."""
    decompressor = zlib.decompressobj(wbits=31)
    data = blob
    while data:
        if piece := decompressor.decompress(data, PIECE):
            yield piece
        data = decompressor.unconsumed_tail
    if rest := decompressor.flush():
        yield rest


def cached_response(key: str) -> StreamingHttpResponse | None:
    kept = export_cache().get(key)
    if kept is None:
        return None
    headers, blob = kept
    response = StreamingHttpResponse(decompressed(blob))
    for name, value in headers.items():
        response[name] = value
    return response


def busy_response() -> HttpResponse:
    """503 on the site's 503 page: every export slot of this process is taken."""
    context = {
        "heading": _("Många exporter pågår just nu"),
        "message": _(
            "Servern skapar redan så många exportfiler som den kan samtidigt. Försök igen om "
            "%(seconds)s sekunder. Ett mindre urval (fler filter) går fortare."
        )
        % {"seconds": RETRY_AFTER_SECONDS},
    }
    response = HttpResponse(loader.render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response._has_been_logged = True  # a warning below, not django.request's error line
    return response


ExportView = Callable[[HttpRequest, ExportStream], HttpResponse]


def bounded(fmt: str) -> Callable[[ExportView], Callable[[HttpRequest], HttpResponse]]:
    """An export view served from the cache, or built in a slot with its body in an
    ExportStream: `view(request, stream)` returns a response over `stream.wrap(chunks)`, or
    one without a body (the XLSX refusal), which frees the slot at once."""

    def decorate(view: ExportView) -> Callable[[HttpRequest], HttpResponse]:
        @wraps(view)
        def bounded_view(request: HttpRequest) -> HttpResponse:
            key = cache_key(request, fmt)
            if (response := cached_response(key)) is not None:
                return response
            slots = EXPORT_SLOTS  # release into the semaphore this came from
            if not slots.acquire(blocking=False):
                logger.warning("export refused: all slots busy", extra={"path": request.path})
                return busy_response()
            max_bytes = settings.ESF_EXPORT_CACHE_MAX_BYTES
            stream = ExportStream(slots.release, key=key, max_bytes=max_bytes)
            try:
                response = view(request, stream)
            except BaseException:
                stream.close()
                raise
            if not stream.attached:
                stream.close()
            elif response.status_code == 200:
                stream.headers = {name: response[name] for name in KEPT_HEADERS if name in response}
            return response

        return bounded_view

    return decorate
