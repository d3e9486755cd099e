"""Fixtures für die Prüfungen der gebauten Website (_build/html)."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest
from sitehelpers import SITE


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").exists():
        pytest.fail("Keine gebaute Website gefunden: zuerst `nox -s book` ausführen.")
    return SITE


@pytest.fixture(scope="session")
def server(site):
    """Liefert die Website über http://127.0.0.1:<port> aus (wie ein echter Webserver)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
