#!/usr/bin/env python3
"""roster-xlsx: a CSV roster as an .xlsx the way Excel and WPS write it, every text cell
a shared string (xl/sharedStrings.xml), for measuring the import of a big workbook.
libxlsxwriter, which shanzhi exports with, writes inline strings instead.

usage: roster-xlsx.py ROSTER.csv OUT.xlsx [ENCODING]   (ENCODING default gbk)"""
import csv
import sys
import zipfile
from xml.sax.saxutils import escape

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def column(i):
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def main():
    src, out = sys.argv[1], sys.argv[2]
    enc = sys.argv[3] if len(sys.argv) > 3 else "gbk"
    index = {}
    strings = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        with open(src, newline="", encoding=enc, errors="replace") as f, \
                z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>'.encode())
            for r, row in enumerate(csv.reader(f), start=1):
                cells = []
                for c, value in enumerate(row):
                    if value.startswith('="') and value.endswith('"'):
                        value = value[2:-1]
                    if value == "":
                        continue
                    k = index.get(value)
                    if k is None:
                        k = index[value] = len(strings)
                        strings.append(value)
                    cells.append(f'<c r="{column(c)}{r}" t="s"><v>{k}</v></c>')
                sheet.write(f'<row r="{r}">{"".join(cells)}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as sst:
            sst.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" uniqueCount="{len(strings)}">'.encode())
            for s in strings:
                sst.write(f"<si><t>{escape(s)}</t></si>".encode())
            sst.write(b"</sst>")
    print(f"{out}: {len(strings)} shared strings")


if __name__ == "__main__":
    main()
