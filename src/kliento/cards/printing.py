"""What a card printer and a leaflet printer get: a CSV of the batch and A4 sheets of
leaflets in SVG. Pure rendering of what :func:`kliento.cards.batches.batch_print` returns."""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import escape

import segno
from django.utils.translation import gettext as _

from kliento.cards.batches import PrintedCard
from kliento.common.spreadsheet import csv_row

# A4 in millimetres, and a 3 x 7 grid of 70 x 42.4 mm leaflets (a common label sheet).
PAGE_WIDTH = 210.0
PAGE_HEIGHT = 297.0
COLUMNS = 3
ROWS = 7
PER_SHEET = COLUMNS * ROWS
_CELL_WIDTH = PAGE_WIDTH / COLUMNS
_CELL_HEIGHT = 42.4
_TOP = (PAGE_HEIGHT - ROWS * _CELL_HEIGHT) / 2
_QR_SIZE = 22.0  # a version-1 QR code: 21 modules of about 1 mm


def batch_csv(cards: Iterable[PrintedCard]) -> str:
    """number, formatted number and registration code of each card, one row each (cells
    neutralised like every CSV the product writes: kliento.common.spreadsheet)."""
    rows = [csv_row(["number", "formatted_number", "registration_code"])]
    rows += [csv_row([card.number, card.formatted_number, card.code]) for card in cards]
    return "".join(rows)


def sheet_count(size: int) -> int:
    """How many A4 sheets a batch of ``size`` cards needs."""
    return (size + PER_SHEET - 1) // PER_SHEET


def _qr_path(number: str, x: float, y: float) -> str:
    """The QR code of ``number`` as one SVG path, ``_QR_SIZE`` mm wide at (x, y)."""
    qr = segno.make(number, error="m", micro=False)
    matrix = list(qr.matrix)
    module = _QR_SIZE / len(matrix)
    parts = [
        f"M{x + col * module:.3f} {y + row * module:.3f}h{module:.3f}v{module:.3f}h-{module:.3f}z"
        for row, line in enumerate(matrix)
        for col, dark in enumerate(line)
        if dark
    ]
    return f'<path d="{"".join(parts)}" fill="#000"/>'


def _labels() -> tuple[str, str, str]:
    return (
        escape(_("Kliento card")),
        escape(_("Registration code")),
        escape(_("Register the card at kliento.fi")),
    )


def _leaflet(card: PrintedCard, index: int, labels: tuple[str, str, str]) -> str:
    title, code_label, register = labels
    col, row = index % COLUMNS, index // COLUMNS
    x, y = col * _CELL_WIDTH, _TOP + row * _CELL_HEIGHT
    text_x = x + 5 + _QR_SIZE + 5  # a quiet zone of 4+ modules on each side
    return "".join(
        [
            f'<g id="card-{card.position}">',
            f'<rect x="{x + 1:.2f}" y="{y + 1:.2f}" width="{_CELL_WIDTH - 2:.2f}" '
            f'height="{_CELL_HEIGHT - 2:.2f}" rx="2" fill="none" stroke="#bbb" '
            'stroke-width="0.2" stroke-dasharray="1 1"/>',
            _qr_path(card.number, x + 5, y + (_CELL_HEIGHT - _QR_SIZE) / 2),
            f'<text x="{text_x:.2f}" y="{y + 9:.2f}" font-size="3.2" font-weight="bold">'
            f"{title}</text>",
            f'<text x="{text_x:.2f}" y="{y + 15:.2f}" font-size="2.7" '
            f'font-family="monospace">{escape(card.formatted_number)}</text>',
            f'<text x="{text_x:.2f}" y="{y + 23:.2f}" font-size="2.4">{code_label}</text>',
            f'<text x="{text_x:.2f}" y="{y + 29:.2f}" font-size="4" font-weight="bold" '
            f'font-family="monospace">{escape(card.formatted_code)}</text>',
            f'<text x="{text_x:.2f}" y="{y + 35:.2f}" font-size="2">{register}</text>',
            "</g>",
        ]
    )


def batch_sheet(cards: list[PrintedCard], *, title: str) -> str:
    """One A4 sheet (SVG, millimetres) of up to :data:`PER_SHEET` leaflets, each with the
    card's number as text and as a QR code, and its registration code."""
    labels = _labels()
    leaflets = "".join(
        _leaflet(card, index, labels) for index, card in enumerate(cards[:PER_SHEET])
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'width="{PAGE_WIDTH:g}mm" height="{PAGE_HEIGHT:g}mm" '
        f'viewBox="0 0 {PAGE_WIDTH:g} {PAGE_HEIGHT:g}" font-family="sans-serif">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{PAGE_WIDTH:g}" height="{PAGE_HEIGHT:g}" fill="#fff"/>'
        f"{leaflets}</svg>\n"
    )
