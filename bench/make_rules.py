#!/usr/bin/env python3
"""Writes a one-page PDF ruled as a grid of N horizontal and N vertical
lines, 2 pt apart, each one `m l S` segment (N*N crossings, (N-1)^2 cells),
with a line of text in Helvetica under it (Flate-compressed content): the
page that the cell finder must read in time however many rules it has.
Standard library only.  Usage: python3 bench/make_rules.py N OUT.pdf
"""
import sys
import zlib

from make_pages import write_pdf


def page_content(n):
    step, left, bottom = 2, 20, 40
    right, top = left + (n - 1) * step, bottom + (n - 1) * step
    ops = ["0.1 w"]
    for k in range(n):
        y = bottom + k * step
        ops.append("%d %d m %d %d l S" % (left, y, right, y))
    for k in range(n):
        x = left + k * step
        ops.append("%d %d m %d %d l S" % (x, bottom, x, top))
    ops.append("BT /F1 9 Tf 1 0 0 1 20 20 Tm (Grid of %d rules) Tj ET" % n)
    return "\n".join(ops).encode(), right + 20, top + 20


def main():
    n, out_path = int(sys.argv[1]), sys.argv[2]
    content, width, height = page_content(n)
    data = zlib.compress(content, 6)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        4: (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>" % (width, height)),
        5: b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
    }
    write_pdf(objects, out_path)

if __name__ == "__main__":
    main()
