"""Cells of the CSV files the site writes (a learner's export, editors' content exports) that
a spreadsheet shows as text rather than runs, and that read back as what was written."""

import re

# A spreadsheet runs a cell that starts with one of these as a formula, so learner- and
# editor-written text could leak the other cells (=HYPERLINK("http://…?"&G2)). OWASP's advice:
# start such a cell with a quote. Values that already start with quotes before one of these
# get one more, so csv_cell_value() gives back exactly what was written.
FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


def csv_cell(value: str) -> str:
    """A value as a CSV cell that spreadsheets show as text rather than run."""
    return f"'{value}" if FORMULA_START.match(value) else value


def csv_cell_value(cell: str) -> str:
    """The value csv_cell() was given: for reading an export back in."""
    return cell[1:] if cell.startswith("'") and FORMULA_START.match(cell, 1) else cell
