#!/usr/bin/env python3
"""Writes a PDF of N pages, each a ruled table of 30 rows x 6 columns of
figures in Helvetica (Flate-compressed content), for bench/limits.sh.
Standard library only.  Usage: python3 bench/make_pages.py N OUT.pdf
"""
import sys
import zlib


def page_content(page):
    ops = []
    left, top, widths, height = 36, 800, [120, 80, 80, 80, 80, 80], 24
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w)
    rows = 30
    # Rules: one line per row edge and per column edge.
    ops.append("0.5 w")
    for r in range(rows + 1):
        y = top - r * height
        ops.append("%d %d m %d %d l S" % (xs[0], y, xs[-1], y))
    for x in xs:
        ops.append("%d %d m %d %d l S" % (x, top, x, top - rows * height))
    ops.append("BT /F1 9 Tf")
    for r in range(rows):
        y = top - r * height - 16
        cells = ["Row %d-%d" % (page, r)] + [
            "%d.%02d" % ((page * 31 + r * 7 + c * 13) % 10000, (r + c) % 100) for c in range(5)
        ]
        for c, text in enumerate(cells):
            ops.append("1 0 0 1 %d %d Tm (%s) Tj" % (xs[c] + 4, y, text))
    ops.append("ET")
    return "\n".join(ops).encode()


def main():
    n, out_path = int(sys.argv[1]), sys.argv[2]
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
               3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"}
    kids = []
    next_id = 4
    for p in range(n):
        data = zlib.compress(page_content(p), 6)
        content_id, page_id = next_id, next_id + 1
        next_id += 2
        objects[content_id] = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
        objects[page_id] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content_id)
        kids.append(b"%d 0 R" % page_id)
    objects[2] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % n
    write_pdf(objects, out_path)


def write_pdf(objects, out_path):
    """Writes `objects` (number -> body, 1 the catalog) with their xref."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for i in sorted(objects):
        offsets[i] = len(out)
        out += b"%d 0 obj\n" % i + objects[i] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for i in range(1, size):
        out += b"%010d 00000 n \n" % offsets[i]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    with open(out_path, "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
