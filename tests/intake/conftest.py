"""Fixtures of the intake tests: a private data folder, a local HTTP server (no external network), samples."""

from __future__ import annotations

import shutil
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import SAMPLES


@pytest.fixture
def var_dir(settings, tmp_path):
    path = tmp_path / "var"
    path.mkdir()
    settings.VAR_DIR = path
    return path


@pytest.fixture
def samples(tmp_path) -> Path:
    folder = tmp_path / "samples"
    shutil.copytree(SAMPLES, folder)
    return folder


class Routes(dict):
    """path -> (status, content type, body bytes)."""


@pytest.fixture
def http_server():
    routes = Routes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            status, ctype, body = routes.get(self.path, (404, "text/plain", b"not found"))
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.routes = routes
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent_port():
    """A port that accepts connections and never answers (a slow feed), without any sleeping."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture
def closed_port():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


@pytest.fixture(autouse=True)
def no_foreign_hooks(monkeypatch):
    """Hooks registered by other apps (suggestions) are tested there; these tests time and check the intake
    pipeline alone. Tests that need hooks set their own."""
    from amity.intake import pipeline

    monkeypatch.setattr(pipeline, "POST_EXTRACT_HOOKS", [])
