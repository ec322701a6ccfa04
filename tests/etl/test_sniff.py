"""What recognising reads from a file's bytes, whatever the size of the pieces it reads them in: line
ends (a CRLF can be split between two pieces), line count, encoding (a UTF-8 character can be split
too) and the checksum. The expected values are counted by hand from the bytes written."""

from __future__ import annotations

import hashlib

import pytest

from etl import rawfiles

CHUNKS = [3, 4, 5, 64]  # 4 splits the first CRLF below between two pieces; 64 reads each file at once


@pytest.fixture(params=CHUNKS)
def chunk(request, monkeypatch):
    monkeypatch.setattr(rawfiles, "CHUNK", request.param)
    return request.param


@pytest.mark.parametrize("content, line_ending, lines, ends_with_newline", [
    (b"a,b\r\n1,2\r\n3,4\r\n", "CRLF", 3, True),
    (b"a,b\r\n1,2\r\n3,4", "CRLF", 3, False),  # no line end after the last line: it still counts
    (b"a,b\n1,2\n3,4\n", "LF", 3, True),
    (b"a,b\r\n1,2\n3,4\r\n", "mixed", 3, True),  # one line edited on another system
    (b"a,b\r1,2\r\n", "CRLF", 1, True),  # a lone CR is not a line end
])
def test_line_ends_and_count(tmp_path, chunk, content, line_ending, lines, ends_with_newline):
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    raw = rawfiles.sniff(path, tmp_path)
    assert (raw.line_ending, raw.lines, raw.ends_with_newline) == (line_ending, lines, ends_with_newline)
    assert raw.size == len(content)
    assert raw.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize("content, encoding", [
    ("name\r\nCaf\u00e9 Surgery\r\n".encode(), "utf-8"),  # é is two bytes, which small pieces split
    ("\ufeffname\r\nCaf\u00e9\r\n".encode(), "utf-8-sig"),
    ("name\r\nCaf\u00e9 Surgery\r\n".encode("cp1252"), "cp1252"),  # é alone as byte E9 is not UTF-8
    (b"name\r\nplain\r\n", "utf-8"),
])
def test_encoding(tmp_path, chunk, content, encoding):
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    assert rawfiles.sniff(path, tmp_path).encoding == encoding
