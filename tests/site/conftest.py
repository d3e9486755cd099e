"""Fixtures für die Prüfungen der gebauten Website (_build/html)."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

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


CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--allow-file-access-from-files",
]


def _chromium() -> str:
    path = os.environ.get("KIBUCH_CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail("Chromium fehlt: `apt-get install chromium` (nox -s tests erledigt das).")
    return path


@pytest.fixture(scope="module")
def browser():
    """Debians Chromium, headless, über Playwright."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright fehlt")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(browser, server, path, *, width=1280):
    """Öffnet eine Seite mit gesperrtem Netz; liefert (page, console_errors, foreign_requests).

    ``server`` ist die Adresse des lokalen Webservers (Fixture ``server``) oder
    ``"file://<pfad>"`` für die Website direkt von der Platte. Jede Anfrage an einen anderen
    Host wird blockiert und protokolliert.
    """
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors, foreign = [], []
    host = urlparse(server).netloc

    def route(r):
        url = r.request.url
        if url.startswith(("data:", "file:")) or urlparse(url).netloc == host:
            r.continue_()
        else:
            foreign.append(url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server}/{path}", wait_until="load")
    page.wait_for_timeout(400)
    return page, errors, foreign
