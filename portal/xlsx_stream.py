"""A minimal XLSX writer that streams: the sheet's XML is produced row by row and zipped on
the fly (stream-zip), so the first bytes leave at once and memory stays flat. Cells are
inline strings and numbers, which is all the ledgers need. Text that begins like a formula is
neutralised cell by cell (portal.exports), so a submitter cannot plant one in a ledger."""

import datetime
from decimal import Decimal
from stat import S_IFREG
from xml.sax.saxutils import escape

from stream_zip import ZIP_64, stream_zip

from portal.exports import neutralise

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)


def _cell(value):
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, bool):
        value = "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        return f"<c><v>{value}</v></c>"  # a number, negative ones too: never quoted
    if isinstance(value, datetime.date):
        value = value.isoformat()
    text = escape(neutralise(str(value)))
    return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _sheet(rows):
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {NS}><sheetData>'
    for row in rows:
        yield ("<row>" + "".join(_cell(value) for value in row) + "</row>").encode()
    yield b"</sheetData></worksheet>"


def stream_xlsx(title, rows):
    """Bytes of an XLSX file with one sheet called title, from an iterable of row lists."""
    now = datetime.datetime.now()
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook {NS}>'
        f'<sheets><sheet name="{escape(title)}" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )
    mode = S_IFREG | 0o600

    def member(name, data):
        return name, now, mode, ZIP_64, [data.encode()] if isinstance(data, str) else data

    sheet = (chunk.encode() if isinstance(chunk, str) else chunk for chunk in _sheet(rows))
    return stream_zip(
        [
            member("[Content_Types].xml", CONTENT_TYPES),
            member("_rels/.rels", ROOT_RELS),
            member("xl/workbook.xml", workbook),
            member("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            member("xl/worksheets/sheet1.xml", sheet),
        ]
    )
