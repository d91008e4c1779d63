#!/usr/bin/env python3
"""Writes the sample documents in corpus/reports/ (a two-page PDF report and a
.docx memo), standard library only, so the bytes the extractor tests read are
reproducible: run it from anywhere, commit what it writes.

The PDF is written object by object: Helvetica (one of the 14 standard fonts,
not embedded) with WinAnsiEncoding plus a /Differences entry for Č č Ć ć Đ đ,
which WinAnsi lacks; hard line wraps are placed by hand so the report has a
hyphenated wrap ("Herce-/govina") and a compound split at its hyphen
("Bosnia-/Herzegovina"). Fictional people, companies and cases.
"""

import os
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "corpus", "reports")

# --- PDF ---------------------------------------------------------------------

# Byte codes WinAnsi leaves unused (or for glyphs this report never needs),
# given the Croatian letters it lacks.
EXTRA_CODES = {"Č": 0x81, "č": 0x8D, "Ć": 0x8F, "ć": 0x90, "Đ": 0x9D, "đ": 0x83}
EXTRA_GLYPHS = {"Č": "Ccaron", "č": "ccaron", "Ć": "Cacute", "ć": "cacute",
                "Đ": "Dcroat", "đ": "dcroat"}

# Helvetica advance widths (1/1000 em) from the font's AFM: ASCII 32..126,
# then the non-ASCII characters this report uses.
ASCII_WIDTHS = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
    278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584,
    584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556,
    833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278,
    278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222,
    500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
    500, 334, 260, 334, 584,
]
WIDTHS = {chr(32 + i): w for i, w in enumerate(ASCII_WIDTHS)}
WIDTHS.update({"Š": 667, "š": 500, "Ž": 611, "ž": 500, "Č": 722, "č": 500,
               "Ć": 722, "ć": 500, "Đ": 722, "đ": 556, "–": 556, "€": 556})

BODY_SIZE, HEAD_SIZE = 11, 14
LEFT, TOP, TEXT_WIDTH = 72, 770, 451
LEADING, PARAGRAPH_GAP = 14, 12

# Each page: blocks of ("h", heading) or ("p", [lines as they wrap]).
PAGES = [
    [
        ("h", "Diesel, cash and customs: the Brčko corridor"),
        ("p", [
            "BRČKO – Customs officers at the Brčko border crossing let at least",
            "140 tanker trucks of untaxed diesel into Bosnia and Herce-",
            "govina between March 2024 and June 2025, according to internal",
            "records of the Indirect Taxation Authority seen by this newsroom.",
        ]),
        ("p", [
            "The trucks belonged to Sava Petrol d.o.o., a fuel trader registered",
            "in Orašje and owned by Željko Marić, a former deputy mayor of the",
            "town. The authority puts the lost excise duty and VAT at KM 4.2",
            "million (about €2.1 million). Mr Marić did not answer written",
            "questions sent to his company.",
        ]),
        ("p", [
            "Two shift supervisors, Dražen Kovačević and Nermin Hodžić, signed",
            "off on most of the crossings. Payments of KM 2,000 per truck were",
            "listed in a notebook that police found in Orašje in October 2025.",
        ]),
    ],
    [
        ("h", "Relabelled as lubricant"),
        ("p", [
            "Croatian prosecutors from USKOK opened a parallel case in May 2025",
            "against two forwarding agents in Slavonski Brod, who are suspected",
            "of relabelling the diesel as lubricating oil and selling it to petrol",
            "stations in Croatia, Serbia, Montenegro and across Bosnia-",
            "Herzegovina. Investigators put the value of the fuel at €3.6 million.",
        ]),
        ("p", [
            "A spokeswoman for the Indirect Taxation Authority, Jasmina Ćosić,",
            "said disciplinary proceedings against six officers were under way.",
            "Sava Petrol was already fined in 2023, when it paid KM 85,000",
            "for a similar offence at the same crossing.",
        ]),
        ("p", [
            "Đorđe Petrović, a lawyer for the two agents, said his clients had",
            "only filled in the forms they were given.",
        ]),
    ],
]

INFO = {
    "Title": "Diesel, cash and customs: the Brčko corridor",
    "Author": "Lejla Hadžić",
    "Creator": "make-sample-documents.py",
}
CREATION_DATE = "D:20260114093000+01'00'"


def encode(text):
    out = bytearray()
    for ch in text:
        out.append(EXTRA_CODES[ch] if ch in EXTRA_CODES else ch.encode("cp1252")[0])
    return bytes(out)


def width(text, size):
    return sum(WIDTHS[ch] for ch in text) * size / 1000


def text_string(value):
    """A PDF text string: literal when ASCII, UTF-16BE with BOM otherwise."""
    if value.isascii():
        return "(" + value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"
    return "<FEFF" + value.encode("utf-16-be").hex().upper() + ">"


def page_content(blocks):
    ops = ["BT"]
    y = TOP
    for kind, body in blocks:
        lines = [body] if kind == "h" else body
        size = HEAD_SIZE if kind == "h" else BODY_SIZE
        for line in lines:
            assert width(line, size) <= TEXT_WIDTH, f"line too long: {line!r}"
            ops.append(f"/F1 {size} Tf 1 0 0 1 {LEFT} {y} Tm <{encode(line).hex().upper()}> Tj")
            y -= LEADING
        y -= PARAGRAPH_GAP
    ops.append("ET")
    return ("\n".join(ops) + "\n").encode("latin-1")


