"""The GraphQL endpoint: strawberry's ASGI view with acctgraph's context, limits and HTTP conformance.

What it adds to strawberry's view:
- GraphQL-over-HTTP: ``application/graphql-response+json`` when accepted, with 400 and no ``data`` for
  request errors (parse, validation, variable coercion); ``application/json`` stays 200 as clients expect;
  a mutation over GET is 405;
- every refusal (bad JSON, a body that is not UTF-8 or not an object, a timeout) is a coded error in
  GraphQL's shape, never strawberry's text/plain;
- a time limit per request that also cancels its SQL (``graphql.deadline``);
- batching (each operation with its own session) and Apollo's automatic persisted queries;
- HTTP operations run on their own event loop thread (``graphql.execution_loop``), so that a heavy one
  does not hold the server's loop (``/healthz``, websockets);
- every operation needs a key (``Authorization: Bearer``, ``graphql.authentication``), only GraphiQL's
  page is served without; subscriptions over ``graphql-transport-ws`` send it in ``connection_init``;
- the GraphiQL page served from the package's own assets (``acctgraph.graphiql``).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.types import QueryParams
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from acctgraph.domain.api_keys import AuthenticationFailed
from acctgraph.graphiql import graphiql_page
from acctgraph.graphql.authentication import Authenticator, unauthorized, wants_ide
from acctgraph.graphql.context import Database, RequestContext
from acctgraph.graphql.deadline import RequestTimedOut, time_limit
from acctgraph.graphql.error_responses import error_response
from acctgraph.graphql.errors import (
    ApiError,
    BadRequestBody,
    MethodNotAllowed,
    NotFound,
    RequestTimeout,
)
from acctgraph.graphql.execution_loop import ExecutionLoop
from acctgraph.graphql.media_types import GRAPHQL_RESPONSE_JSON, response_media_type
from acctgraph.graphql.persisted_queries import PersistedQueries
from acctgraph.graphql.schema import build_schema
from acctgraph.settings import Settings


class RequestRefused(HTTPException):
    """A request answered with ``status_code`` and one coded error, before or instead of execution."""

    def __init__(self, status_code: int, error: ApiError, headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code, error.message)
        self.error = error
        self.headers = headers


@dataclass
class SocketContext(RequestContext):
    """A websocket's context: ``connection_init``'s payload is where its key comes from."""

    connection_params: dict[str, Any] | None = None


class AcctgraphGraphQL(GraphQL[RequestContext, None]):
    """Strawberry's ASGI app with acctgraph's request context (a fresh session per operation)."""

    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        socket_sessions: async_sessionmaker[AsyncSession],
        execution: ExecutionLoop,
        inline_reads: Engine | None = None,
    ) -> None:
        """``sessions`` serve HTTP operations, run on ``execution``'s loop; ``socket_sessions`` serve
        websockets, on the server's loop (an engine's pool belongs to one loop); ``inline_reads`` is
        SQLite's blocking engine for HTTP operations' single-statement reads."""
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.graphiql else None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
            allowed_origins=settings.allowed_origins,
        )
        self.settings = settings
        self.sessions = sessions
        self.socket_sessions = socket_sessions
        self.execution = execution
        self.inline_reads = inline_reads
        self.authenticator = Authenticator(sessions, settings)
        self.socket_authenticator = Authenticator(socket_sessions, settings)
        self.persisted_queries = PersistedQueries(settings.persisted_queries_cache_size)
        # Executing is CPU work: interleaving fifty requests makes every one of them wait for all the
        # others, so each finishes last; a few at a time finish in turn, at the same throughput.
        self.turns = asyncio.Semaphore(settings.max_concurrent_operations)
        self._closing: set[asyncio.Task[None]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            response = await self.execution.run(self.respond(Request(scope, receive)))
            await response(scope, receive, send)
            return
        contexts: list[RequestContext] = []
        scope.setdefault("state", {})["contexts"] = contexts
        try:
            await super().__call__(scope, receive, send)
        finally:
            await _close_all(contexts)

    async def respond(self, request: Request) -> Response:
        """The answer to one HTTP request (run on the execution loop): authenticated, within the time limit."""
        request.state.contexts = []
        accept = request.headers.get("accept")
        try:
            async with time_limit(self.settings.request_timeout_seconds), self.turns:
                if not wants_ide(request.method, request.query_params, request.headers):
                    authorization = request.headers.get("authorization", "")
                    request.state.actor = await self.authenticator.actor(authorization)
                return await self.run(request)
        except AuthenticationFailed as failure:
            return unauthorized(str(failure), accept)
        except RequestTimedOut as timeout:
            self._close_in_background(request.state.contexts)
            return self._refusal(request, RequestRefused(503, RequestTimeout(str(timeout))))
        except HTTPException as refusal:
            return self._refusal(request, refusal)
        except asyncio.CancelledError:  # the client went away
            self._close_in_background(request.state.contexts)
            raise

    def _close_in_background(self, contexts: list[RequestContext]) -> None:
        """Release a stopped request's sessions without making its answer wait (a SQLite connection may
        still be waiting for a lock, which only ends by itself)."""
        task = asyncio.create_task(_close_all(contexts))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    def _refusal(self, request: Request, refusal: HTTPException) -> Response:
        if isinstance(refusal, RequestRefused):
            error, headers = refusal.error, refusal.headers
        else:
            error, headers = _coded(refusal), None
        return error_response(error, refusal.status_code, response_media_type(request.headers.get("accept")), headers)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> RequestContext:  # type: ignore[override]
        if isinstance(request, WebSocket):
            socket_context = SocketContext(db=Database(self.socket_sessions()), settings=self.settings, request=None)
            request.state.contexts.append(socket_context)
            return socket_context
        context = RequestContext(
            db=Database(self.sessions(), self.inline_reads),
            settings=self.settings,
            request=request,
            response=response,  # type: ignore[arg-type]
            viewer=getattr(request.state, "actor", None),
        )
        request.state.contexts.append(context)
        return context

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = response_media_type(request.headers.get("accept"))
        return sub_response

    def should_render_graphql_ide(self, request: Any) -> bool:
        return wants_ide(request.method, request.query_params, request.headers)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(graphiql_page())

    def encode_json(self, data: object) -> bytes:
        """orjson: several times faster than ``json`` on a page of nodes (``json`` for what orjson refuses,
        such as an integer beyond 64 bits)."""
        try:
            return orjson.dumps(data)
        except TypeError:
            return json.dumps(data, separators=(",", ":")).encode()

    def parse_json(self, data: str | bytes) -> Any:
        """A request's JSON: UTF-8, well-formed, an object (or, for a batch, an array of objects)."""
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError:
            value = _parse_json_slowly(data)  # for the error's message, or JSON that only ``json`` reads
        if isinstance(value, dict) or (isinstance(value, list) and all(isinstance(item, dict) for item in value)):
            return value
        message = f"expected a JSON object (or, for a batch, an array of objects), got {type(value).__name__}"
        raise RequestRefused(400, BadRequestBody(message))

    def parse_query_params(self, params: QueryParams) -> dict[str, Any]:
        return super().parse_query_params({k: v for k, v in params.items() if v != ""})

    async def execute_operation(  # type: ignore[override]
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: RequestContext,
        root_value: None,
        sub_response: Response,
    ) -> Any:
        if not isinstance(request_data, list):
            return await super().execute_operation(
                request, request_adapter, request_data, context, root_value, sub_response
            )
        contexts = [context] + [await self.get_context(request, sub_response) for _ in request_data[1:]]
        return await asyncio.gather(
            *(
                self.execute_single(request, request_adapter, sub_response, own_context, root_value, data)
                for own_context, data in zip(contexts, request_data, strict=True)
            )
        )

    async def execute_single(  # type: ignore[override]
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: RequestContext,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            request_data = self.persisted_queries.resolve(request_data)
        except ApiError as error:
            return ExecutionResult(data=None, errors=[error])
        try:
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except HTTPException as refusal:
            if isinstance(refusal.__cause__, InvalidOperationTypeError) and request_adapter.method == "GET":
                refused = MethodNotAllowed(f"{refusal.reason}; send it as a POST")
                raise RequestRefused(405, refused, {"Allow": "POST"}) from None
            raise

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        graphql_response = sub_response.media_type == GRAPHQL_RESPONSE_JSON
        if graphql_response and not isinstance(response_data, list) and _is_request_error(response_data):
            response_data = {key: value for key, value in response_data.items() if key != "data"}  # type: ignore[assignment]
            sub_response.status_code = 400
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = f"{sub_response.media_type}; charset=utf-8"
        return response

    async def on_ws_connect(self, context: RequestContext) -> UnsetType | dict[str, object] | None:
        """Authenticate a websocket from ``connection_init``'s ``{"Authorization": "Bearer <key>"}``."""
        params = getattr(context, "connection_params", None) or {}
        header = params.get("Authorization") or params.get("authorization") or ""
        try:
            context.viewer = await self.socket_authenticator.actor(str(header))
        except AuthenticationFailed as failure:
            raise ConnectionRejectionError({"message": str(failure), "code": "UNAUTHENTICATED"}) from None
        return None


def _parse_json_slowly(data: str | bytes) -> Any:
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as error:
        raise RequestRefused(400, BadRequestBody(f"the request is not UTF-8 (byte {error.start})")) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        message = f"the request is not JSON: {error.msg} at line {error.lineno} column {error.colno}"
        raise RequestRefused(400, BadRequestBody(message)) from None


async def _close_all(contexts: list[RequestContext]) -> None:
    await asyncio.gather(*(context.db.close() for context in contexts))


def _is_request_error(response: GraphQLHTTPResponse) -> bool:
    """No data and only errors without a path: the document or variables were refused, nothing ran."""
    errors = response.get("errors") or []
    return response.get("data") is None and bool(errors) and all("path" not in error for error in errors)  # type: ignore[operator]


def _coded(refusal: HTTPException) -> ApiError:
    if refusal.status_code == 405:
        return MethodNotAllowed(refusal.reason)
    if refusal.status_code == 404:
        return NotFound(refusal.reason)
    return ApiError(refusal.reason)
