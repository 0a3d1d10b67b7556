"""Decoding and HTML to text (`importers/text.py`), through the page parser and directly."""

import io
import re

import pytest

from projects.importers import text
from projects.importers.projectbank import (
    SKIP_NO_TEXT,
    parse_bytes,
)
from projects.importers.text import SKIP_BINARY, SKIP_EMPTY, WARN_CP1252
from tests.projectbank_pages import (
    DATA,
    FIELDS_2014,
    page_of,
    page_text,
    parse_file,
)

# --- HTML -------------------------------------------------------------------------------------


def test_html_without_text_is_skipped():
    result = parse_bytes(b"<html><head><title>x</title></head><body></body></html>", source="a")

    assert result.skipped == SKIP_NO_TEXT


def test_html_br_pairs_and_entities_are_rendered_like_text():
    html = (
        "<!doctype html><body><h1>2020/00152 - Fortsatt SLA</h1><dl>"
        "<dt>Diarienummer</dt><dd>2020/00152</dd>"
        "<dt>Total projektbudget</dt><dd>1&#8239;000 kr</dd></dl>"
        "<p>Rad ett<br>rad två<br><br>Nytt stycke &amp; mer</p>"
        "<!-- kommentar --></body>"
    ).encode()

    page = parse_bytes(html, source="a.html").page

    assert page is not None
    assert page.total_budget == 1000
    assert page.description == "Rad ett\nrad två\n\nNytt stycke & mer"


def test_html_paragraphs_inside_value_cells_stay_in_the_field_block():
    html = (
        b"<html><body><dl><dt>Diarienummer</dt><dd><p>2020/00152</p></dd>"
        b"<dt><p>Namn</p></dt><dd><p>Fortsatt SLA</p></dd></dl>"
        b"<p>Beskrivning.</p></body></html>"
    )

    page = parse_bytes(html, source="a.html").page

    assert page is not None
    assert (page.diary_number, page.name) == ("2020/00152", "Fortsatt SLA")
    assert page.description == "Beskrivning."


def test_html_label_cells_without_colon_are_labels():
    html = (
        b"<html><body><h1>2020/00152 - Fortsatt SLA</h1>"
        b"<table><tr><td>Diarienummer</td><td>2020/00152</td></tr>"
        b"<tr><th>Total projektbudget</th><td>100</td></tr></table>"
        b'<div class="field"><div class="field__label">Region</div><div>Sydsverige</div></div>'
        b'<div class="label-group"><span class="field-label">Kommun</span> <span>Lund</span></div>'
        b"<p>Beskrivning.</p></body></html>"
    )

    page = parse_bytes(html, source="a.html").page

    assert page is not None
    assert page.diary_number == "2020/00152"
    assert page.total_budget == 100
    assert page.region_name == "Sydsverige"
    assert page.unknown_labels == {"Kommun": "Lund"}
    assert page.description == "Beskrivning."


# --- Decoding and non-pages -------------------------------------------------------------------


def test_windows_1252_file_is_decoded_with_a_warning():
    page = page_of(DATA / "cp1252_fortsatt_sla.txt")

    assert page.region_name == "Småland & Öarna"
    assert page.owner_name == "Kommunförbundet Kalmar län"
    assert page.warnings == [WARN_CP1252]


def test_utf8_with_bom_is_decoded_without_warning():
    data = b"\xef\xbb\xbf" + page_text(FIELDS_2014).encode("utf-8")

    page = parse_bytes(data, source="bom.txt").page

    assert page is not None
    assert page.diary_number == "2020/00152"
    assert page.warnings == []


def test_empty_file_is_skipped():
    assert parse_file(DATA / "empty.txt").skipped == SKIP_EMPTY


def test_whitespace_only_file_is_skipped():
    assert parse_bytes(b" \r\n\t\n", source="blank.txt").skipped == SKIP_EMPTY


def test_binary_file_with_nul_bytes_is_skipped():
    result = parse_file(DATA / "binary_image.txt")

    assert result.skipped == SKIP_BINARY
    assert result.page is None
    assert result.rejections == []


def test_control_character_noise_without_nul_is_skipped_as_binary():
    assert parse_bytes(bytes(range(1, 32)) * 20, source="noise.txt").skipped == SKIP_BINARY


# --- Decoding and HTML directly -----------------------------------------------------------------

PAGE = "Diarienummer:\n2020/00152\nRegion:\nSmåland & Öarna\n"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_decode_reads_utf16_and_utf32_by_their_byte_order_mark(codec):
    data = "\ufeff".encode(codec) + PAGE.encode(codec)

    assert text.decode(data) == (PAGE, [])


def test_decode_reads_utf8_with_or_without_bom_and_falls_back_to_windows_1252():
    assert text.decode(PAGE.encode("utf-8")) == (PAGE, [])
    assert text.decode(b"\xef\xbb\xbf" + PAGE.encode("utf-8")) == (PAGE, [])
    assert text.decode(PAGE.encode("cp1252")) == (PAGE, [WARN_CP1252])


def test_decode_refuses_bytes_its_byte_order_mark_misnames():
    with pytest.raises(text.Unreadable, match="Filen börjar som UTF-16 men är inte giltig UTF-16"):
        text.decode(b"\xff\xfe" + "x".encode("utf-16-le") + b"\x00\xdc")


@pytest.mark.parametrize(
    "data",
    [
        PAGE.encode("utf-8"),
        b"\xef\xbb\xbf" + PAGE.encode("utf-8"),
        PAGE.encode("cp1252"),
        "\ufeff".encode("utf-16-le") + PAGE.encode("utf-16-le"),
        b"",
        b"\x00\x01binary",
    ],
)
def test_a_stream_is_read_as_the_same_bytes_in_memory_are(data):
    try:
        decoded = text.decode(data)
    except text.Unreadable as exc:
        with pytest.raises(text.Unreadable, match=re.escape(str(exc))):
            text.stream_encoding(io.BytesIO(data))
        return
    codec, start, warnings = text.stream_encoding(io.BytesIO(data))
    assert (data[start:].decode(codec), warnings) == decoded


def test_html_to_text_puts_labels_and_values_on_lines_of_their_own():
    markup = "<dl><dt>Diarienummer</dt><dd>2020/00152</dd></dl><p>Ett stycke.</p>"

    assert text.html_to_text(markup) == "Diarienummer:\n2020/00152\n\nEtt stycke."


def test_html_nested_too_deep_is_refused_before_it_is_parsed():
    markup = "<div>" * (text.MAX_HTML_DEPTH + 1)

    assert text.html_problem(markup) == text.SKIP_TOO_DEEP.format(limit=text.MAX_HTML_DEPTH)
    with pytest.raises(text.HtmlTooDeep):
        text.html_to_text(markup)
