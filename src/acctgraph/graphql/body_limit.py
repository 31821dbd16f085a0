"""ASGI middleware refusing request bodies over a size limit with 413, before the app reads them.

A declared ``Content-Length`` over the limit is refused at once; a chunked body is read up to the limit
and refused as soon as it passes it, so no request makes the server hold more than the limit.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from acctgraph.graphql.error_responses import error_response
from acctgraph.graphql.errors import RequestTooLarge
from acctgraph.graphql.media_types import response_media_type


class BodyTooLarge(Exception):
    """The body passed the limit while being read."""


class LimitBodySize:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(request, scope, receive, send)
            return
        try:
            body = await self._read(receive)
        except BodyTooLarge:
            await self._refuse(request, scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _refuse(self, request: Request, scope: Scope, receive: Receive, send: Send) -> None:
        error = RequestTooLarge(f"the request body is over {self.max_bytes} bytes (ACCTGRAPH_MAX_BODY_BYTES)")
        response = error_response(error, 413, response_media_type(request.headers.get("accept")))
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
