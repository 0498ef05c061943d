#!/usr/bin/env python3
"""Writes the import fixtures of tests/test-import.c (run once; the files are committed).

Each file is a roster as a clerk receives it: saved by Excel or WPS in GBK, GB18030 or
UTF-8 with a BOM, with the quirks the import must take (CRLF, quoted line breaks,
blank rows, trailing empty columns, Excel-mangled or quote-prefixed ID numbers,
full-width digits, a lowercase x, labels instead of codes) and rows it must refuse.
"""
import os

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def idn(region, birth, seq):
    body = f"{region}{birth}{seq:03d}"
    s = sum(int(c) * w for c, w in zip(body, W)) % 11
    return body + "10X98765432"[s]


def idn_x(region, birth, female):
    """An ID number whose check character is X, for the lowercase-x row."""
    for seq in range(2 if female else 1, 1000, 2):
        n = idn(region, birth, seq)
        if n.endswith("X"):
            return n
    raise ValueError(birth)


def wrong_check(n):
    c = "1" if n[-1] != "1" else "2"
    return n[:-1] + c


HERE = os.path.dirname(os.path.abspath(__file__))

head = "户号,姓名,公民身份号码,性别,民族,与户主关系,联系电话,家庭住址,备注,,\r\n"
a1 = idn("520111", "19700312", 11)   # male head
a2 = idn("520111", "19720520", 22)   # female
a3 = idn("520111", "19950101", 33)   # male son
b1 = idn("520111", "19580808", 41)   # male head, written with a lowercase x? (if X)
b2 = idn_x("520111", "19601010", True)
c1 = idn("520111", "19881111", 51)
rows = [
    f"9001,龙德明,'{a1},男,汉,户主,13812345678,青岩镇龙井村1组1号,,,\r\n",
    # full-width digits, 妻 as a label
    "9001,张秀英," + "".join(chr(ord(d) + 0xFEE0) if d.isdigit() else d for d in a2)
    + ",女,苗族,妻,,,\"在外务工\r\n(浙江宁波)\",,\r\n",
    "\r\n",
    f"9001,龙小明,{a3},男,汉族,子,,,,,\r\n",
    # Excel turned the number into 5.20111E+17: refused
    "9001,龙小红,5.20111E+17,女,汉族,女,,,,,\r\n",
    # wrong check character: refused
    f"9002,杨光荣,{wrong_check(b1)},男,布依族,户主,,青岩镇龙井村2组5号,,,\r\n",
    # a household whose head is in the next row; lowercase x where the number has X
    f"9003,吴桂花,{b2.lower()},女,汉族,妻,,青岩镇龙井村2组6号,,,\r\n",
    f"9003,王大山,{c1},男,汉族,户主,13900001111,,,,\r\n",
    # the same ID number again: refused, naming the line of the first
    f"9003,王大山,{c1},男,汉族,子,,,,,\r\n",
    # a second head for 9001: refused
    f"9001,龙二,{idn('520111', '19750101', 71)},男,汉族,户主,,,,,\r\n",
    ",,,,,,,,,,\r\n",
]
with open(os.path.join(HERE, "roster-gbk.csv"), "wb") as f:
    f.write((head + "".join(rows)).encode("gbk"))

# GB18030: names outside GBK, saved by WPS as GB18030, LF line ends
g1 = idn("520111", "19900101", 81)
g2 = idn("520111", "19920202", 82)
text = ("户号,姓名,身份证号码,与户主关系\n"
        f"9101,刘䶮,{g1},户主\n"
        f"9101,张𠮷,{g2},配偶\n")
with open(os.path.join(HERE, "roster-gb18030.csv"), "wb") as f:
    f.write(text.encode("gb18030"))

# UTF-8 with a BOM, other header names clerks use, a column mapped on the command line
u1 = idn("520111", "19850505", 92)
text = ("户编号,名字,证件号,手机号码,现住址,村民小组\r\n"
        f"9201,阿依古丽·买买提,{u1},13700001234,青岩镇龙井村3组1号,3组\r\n")
with open(os.path.join(HERE, "roster-utf8-bom.csv"), "wb") as f:
    f.write(b"\xef\xbb\xbf" + text.encode("utf-8"))

# a broken GBK byte: line 3, the byte after 张
text = "姓名,身份证号\r\n李四,x\r\n张".encode("gbk") + b"\x81\x20" + ",y\r\n".encode("gbk")
with open(os.path.join(HERE, "broken-gbk.csv"), "wb") as f:
    f.write(text)

# a file cut inside a two-byte character
text = "姓名\r\n张三".encode("gbk")[:-1]
with open(os.path.join(HERE, "truncated-gbk.csv"), "wb") as f:
    f.write(text)

# Excel's "Unicode text": UTF-16LE with a BOM, tab-separated
x1 = idn("520111", "19780909", 61)
text = f"姓名\t公民身份号码\t户号\t与户主关系\r\n赵六\t{x1}\t9301\t户主\r\n"
with open(os.path.join(HERE, "roster-utf16.txt"), "wb") as f:
    f.write(b"\xff\xfe" + text.encode("utf-16-le"))
