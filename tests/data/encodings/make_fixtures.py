#!/usr/bin/env python3
"""Writes the decoding fixtures of tests/data/encodings/ and tests/data/broken/.

Run once from the repository root (`python3 tests/data/encodings/make_fixtures.py`); the files it
writes are committed, so the tests never need Python. Running it again rewrites identical bytes.
"""

import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
BROKEN = os.path.join(os.path.dirname(HERE), "broken")

# Three sentences of the introduction of corpus/dong_2023_alliance_strengthening.txt (seed
# 003_d9ebfc2ef9fe27bb.txt), after a heading line, as two paragraphs.
PASSAGE = (
    "# 美日韩强化同盟关系\n"
    "\n"
    "美日同盟和美韩同盟是美国亚太同盟体系的两大支柱，在美国推行“印太战略”过程中扮演重要角色。"
    "由于韩国与日本并不是条约盟友，所以美日韩关系与美国和其他北约成员国关系有根本不同。\n"
    "\n"
    "日韩这条边是美日韩三边关系中的“短板”，二者间没有共同防卫的承诺和义务。\n"
)

# The same passage converted to traditional characters by hand (Big5 has no simplified forms).
PASSAGE_TRADITIONAL = (
    "# 美日韓強化同盟關係\n"
    "\n"
    "美日同盟和美韓同盟是美國亞太同盟體系的兩大支柱，在美國推行“印太戰略”過程中扮演重要角色。"
    "由於韓國與日本並不是條約盟友，所以美日韓關係與美國和其他北約成員國關係有根本不同。\n"
    "\n"
    "日韓這條邊是美日韓三邊關係中的“短板”，二者間沒有共同防衛的承諾和義務。\n"
)

# The passage plus reference [9] of the same paper, whose Hangul GBK cannot encode: GB18030 writes
# it with four-byte sequences, so this fixture proves that more than GBK is decoded.
PASSAGE_GB18030 = PASSAGE + (
    "\n"
    "[9] “韓美日 ‘스리아이스급’ 정보공유… 도청논란, 정보동맹으로 뚫는다”, 2023-04-17.\n"
)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def main():
    e = lambda name: os.path.join(HERE, name)
    write(e("passage.utf8.txt"), PASSAGE.encode("utf-8"))
    write(e("passage.utf8-bom.txt"), PASSAGE.encode("utf-8-sig"))
    write(e("passage.utf16le-bom.txt"), b"\xff\xfe" + PASSAGE.encode("utf-16-le"))
    write(e("passage.utf16be-bom.txt"), b"\xfe\xff" + PASSAGE.encode("utf-16-be"))
    write(e("passage.gbk.txt"), PASSAGE.encode("gbk"))
    write(e("passage.crlf.txt"), PASSAGE.replace("\n", "\r\n").encode("utf-8"))
    write(e("passage_gb18030.utf8.txt"), PASSAGE_GB18030.encode("utf-8"))
    write(e("passage_gb18030.gb18030.txt"), PASSAGE_GB18030.encode("gb18030"))
    write(e("passage_traditional.utf8.txt"), PASSAGE_TRADITIONAL.encode("utf-8"))
    write(e("passage_traditional.big5.txt"), PASSAGE_TRADITIONAL.encode("big5"))

    b = lambda name: os.path.join(BROKEN, name)
    write(b("empty.txt"), b"")
    write(b("whitespace_only.txt"), " \n\t\r\n\u3000\u3000\n\u00a0\n".encode("utf-8"))
    rng = random.Random(20231118)
    # Bytes of a small image-like blob: NUL bytes and arbitrary values.
    write(b("binary.txt"), b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(200)))
    # A PDF saved with a .txt name: the magic, a binary comment line, then compressed-stream bytes.
    write(
        b("fake_pdf.txt"),
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 64 /Filter /FlateDecode >>\nstream\n"
        + bytes(rng.randrange(1, 256) for _ in range(64))
        + b"\nendstream\nendobj\n",
    )
    # UTF-8 Chinese whose continuation bytes were lost: each character keeps only its lead byte
    # (0xE4..0xE9), followed by an ASCII space or letter. That is not UTF-8, and a lead byte
    # followed by a byte below 0x40 is not GBK, GB18030 or Big5 either.
    damaged = bytearray()
    for ch in PASSAGE:
        raw = ch.encode("utf-8")
        if len(raw) == 3:
            damaged += raw[:1] + b" "
        else:
            damaged += raw
    write(b("invalid_utf8.txt"), bytes(damaged))


if __name__ == "__main__":
    main()
