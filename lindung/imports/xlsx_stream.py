"""A small streaming XLSX writer for import reports: text, numbers, dates and four styles.

A report gives back every row of the sender's file, a million rows for a large one.
``xlsxwriter`` spends several microseconds of Python on each cell; here a row becomes one
string of XML, which is what makes the report of a large import take seconds rather than
minutes. Sheets are written to temporary files and zipped at ``close``, so memory stays flat.
"""

import datetime as dt
import math
import re
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

PLAIN, HEADER, REFUSED, DATE = 0, 1, 2, 3  # style numbers, see _STYLES
MAX_TEXT = 32_767  # Excel's limit for one cell
_EPOCH = dt.datetime(1899, 12, 30)
_CONTROL = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f]")
# Text that needs escaping, a control character removed, or its outer spaces kept.
_NEEDS_CARE = re.compile(f"[&<>\x00-\x1f]|^\\s|\\s$|^.{{{MAX_TEXT}}}", re.DOTALL)
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class Sheet:
    def __init__(self, name: str, number: int, directory: Path) -> None:
        self.name = name
        self.number = number
        self.path = directory / f"sheet{number}.xml"
        self._handle = self.path.open("w", encoding="utf-8")
        self._widths: dict[int, float] = {}
        self._letters: list[str] = []

    def set_column_width(self, column: int, width: float) -> None:
        self._widths[column] = width

    def write_row(self, row: int, values: list, styles: dict[int, int] | None = None) -> None:
        """Row ``row`` (0-based) with ``values`` from column A; empty values are skipped."""
        number = row + 1
        letters = self._letters
        while len(letters) < len(values):
            letters.append(column_letter(len(letters)))
        parts = [f'<row r="{number}">']
        for column, value in enumerate(values):
            if value is None or value == "":
                continue
            style = styles.get(column, PLAIN) if styles else PLAIN
            if type(value) is str and not style:  # nearly every cell: no call, no checks
                text = _text(value) if _NEEDS_CARE.search(value) else f"<t>{value}</t>"
                parts.append(f'<c r="{letters[column]}{number}" t="inlineStr"><is>{text}</is></c>')
            else:
                parts.append(_cell(f"{letters[column]}{number}", value, style))
        parts.append("</row>")
        self._handle.write("".join(parts))

    def close(self) -> None:
        self._handle.close()

    def head(self) -> str:
        cols = "".join(
            f'<col min="{c + 1}" max="{c + 1}" width="{w}" customWidth="1"/>'
            for c, w in sorted(self._widths.items())
        )
        widths = f"<cols>{cols}</cols>" if cols else ""
        return f"{_XML_HEAD}<worksheet {_NS} {_REL_NS}>{widths}<sheetData>"


def _cell(ref: str, value, style: int) -> str:
    styled = f' s="{style}"' if style else ""
    if isinstance(value, str):
        return f'<c r="{ref}"{styled} t="inlineStr"><is>{_text(value)}</is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{styled} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return f'<c r="{ref}"{styled}><v>{value!r}</v></c>'
    if isinstance(value, dt.datetime | dt.date):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        serial = (moment.replace(tzinfo=None) - _EPOCH) / dt.timedelta(days=1)
        return f'<c r="{ref}" s="{style or DATE}"><v>{serial!r}</v></c>'
    return _cell(ref, str(value), style)


def _text(value: str) -> str:
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT]
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if _CONTROL.search(value):
        value = _CONTROL.sub(lambda match: f"_x{ord(match.group()):04X}_", value)
    if value[:1].isspace() or value[-1:].isspace():
        return f'<t xml:space="preserve">{value}</t>'
    return f"<t>{value}</t>"


class Workbook:
    """``add_sheet`` in order, write rows, then ``close`` to produce the file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._directory = tempfile.TemporaryDirectory(prefix="lindung-xlsx-")
        self.sheets: list[Sheet] = []

    def add_sheet(self, name: str) -> Sheet:
        sheet = Sheet(name[:31], len(self.sheets) + 1, Path(self._directory.name))
        self.sheets.append(sheet)
        return sheet

    def close(self) -> None:
        try:
            with zipfile.ZipFile(
                self.path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
            ) as archive:
                for name, text in self._parts().items():
                    archive.writestr(name, text)
                for sheet in self.sheets:
                    sheet.close()
                    self._write_sheet(archive, sheet)
        finally:
            self._directory.cleanup()

    def _write_sheet(self, archive: zipfile.ZipFile, sheet: Sheet) -> None:
        complete = sheet.path.with_suffix(".full.xml")
        with complete.open("w", encoding="utf-8") as out:
            out.write(sheet.head())
            with sheet.path.open(encoding="utf-8") as body:
                while block := body.read(1 << 20):
                    out.write(block)
            out.write("</sheetData></worksheet>")
        sheet.path.unlink()
        archive.write(complete, f"xl/worksheets/sheet{sheet.number}.xml")
        complete.unlink()

    def _parts(self) -> dict[str, str]:
        head = _XML_HEAD
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{s.number}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for s in self.sheets
        )
        sheets = "".join(
            f'<sheet name={quoteattr(s.name)} sheetId="{s.number}" r:id="rId{s.number}"/>'
            for s in self.sheets
        )
        sheet_rels = "".join(
            f'<Relationship Id="rId{s.number}" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet{s.number}.xml"/>'
            for s in self.sheets
        )
        styles_id = len(self.sheets) + 1
        return {
            "[Content_Types].xml": head
            + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + overrides
            + "</Types>",
            "_rels/.rels": head
            + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
            "xl/workbook.xml": head
            + f"<workbook {_NS} {_REL_NS}><sheets>{sheets}</sheets></workbook>",
            "xl/_rels/workbook.xml.rels": head
            + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + sheet_rels
            + f'<Relationship Id="rId{styles_id}" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
            "xl/styles.xml": head + _STYLES,
        }


# Cell formats by number: plain; header (bold on light green, thin border); refused (dark red
# on pink); date (dd-mm-yyyy).
_STYLES = (
    f"<styleSheet {_NS}>"
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd\\-mm\\-yyyy"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font>'
    '<font><sz val="11"/><color rgb="FF9C0006"/><name val="Calibri"/></font></fonts>'
    '<fills count="4"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBE7"/>'
    '<bgColor indexed="64"/></patternFill></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFFC7CE"/>'
    '<bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/>'
    '</right><top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/>'
    "</bottom><diagonal/></border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" '
    'applyBorder="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="3" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
