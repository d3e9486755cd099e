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


def open_widget(browser, base, doc, name, *, width=1280, timeout=30_000):
    """Öffnet ``doc`` und wartet, bis das Widget ``name`` bereit ist.

    Liefert ``(page, root, errors, foreign)``: ``root`` ist der Locator des ersten Widgets
    ``[data-kibuch-widget="<name>"][data-ready="1"]`` (in den sichtbaren Bereich gerollt),
    ``errors`` und ``foreign`` wie bei :func:`open_page`. Fehlt das Widget auf der Seite,
    schlägt der Test mit einer klaren Meldung fehl.
    """
    page, errors, foreign = open_page(browser, base, doc, width=width)
    selector = widget_selector(name)
    if not page.locator(selector).count():
        page.close()
        pytest.fail(f"{doc} enthält kein Widget {name} (Direktive kibuch-widget {name} fehlt).")
    ready = f'{selector}[data-ready="1"]'
    page.wait_for_selector(ready, timeout=timeout)
    root = page.locator(ready).first
    root.scroll_into_view_if_needed()
    return page, root, errors, foreign


def widget_selector(name):
    """CSS-Selektor des Widgets ``name`` (Attribut ``data-kibuch-widget``)."""
    return f'[data-kibuch-widget="{name}"]'


def unlabelled_controls(page, selector):
    """HTML der Eingabefelder, Auswahllisten und Knöpfe in ``selector`` ohne Beschriftung.

    Beschriftet ist ein Element mit ``<label>``, ``aria-label`` oder (bei Knöpfen) Text.
    """
    return page.evaluate(
        f"[...document.querySelectorAll('{selector} input, {selector} select, "
        f"{selector} button')]"
        ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')"
        " && !(e.tagName === 'BUTTON' && e.textContent.trim()))"
        ".map(e => e.outerHTML)")


def horizontal_overflow(root):
    """Wie viele Pixel das Widget ``root`` breiter ist als sein sichtbarer Bereich."""
    return root.evaluate("r => r.scrollWidth - r.clientWidth")


def assert_clean(errors, foreign=()):
    """Keine Konsolenfehler und keine Anfragen an fremde Hosts (Listen aus :func:`open_page`)."""
    assert not errors, f"Konsolenfehler: {errors}"
    assert not foreign, f"Anfragen an fremde Hosts: {foreign}"
