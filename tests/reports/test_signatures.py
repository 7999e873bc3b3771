"""Signatures stay on the page of what they sign: no page holds only the signature block."""

import io

import pdfplumber
import pytest
from flask_babel import force_locale

from electoral.reports.document import ReportDocument

SIGNATURE_LINES = {"Name:", "Date:", "Signature:"}


def _render(fill) -> bytes:
    with force_locale("en"):
        doc = ReportDocument(title="Test", lang="en", printed_by="tester")
        fill(doc)
        return doc.render()


def body_words(data: bytes) -> list[list[str]]:
    """Each page's words between the header and the footer, without underscores (signature lines)."""
    pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            # The watermark, drawn at an angle, reads as single letters: not content.
            pages.append([w["text"] for w in page.extract_words()
                          if 90 < w["top"] < page.height - 60 and w["text"].strip("_")
                          and not (len(w["text"]) == 1 and w["text"].isalpha())])
    return pages


def signature_only_pages(data: bytes, labels=("Chair", "Secretary")) -> list[int]:
    """The pages whose body holds nothing but signature blocks with these signatories' ``labels``."""
    signature_words = SIGNATURE_LINES | {word for label in labels for word in label.split()}
    return [number for number, found in enumerate(body_words(data), start=1)
            if found and set(found) <= signature_words]


@pytest.mark.parametrize("rows", [34, 37, 40, 43, 80])
def test_a_table_ending_near_the_foot_of_a_page_gives_rows_to_the_signatures(db, rows):
    def fill(doc):
        doc.table(["No", "Station"], [[str(i), f"Station {i}"] for i in range(rows)])
        doc.signatures(["Chair", "Secretary"])

    data = _render(fill)
    assert signature_only_pages(data) == []
    found = [word for page in body_words(data) for word in page]
    numbers = [int(found[i + 1]) for i, word in enumerate(found) if word == "Station" and found[i - 1] != "No"]
    assert numbers == list(range(rows))  # no row lost or doubled


@pytest.mark.parametrize("space_mm", [150, 170, 190])
def test_figures_and_a_chart_move_with_the_signatures(db, space_mm):
    def fill(doc):
        doc.spacer(space_mm)
        doc.heading("Votes per candidate")
        doc.figures({"Valid votes": 1234})
        doc.signatures(["Chair", "Secretary"])

    pages = body_words(_render(fill))
    signed = next(page for page in pages if "Chair" in page)
    assert "1,234" in signed and "Votes" in signed
