"""The small HTTP framework every fake channel API in ``sandbox/`` is built on.

A ``FakeAPI`` is a standard-library ``ThreadingHTTPServer`` on loopback holding its state
in memory. Subclasses register routes with ``@route(METHOD, regex, name)``; a handler gets
a ``Request`` and returns ``Response`` (or a dict, sent as JSON 200).

Every fake also answers a tiny admin API under ``/_admin`` (tests and the demo use it):

    GET  /_admin/state          the fake's state (``state()``), incl. recorded actions
    POST /_admin/faults         {"endpoint": NAME|"*", "mode": MODE, "count": N, "rate": P,
                                 "seconds": S} switch a fault on (count or rate)
    DELETE /_admin/faults       switch all faults off
    POST /_admin/reset          forget everything

Fault modes: ``429`` (with the API's rate-limit headers), ``500``, ``timeout`` (sleeps
``seconds`` before doing the work and answering), ``malformed`` (does the work, then
answers with a truncated JSON body) and
``expired_token`` (the API's own expired-token error). Each fake shapes the error bodies
in ``error_response`` the way its real API does.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

FAULT_MODES = ("429", "500", "timeout", "malformed", "expired_token")


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()}

    def arg(self, name: str, default: str | None = None) -> str | None:
        """A parameter from the query string, else from a form or JSON body."""
        if name in self.query:
            return self.query[name]
        ctype = self.headers.get("content-type", "")
        if "json" in ctype and self.body:
            data = self.json()
            if isinstance(data, dict) and name in data:
                return data[name]
        if "form" in ctype:
            return self.form().get(name, default)
        return default


@dataclass
class Response:
    status: int = 200
    body: Any = None  # dict/list -> JSON; bytes -> as is
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Fault:
    mode: str
    count: int | None = None  # fail the next N calls
    rate: float | None = None  # or fail each call with this probability
    seconds: float = 5.0  # for "timeout"


Handler = Callable[["FakeAPI", Request], "Response | dict | list"]


def route(method: str, pattern: str, name: str) -> Callable[[Handler], Handler]:
    """Register a handler; ``pattern`` is a regex on the path (named groups -> params)."""

    def mark(fn: Handler) -> Handler:
        fn._route = (method, re.compile(f"^{pattern}$"), name)  # type: ignore[attr-defined]
        return fn

    return mark


class FakeAPI:
    """Base class of the fakes; see the module docstring."""

    name: ClassVar[str] = "fake"

    def __init__(self, host: str = "127.0.0.1", port: int = 0, seed: int = 0) -> None:
        self._routes = [
            (*fn._route, fn)
            for klass in reversed(type(self).__mro__)
            for fn in vars(klass).values()
            if hasattr(fn, "_route")
        ]
        self.lock = threading.RLock()
        self.faults: dict[str, Fault] = {}
        self.calls: list[tuple[str, str]] = []  # (endpoint name, path) of every API call
        self._random = random.Random(seed)
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None
        self.reset()

    # -- lifecycle -------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeAPI:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"sandbox-{self.name}", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- to override -----------------------------------------------------------
    def reset(self) -> None:
        """Forget all state (subclasses extend this)."""
        with self.lock:
            self.faults.clear()
            self.calls.clear()

    def state(self) -> dict[str, Any]:
        """What ``GET /_admin/state`` returns (subclasses extend this)."""
        return {"calls": len(self.calls)}

    def admin(self, request: Request) -> Response | dict | list | None:
        """Extra admin routes under /_admin/ (e.g. adding posts); None = not found."""
        return None

    def error_response(self, mode: str, request: Request) -> Response:
        """The API's own shape of an injected fault (subclasses override)."""
        if mode == "429":
            return Response(429, {"error": "rate limited"})
        if mode == "expired_token":
            return Response(401, {"error": "token expired"})
        return Response(500, {"error": "internal error"})

    # -- faults ----------------------------------------------------------------
    def set_fault(self, endpoint: str, fault: Fault) -> None:
        if fault.mode not in FAULT_MODES:
            raise ValueError(f"unknown fault mode {fault.mode!r}; one of {FAULT_MODES}")
        with self.lock:
            self.faults[endpoint] = fault

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def _due_fault(self, endpoint: str) -> Fault | None:
        with self.lock:
            for key in (endpoint, "*"):
                fault = self.faults.get(key)
                if fault is None:
                    continue
                if fault.count is not None:
                    if fault.count <= 0:
                        continue
                    fault.count -= 1
                    return fault
                if fault.rate is not None and self._random.random() < fault.rate:
                    return fault
        return None

    # -- dispatch --------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        if request.path.startswith("/_admin/"):
            return self._admin(request)
        for method, pattern, endpoint, fn in self._routes:
            match = pattern.match(request.path)
            if method != request.method or not match:
                continue
            request.params = match.groupdict()
            with self.lock:
                self.calls.append((endpoint, request.path))
            fault = self._due_fault(endpoint)
            if fault is not None:
                if fault.mode == "timeout":  # the work is done, the answer comes too late
                    time.sleep(fault.seconds)
                elif fault.mode != "malformed":
                    return self.error_response(fault.mode, request)
            result = fn(self, request)
            response = result if isinstance(result, Response) else Response(200, result)
            if fault is not None and fault.mode == "malformed" and response.status < 400:
                # a 2xx answer means the API did the work; only the body got mangled
                return Response(response.status, b'{"data": [{"id": "1", "mess',
                                response.headers)
            return response
        return Response(404, {"error": f"no route for {request.method} {request.path}"})

    def _admin(self, request: Request) -> Response:
        path = request.path
        if path == "/_admin/state" and request.method == "GET":
            with self.lock:
                return Response(200, self.state())
        if path == "/_admin/faults" and request.method == "POST":
            spec = request.json() or {}
            try:
                self.set_fault(
                    spec.get("endpoint", "*"),
                    Fault(spec["mode"], spec.get("count"), spec.get("rate"),
                          float(spec.get("seconds", 5.0))),
                )
            except (KeyError, ValueError) as exc:
                return Response(400, {"error": str(exc)})
            return Response(200, {"ok": True})
        if path == "/_admin/faults" and request.method == "DELETE":
            self.clear_faults()
            return Response(200, {"ok": True})
        if path == "/_admin/reset" and request.method == "POST":
            self.reset()
            return Response(200, {"ok": True})
        result = self.admin(request)
        if result is None:
            return Response(404, {"error": f"no admin route {request.method} {path}"})
        return result if isinstance(result, Response) else Response(200, result)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # keep-alive responses otherwise wait ~40 ms for Nagle's algorithm
            disable_nagle_algorithm = True

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query={k: v[-1] for k, v in parse_qs(parts.query).items()},
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                try:
                    response = api.handle(request)
                except Exception as exc:  # a bug in a fake must show, not hang the client
                    response = Response(500, {"error": f"sandbox bug: {exc!r}"})
                body = response.body
                if not isinstance(body, bytes):
                    body = json.dumps(body).encode()
                self.send_response(response.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for key, value in response.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout fault): nothing to do

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: tests and the demo read state through /_admin/state

        return _Handler
