"""`build.py serve`: the preview server under the published path, rebuilding and reloading on changes."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from conftest import ROOT


@pytest.fixture
def preview(fixture_site):
    """A running `serve` of a copy of the fixture site: yields (site folder, root URL)."""
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--site", str(fixture_site),
                                "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(50):
            line = process.stdout.readline()
            if line.startswith("Serving "):
                break
        else:
            pytest.fail("serve did not start")
        url = line.split()[1]
        time.sleep(0.5)  # the watcher is ready a moment after the server
        yield fixture_site, url
    finally:
        process.terminate()
        process.wait(timeout=10)


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_for(condition, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail("timed out")


def test_serves_the_site_under_its_project_path(preview):
    _, url = preview
    assert urlsplit(url).hostname == "127.0.0.1" and urlsplit(url).path == "/repo/"
    status, html = fetch(url)
    assert status == 200 and "Lead story" in html and "/__newsdigest/reload.js" in html
    assert fetch(url + "articles/second.html")[0] == 200
    assert fetch(url + "static/style.css")[0] == 200
    status, html = fetch(url + "no/such/page.html")
    assert status == 404 and "Page not found" in html
    root = url[: url.index("/repo/")] + "/"
    with urllib.request.urlopen(root, timeout=10) as response:
        assert response.url == url


def test_a_change_rebuilds_and_reloads_the_open_page(preview, browser):
    site, url = preview
    page = browser.new_page()
    page.goto(url + "articles/third.html")
    assert page.locator("h1").inner_text() == "Third, a naive time in the site's zone"
    article = site / "content" / "third.md"
    with page.expect_event("load", timeout=15000):
        article.write_text(article.read_text().replace("Third, a naive", "Third, edited"))
    assert page.locator("h1").inner_text() == "Third, edited time in the site's zone"
    page.close()


def test_a_build_error_shows_in_the_page_and_the_server_keeps_going(preview, browser):
    site, url = preview
    page = browser.new_page()
    page.goto(url + "index.html")
    toml = site / "site.toml"
    good = toml.read_text()
    toml.write_text("colour = 'red'\n" + good)
    overlay = page.locator("#newsdigest-build-error")
    overlay.wait_for(timeout=15000)
    assert "site.toml:1: unknown setting 'colour'" in overlay.inner_text()
    assert fetch(url + "articles/second.html")[0] == 200, "the last good build is still served"
    with page.expect_event("load", timeout=15000):
        toml.write_text(good.replace("Fixture Digest", "Renamed Digest"))
    wait_for(lambda: "Renamed Digest" in fetch(url)[1])
    assert page.locator("#newsdigest-build-error").count() == 0
    bad = site / "content" / "bad.md"
    with page.expect_event("load", timeout=15000):
        bad.write_text("---\ntitle: Bad\ndate: someday\n---\nx\n")
    page.locator("#newsdigest-build-error").wait_for(timeout=15000)
    assert "bad.md:3: date 'someday' is not a date" in page.locator("#newsdigest-build-error").inner_text()
    page.close()


def test_hostile_content_never_stops_the_server(preview):
    site, url = preview
    hostile = {"controls.md": "---\ntitle: \"Bell\\a and \\x1b\"\ndate: 2025-01-02\n---\nText \f\x1b\x00.\n",
               "deep.md": "---\ntitle: Deep\ndate: 2025-01-02\n---\n" + "- " * 10_000 + "x\n"}
    for name, text in hostile.items():
        (site / "content" / name).write_text(text)
    (site / "content" / "gone.md").symlink_to("nowhere.md")
    wait_for(lambda: fetch(url + "articles/controls.html")[0] == 200, 30)
    assert fetch(url + "articles/second.html")[0] == 200
    assert fetch(url + "articles/deep.html")[0] == 404


def test_a_file_whose_name_is_not_text_never_stops_the_rebuilds(preview):
    site, url = preview
    body = b"---\ntitle: Named badly\ndate: 2025-01-02\n---\nx\n"
    for name in (b"caf\xe9.md", b"line\nbreak.md"):
        with open(os.path.join(os.fsencode(site / "content"), name), "wb") as handle:
            handle.write(body)
    time.sleep(1)
    (site / "content" / "later.md").write_text("---\ntitle: Later\ndate: 2025-01-03\n---\nLater.\n")
    wait_for(lambda: fetch(url + "articles/later.html")[0] == 200, 30)
    assert "Named badly" not in fetch(url)[1]


def test_a_first_build_that_fails_says_nothing_is_served_yet(fixture_site):
    (fixture_site / "templates").mkdir()
    (fixture_site / "templates" / "article.html").write_text(
        "{% extends 'base.html' %}{% block main %}{{ nope.x }}{% endblock %}"
    )
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--site", str(fixture_site),
                                "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(50):
            if process.stdout.readline().startswith("Serving "):
                break
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    assert "template error while rendering articles/" in err
    assert "nothing has been built yet" in err and "last good build" not in err


def raw_request(url: str, method: str, target: str, host: str | None) -> tuple[int, dict[str, str], bytes]:
    """One request as written, with the Host header given (or none), and the response."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
    if host is not None:
        connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def test_head_answers_as_get_does_without_the_body(preview, tmp_path):
    site, url = preview
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (site / "output" / "secret.txt").symlink_to(secret)
    port = urlsplit(url).port
    for target in ("/repo/", "/repo/index.html", "/repo/articles/second.html", "/repo/static/style.css",
                   "/repo/secret.txt", "/repo/no/such/page.html", "/elsewhere", "/__newsdigest/reload.js"):
        get_status, get_headers, get_body = raw_request(url, "GET", target, f"127.0.0.1:{port}")
        head_status, head_headers, head_body = raw_request(url, "HEAD", target, f"127.0.0.1:{port}")
        assert (head_status, head_body) == (get_status, b""), target
        assert head_headers.get("content-length") == get_headers.get("content-length"), target
    assert raw_request(url, "GET", "/repo/secret.txt", f"127.0.0.1:{port}")[0] == 404


@pytest.mark.parametrize(
    "host, answered",
    [
        ("127.0.0.1:{port}", True),
        ("localhost:{port}", True),
        ("[::1]:{port}", True),
        ("LOCALHOST:{port}", True),
        (None, True),
        ("evil.example:{port}", False),
        ("evil.example", False),
        ("127.0.0.1.evil.example:{port}", False),
        ("localhost:1", False),
        ("", False),
    ],
)
def test_only_requests_for_this_machine_are_answered(preview, host, answered):
    """A page of another site that points its own name at 127.0.0.1 (DNS rebinding) is refused."""
    _, url = preview
    port = urlsplit(url).port
    for target in ("/repo/", "/repo/articles/second.html", "/__newsdigest/reload.js"):
        status, _, body = raw_request(url, "GET", target, None if host is None else host.format(port=port))
        assert (status == 200) == answered, (host, target, status)
        if not answered:
            assert status == 400 and b"Fixture" not in body


@pytest.mark.parametrize("target", ["/repo/%00", "/repo/index.html%00.txt", "/repo/a\x00b"])
def test_a_nul_in_the_address_is_a_bad_request(preview, target):
    _, url = preview
    port = urlsplit(url).port
    # Written on a socket: http.client refuses to send a NUL itself.
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        status_line = connection.makefile("rb").readline()
    assert status_line.split()[1] == b"400", status_line
    assert fetch(url)[0] == 200, "the server goes on"