def font_widths():
    decode = {code: ch for ch, code in EXTRA_CODES.items()}
    widths = []
    for code in range(32, 256):
        ch = decode.get(code)
        if ch is None:
            try:
                ch = bytes([code]).decode("cp1252")
            except UnicodeDecodeError:
                ch = None
        widths.append(WIDTHS.get(ch, 0) if ch else 0)
    return " ".join(map(str, widths))


def make_pdf():
    differences = " ".join(f"{code} /{EXTRA_GLYPHS[ch]}" for ch, code in sorted(EXTRA_CODES.items(), key=lambda kv: kv[1]))
    n_pages = len(PAGES)
    # Object numbers: 1 catalog, 2 pages, 3 font, 4 info, then page/content pairs.
    page_ids = [5 + 2 * i for i in range(n_pages)]
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: ("<< /Type /Pages /Kids [" + " ".join(f"{p} 0 R" for p in page_ids)
            + f"] /Count {n_pages} >>").encode(),
        3: (f"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 32 /LastChar 255 "
            f"/Widths [{font_widths()}] /Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding "
            f"/Differences [{differences}] >> >>").encode(),
        4: ("<< " + " ".join(f"/{k} {text_string(v)}" for k, v in INFO.items())
            + f" /CreationDate ({CREATION_DATE}) >>").encode("latin-1"),
    }
    for i, blocks in enumerate(PAGES):
        content = page_content(blocks)
        objects[page_ids[i]] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                                f"/Resources << /Font << /F1 3 0 R >> >> /Contents {page_ids[i] + 1} 0 R >>").encode()
        objects[page_ids[i] + 1] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream"
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num]
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


# --- DOCX --------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def run(text):
    return f'<w:r><w:t xml:space="preserve">{esc(text)}</w:t></w:r>'


def para(*parts, style=None):
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{props}{''.join(parts)}</w:p>"


def table(rows):
    body = "".join(
        "<w:tr>" + "".join(f"<w:tc>{para(run(cell))}</w:tc>" for cell in row) + "</w:tr>"
        for row in rows)
    return f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/></w:tblPr>{body}</w:tbl>'


FOOTNOTE_REF = '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="1"/></w:r>'

DOCX_BODY = "".join([
    para(run("Payments linked to the Ploče container terminal"), style="Title"),
    para(run("Between 2021 and 2024, Adriatic Bulk Services d.o.o. paid €640,000 to three "
             "consulting firms registered in Mostar, Ljubljana and Rijeka."), FOOTNOTE_REF,
         run(" None of the firms had employees at the time.")),
    table([
        ["Recipient", "Registered in", "Amount"],
        ["Neretva Consulting d.o.o.", "Mostar", "€280,000"],
        ["Alpen Advisory d.o.o.", "Ljubljana", "€210,000"],
        ["Kvarner Projekt j.d.o.o.", "Rijeka", "€150,000"],
    ]),
    para(run("The director of Adriatic Bulk Services, Goran Šarić, said the contracts paid for "
             "market studies. Zoran Žeravica, who owns Neretva Consulting, declined to comment.")),
    para(run("Prepared by:"), "<w:r><w:tab/></w:r>", run("Ivana Šimić"),
         "<w:r><w:br/></w:r>", run("Desk:"), "<w:r><w:tab/></w:r>", run("Zagreb & Mostar")),
])

DOCUMENT_XML = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{DOCX_BODY}'
                f'<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>')

FOOTNOTES_XML = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W}">'
                 '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                 '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
                 '<w:footnote w:id="1"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
                 '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
                 + run(" Court registry of Mostar, extract of 12 March 2024.") + "</w:p></w:footnote></w:footnotes>")

STYLES_XML = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="{W}">'
              '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>'
              '<w:rPr><w:b/><w:sz w:val="40"/></w:rPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/>'
              '<w:basedOn w:val="Normal"/><w:rPr><w:sz w:val="18"/></w:rPr></w:style>'
              '<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/>'
              '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>'
              '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders>'
              + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                        for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
              + '</w:tblBorders></w:tblPr></w:style></w:styles>')

CORE_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            '<dc:title>Payments linked to the Ploče container terminal</dc:title>'
            '<dc:creator>Ivana Šimić</dc:creator>'
            '<dcterms:created xsi:type="dcterms:W3CDTF">2026-02-03T08:15:00Z</dcterms:created>'
            '</cp:coreProperties>')

CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/footnotes.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>')

RELS_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/></Relationships>')

DOCUMENT_RELS_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" '
    'Target="footnotes.xml"/></Relationships>')


def make_docx(path):
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES_XML),
        ("_rels/.rels", RELS_XML),
        ("word/document.xml", DOCUMENT_XML),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS_XML),
        ("word/footnotes.xml", FOOTNOTES_XML),
        ("word/styles.xml", STYLES_XML),
        ("docProps/core.xml", CORE_XML),
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            # A fixed timestamp keeps the bytes the same on every run.
            info = zipfile.ZipInfo(name, date_time=(2026, 2, 3, 8, 15, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "brcko-fuel-corridor.pdf"), "wb") as f:
        f.write(make_pdf())
    make_docx(os.path.join(OUT, "ploce-terminal-payments.docx"))
    for name in sorted(os.listdir(OUT)):
        print(name, os.path.getsize(os.path.join(OUT, name)), "bytes")


if __name__ == "__main__":
    main()
