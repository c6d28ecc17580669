import io
import os

import pytest
from conftest import FIXTURES

from newsdigest.errors import SiteError
from newsdigest.ingest.rawinput import read_path, read_stream

INGEST = FIXTURES / "ingest"


@pytest.mark.parametrize(
    "name, encoding, title",
    [
        (
            "cp1252.txt",
            "Windows-1252 (cp1252), detected: not valid UTF-8",
            "Café owners protest “unfair” rent rises",
        ),
        ("latin1.txt", "Latin-1 (ISO-8859-1), detected: not valid UTF-8", "Café owners protest rent rises"),
        ("bom.txt", "UTF-8 with a byte-order mark", "Café owners protest rent rises"),
        ("markers.txt", "UTF-8", "Miners cheer"),
    ],
)
def test_encodings_are_detected_and_said(name, encoding, title):
    raw = read_path(INGEST / name)
    assert raw.encoding == encoding
    assert raw.text.startswith(title)
    assert not raw.is_html


def test_html_is_recognised_by_suffix_or_content(tmp_path):
    assert read_path(INGEST / "dirty.html").is_html
    saved = tmp_path / "page"
    saved.write_bytes((INGEST / "dirty.html").read_bytes())
    assert read_path(saved).is_html
    assert read_path(saved).encoding == "utf-8 (declared by the page)"


def test_empty_binary_and_huge_files_are_refused(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    huge = tmp_path / "huge.html"
    with huge.open("wb") as handle:
        handle.truncate(300 * 1024 * 1024)
    for path, problem in ((empty, "the file is empty"), (binary, "binary file"), (huge, "300 MB, too large")):
        with pytest.raises(SiteError) as caught:
            read_path(path)
        assert problem in caught.value.problem
    assert os.path.getsize(huge) == 300 * 1024 * 1024


def test_standard_input():
    raw = read_stream(io.BytesIO(b"Headline here\nBody.\n"))
    assert raw.name == "<stdin>" and raw.modified is None and raw.text.startswith("Headline")


def test_a_servers_charset_is_tried_first_and_a_wrong_one_is_caught():
    from newsdigest.ingest.rawinput import decode

    text = "<html><body><p>Crédit Agricole’s “rare earth” deal</p></body></html>"
    assert decode("u", text.encode("cp1252"), ".html", None, "windows-1252").text == text
    utf8 = decode("u", text.encode("utf-8"), ".html", None, "iso-8859-1")
    assert utf8.text == text and "the server declared iso-8859-1, but the bytes are UTF-8" in utf8.encoding
    # Declared UTF-8, sent in Windows-1252: not UTF-8, so detected as the bytes say.
    wrong = decode("u", text.encode("cp1252"), ".html", None, "utf-8")
    assert wrong.text == text and "cp1252" in wrong.encoding.lower().replace("-", "")
    assert decode("u", text.encode("utf-8"), ".html", None, "no-such-charset").text == text
