"""Must not crash: bad input gets a clear error (UnreadableFile) or a release with diagnostics,
never a traceback."""

from __future__ import annotations

import io
import os

import pytest

from loaders import UnreadableFile, parse_document, read_bytes


def _pdf_without_text() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"   \n\n  ", "empty file"),
        ("garbage.bin", os.urandom(4096) + b"\x00" * 16, "binary content"),
        ("fake.pdf", b"This is not a PDF at all, just text about strikes", "not a PDF"),
        ("broken.pdf", b"%PDF-1.4\n%%garbage that is not a pdf body", "PDF"),
        ("scan.pdf", _pdf_without_text(), "without a text layer"),
        ("menu.html", b"<html><body><nav>Home</nav><p>Welcome to our site</p></body></html>", "no release text"),
        ("table.csv", b"name,value\nfoo,1\n", "CSV without the line-archive columns"),
        ("headers_only.csv", b"date,country,line\n", "no rows"),
    ],
)
def test_unreadable_files_give_a_reason(name, data, reason):
    with pytest.raises(UnreadableFile, match=reason):
        read_bytes(data, name)


def test_size_limit():
    with pytest.raises(UnreadableFile, match="over the 1 MB limit"):
        read_bytes(b"x" * (1024 * 1024 + 1), "big.txt", max_bytes=1024 * 1024)


def test_five_megabyte_text_parses_with_diagnostics():
    text = ("Lorem ipsum dolor sit amet, the weather was fine. " * 105_000).encode()
    assert len(text) > 5_000_000
    (parsed,) = parse_document(read_bytes(text, "big.txt", max_bytes=20 * 1024 * 1024))
    assert parsed.strikes == []
    assert "no_statements" in {d.kind for d in parsed.diagnostics}


def test_unknown_format_is_reported_not_half_parsed():
    text = b"Operation summary 12/01: 4 sorties; targets neutralised: 7 (see annex B)."
    (parsed,) = parse_document(read_bytes(text, "odd.txt"))
    assert parsed.strikes == []
    assert {"no_statements", "no_date"} <= {d.kind for d in parsed.diagnostics}


def test_windows_1252_text_is_decoded():
    text = "Near Mar\u2019a, one strike destroyed an ISIL vehicle.".encode("cp1252")
    (parsed,) = parse_document(read_bytes(text, "cp1252.txt"))
    assert parsed.strikes[0].strikes == 1


def test_utf16_text_is_decoded():
    text = "\ufeffNear Mosul, two strikes destroyed an ISIL vehicle.".encode("utf-16")
    (parsed,) = parse_document(read_bytes(text, "utf16.txt"))
    assert parsed.strikes[0].strikes == 2


def _pdf_with_text(lines: list[str]) -> bytes:
    """A minimal one-page PDF whose text layer holds the lines (Helvetica, standard encoding)."""
    content = "BT /F1 11 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF".encode()
    return out


def test_pdf_with_text_layer_is_read():
    data = _pdf_with_text(["Strikes in Iraq", "", "Near Mosul, three strikes destroyed an ISIL bunker."])
    (parsed,) = parse_document(read_bytes(data, "release.pdf"))
    assert parsed.format == "pdf"
    assert parsed.strikes[0].strikes == 3
    assert parsed.strikes[0].country == "Iraq"


def test_the_size_limit_is_stated_in_the_pages_megabytes():
    """The message said "over the 21 MB limit" where the Upload page says 20 MB (2**20 bytes each)."""
    limit = 20 * 1024 * 1024
    with pytest.raises(UnreadableFile, match=r"file is 20\.5 MB, over the 20 MB limit"):
        read_bytes(b"x" * (limit + 512 * 1024), "big.txt", max_bytes=limit)


def _pdf_of_streams(streams: list[bytes]) -> bytes:
    """A one-page PDF whose content is these streams, each compressed (FlateDecode)."""
    import zlib

    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ["
               + b" ".join(b"%d 0 R" % (5 + i) for i in range(len(streams)))
               + b"] /Resources << /Font << /F1 4 0 R >> >> >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for content in streams:
        packed = zlib.compress(content, 9)
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream")
    out = io.BytesIO(b"%PDF-1.4\n")
    out.seek(0, io.SEEK_END)
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


@pytest.mark.parametrize("streams", [[b" " * 40 * 2**20], [b"\0" * 8 * 2**20] * 5],
                         ids=["one stream of 40 MB", "five streams of 8 MB"])
def test_a_compression_bomb_is_refused_as_one(streams):
    """A 300 MB flate bomb was refused as "a PDF without a text layer": a stream expanding past
    what any release's page holds is refused as a bomb, before it takes the memory."""
    with pytest.raises(UnreadableFile, match="compression bomb"):
        read_bytes(_pdf_of_streams([b"BT /F1 12 Tf 72 712 Td (Near Mosul) Tj ET\n", *streams]), "bomb.pdf")


def test_a_page_of_text_in_streams_is_still_read():
    text = b"BT /F1 12 Tf 72 712 Td (Near Mosul, three strikes destroyed an ISIS bunker.) Tj ET\n"
    document = read_bytes(_pdf_of_streams([text, b" " * 2**20]), "release.pdf")
    assert "Near Mosul, three strikes" in document.text


@pytest.mark.parametrize(("words", "count"), [
    ("two thousand four hundred ninety-nine", 2_499),
    ("four hundred and twelve", 412),
    ("one hundred", 100),
    ("2 400", 2_400),
    ("2\u202f400", 2_400),
    ("ninety-nine", 99),
])
def test_a_number_is_read_whole_never_its_tail(words, count):
    """"two thousand four hundred ninety-nine strikes" read as 99, and "2 400" as 400."""
    from loaders import parse_release

    release = parse_release(f"SOUTHWEST ASIA, July 22, 2017 — In Iraq:\n\n-- Near Mosul, {words} strikes destroyed "
                            "an ISIS fighting position.\n", "numbers.txt")
    assert [(report.location_raw, report.strikes) for report in release.strikes] == [("Mosul", count)]
