"""The PDF's page and the pieces the case file is written with: headings, paragraphs,
label/value fields and tables."""

from __future__ import annotations

from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from disputes_app.casefile.text import (
    BODY_SIZE,
    FONT_FAMILY,
    LABEL_WIDTH,
    LINE,
    PAGE_COUNT_ALIAS,
    Text,
)


class CaseFilePDF(FPDF):
    def __init__(self, reference: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.reference = reference

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT_FAMILY, "", 8)
        self.set_text_color(90)
        page = _("Page %(page)s of %(pages)s") % {
            "page": self.page_no(),
            "pages": PAGE_COUNT_ALIAS,
        }
        self.cell(0, 5, _("Case file %(reference)s") % {"reference": self.reference}, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, page, align="R")
        self.set_text_color(0)


class Writer:
    def __init__(self, pdf: CaseFilePDF, text: Text) -> None:
        self.pdf = pdf
        self.text = text

    @property
    def width(self) -> float:
        return self.pdf.epw

    def heading(self, title: str) -> None:
        pdf = self.pdf
        # Keep a heading with at least a few lines of what follows it.
        if pdf.will_page_break(25):
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font(FONT_FAMILY, "B", 12)
        pdf.cell(0, 7, self.text(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = pdf.get_y()
        pdf.set_draw_color(160)
        pdf.line(pdf.l_margin, y, pdf.l_margin + self.width, y)
        pdf.set_draw_color(0)
        pdf.ln(2)
        pdf.set_font(FONT_FAMILY, "", BODY_SIZE)

    def paragraph(self, value: object, style: str = "", size: float = BODY_SIZE) -> None:
        pdf = self.pdf
        pdf.set_font(FONT_FAMILY, style, size)
        pdf.multi_cell(
            self.width,
            LINE,
            self.text(value),
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.set_font(FONT_FAMILY, "", BODY_SIZE)

    def nothing(self, note: str) -> None:
        self.paragraph(note, style="I")

    def fields(self, rows: list[list[object]]) -> None:
        """Label / value pairs. A value may be long free text, so it flows across pages."""
        pdf = self.pdf
        for label, value in rows:
            if pdf.will_page_break(2 * LINE):
                pdf.add_page()
            page, top = pdf.page, pdf.get_y()
            pdf.set_font(FONT_FAMILY, "B", BODY_SIZE)
            pdf.multi_cell(LABEL_WIDTH - 3, LINE, self.text(label), align="L", new_x=XPos.LMARGIN)
            label_bottom = pdf.get_y()
            pdf.set_font(FONT_FAMILY, "", BODY_SIZE)
            pdf.set_xy(pdf.l_margin + LABEL_WIDTH, top)
            pdf.multi_cell(
                self.width - LABEL_WIDTH,
                LINE,
                self.text(value),
                align="L",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            if pdf.page == page:
                pdf.set_y(max(label_bottom, pdf.get_y()))
            pdf.ln(1.5)
        pdf.ln(1)

    def table(self, headings: list[str], rows: list[list[object]], widths) -> None:
        """A table with headings, for short values only (a row never spans pages)."""
        pdf = self.pdf
        pdf.set_font(FONT_FAMILY, "", BODY_SIZE)
        with pdf.table(
            col_widths=widths,
            width=self.width,
            align="LEFT",
            text_align="LEFT",
            headings_style=FontFace(emphasis="BOLD", fill_color=235),
            borders_layout="HORIZONTAL_LINES",
            line_height=LINE,
            padding=(1, 1.5),
            v_align="TOP",
        ) as table:
            row = table.row()
            for heading in headings:
                row.cell(self.text(heading))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(self.text(value))
        pdf.ln(1)
