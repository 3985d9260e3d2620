#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# embed_sql.py IN.sql OUT.c SYMBOL - turns a SQL file into a C string constant,
# so the schema travels inside the capanalyze binary (no file to find at run time).
import sys

src, dst, symbol = sys.argv[1], sys.argv[2], sys.argv[3]
with open(src, encoding="utf-8") as f:
    text = f.read()
lines = ["/* Generated from %s by embed_sql.py: do not edit. */" % src.split("/")[-1],
         "const char %s[] =" % symbol]
for line in text.splitlines(keepends=True):
    escaped = line.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    escaped = escaped.replace("\n", "\\n")
    lines.append('\t"%s"' % escaped)
lines.append('\t"";')
with open(dst, "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
