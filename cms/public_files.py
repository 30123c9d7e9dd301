"""Large public answers kept as files between publishes (open data of a large directory).

`cms.public_cache` keeps answers in the cache, which suits a feed of a few kilobytes, not a file
of tens of megabytes streamed as it is written (`cached_view` passes streaming answers through).
Such an answer is written, while it streams to its first client, to a file in
`PUBLIC_FILES_DIR` named by the cache's current generation; later requests of the same
generation are served from that file (no SQL, an ETag, 304). A publish starts a new generation,
so the next request writes a new file, and the files of past generations are deleted then.

The file is written under a temporary name and renamed only when complete and when its
generation is still the current one (a publish while it was written may be half in it), so a
reader never sees a partial file. Each instance keeps its own files; every instance writes the
same bytes for a generation, so the ETag, made of the generation and the name, agrees.
"""

import hashlib
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpResponseNotModified, StreamingHttpResponse

from cms import public_cache

# What this module names its files: a generation token, then the name.
STORED_NAME = re.compile(r"^[0-9a-f]{16}-")


class StoredFile:
    """The file of `name` (a file name, with its parameters) in the current generation."""

    def __init__(self, name):
        self.generation = public_cache.current_generation()
        self.directory = Path(settings.PUBLIC_FILES_DIR)
        self.path = self.directory / f"{self.generation}-{name}"
        self.etag = '"' + hashlib.sha256(self.path.name.encode()).hexdigest()[:32] + '"'

    @classmethod
    def for_request(cls, request, name):
        """The stored file for a shareable request, or None when answers are not stored."""
        if not public_cache.enabled() or not public_cache.shareable(request):
            return None
        return cls(name)

    def exists(self):
        return self.path.is_file()

    def response(self, request, content_type):
        """The stored file, or 304 when the client holds it."""
        if public_cache.etag_matches(request.headers.get("If-None-Match"), self.etag):
            response = HttpResponseNotModified()
        else:
            response = FileResponse(self.path.open("rb"), content_type=content_type)
        response["ETag"] = self.etag
        response["X-Cache"] = "hit"
        return response

    def streaming_response(self, chunks, content_type):
        """Stream `chunks` (text) to the client and into the file."""
        response = StreamingHttpResponse(self._tee(chunks), content_type=content_type)
        response["X-Cache"] = "miss"
        return response

    def _tee(self, chunks):
        self.directory.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}.part")
        complete = False
        try:
            with partial.open("wb") as handle:
                for chunk in chunks:
                    data = chunk.encode()
                    handle.write(data)
                    yield data
            complete = True
        finally:
            if complete and public_cache.current_generation() == self.generation:
                partial.replace(self.path)
                self._delete_past_generations()
            else:
                partial.unlink(missing_ok=True)

    def _delete_past_generations(self):
        for path in self.directory.iterdir():
            name = path.name
            if STORED_NAME.match(name) and not name.startswith(self.generation):
                path.unlink(missing_ok=True)
