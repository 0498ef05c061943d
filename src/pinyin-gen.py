#!/usr/bin/env python3
"""pinyin-gen: writes src/pinyin-table.c, the pinyin initials and the first reading of
every CJK ideograph that Unihan gives a Mandarin reading.

    python3 src/pinyin-gen.py [READINGS [VARIANTS]] > src/pinyin-table.c
    python3 src/pinyin-gen.py --check src/pinyin-table.c [READINGS [VARIANTS]]

--check regenerates in memory and fails when the committed table differs (a test).

READINGS defaults to /usr/share/unicode/Unihan_Readings.txt.bz2 and VARIANTS to
Unihan_Variants.txt.bz2 beside it (Debian's unicode-data package).

Readings come from kMandarin, kHanyuPinlu, kXHC1983, kTGHZ2013 and kHanyuPinyin; every
reading's initial letter is kept, so polyphones (单 dān/shàn/chán) match under each.
The "primary" initial is that of the first kMandarin reading (else the first reading
of the next source in that order): name keys start with it. That first reading, as
plain letters and a tone digit (zhang1, lu:3 for lǚ, me5 for a neutral tone), is kept
too: names sort by it (pinyin_sort_key). The index resident_pinyin holds those keys:
a table regenerated with other readings needs a schema step REINDEX resident_pinyin
(check names the rows whose keys differ until then). Compatibility ideographs
(U+F900.., U+2F800..) without readings of their own borrow those of the unified
ideograph they decompose to. An ideograph with no reading at all borrows the readings
of its variants (kZVariant first, then semantic, simplified/traditional and spoofing
variants): 𠮷 U+20BB7, common in names, has no reading but is a variant of 吉 jí.

Table layout (compact, about 2 bytes per code point):
  pinyin_combos[]   distinct (primary initial, mask of all initials) pairs; entry 0
                    is "no reading";
  pinyin_segments[] runs of code points (first, count, offset into the codes);
  pinyin_codes      two characters per code point, the combo number in base 92
                    written with printable ASCII (space..~ without " ? and \\);
  pinyin_readings[] every reading of any source in byte order ("a1" < "an1" <
                    "ang1" < "ba1"), so that a reading's number is its rank;
  pinyin_reading_codes  two characters per code point (same segments): the number
                    of its first reading in base 92.
"""
import bz2
import collections
import io
import os
import re
import sys
import unicodedata

SOURCES = ('kMandarin', 'kHanyuPinlu', 'kXHC1983', 'kTGHZ2013', 'kHanyuPinyin')
VARIANT_FIELDS = ('kZVariant', 'kSemanticVariant', 'kSpecializedSemanticVariant',
                  'kSimplifiedVariant', 'kTraditionalVariant', 'kSpoofingVariant')
ALPHABET = ''.join(chr(c) for c in range(0x20, 0x7F) if chr(c) not in '"?\\')
COMPAT_RANGES = ((0xF900, 0xFAFF), (0x2F800, 0x2FA1F))
MAX_GAP = 15          # unmapped code points worth filling rather than starting a segment
LINE_CHARS = 96


def readings_of(field, value):
    """The readings (with tone marks) held in one Unihan field value."""
    if field == 'kHanyuPinyin':
        return [r for part in value.split() for r in part.split(':', 1)[1].split(',')]
    if field in ('kXHC1983', 'kTGHZ2013'):
        return [part.split(':', 1)[1] for part in value.split()]
    if field == 'kHanyuPinlu':
        return [re.sub(r'\(.*$', '', part) for part in value.split()]
    return value.split()


TONE_MARKS = {'\u0304': '1', '\u0301': '2', '\u030c': '3', '\u0300': '4'}


def plain_reading(reading):
    """A reading as letters and a tone digit: zhāng zhang1, me me5, ê̄ e1. Its ü is a u
    followed by ":" before the tone (lǚ lu:3, lüè lue:4), so that byte order is that
    of the dictionary and of GB2312: lu, lü, luan, lüe, lun."""
    tone, letters, umlaut = '5', '', ''
    for ch in unicodedata.normalize('NFD', reading.lower()):
        if ch in TONE_MARKS:
            tone = TONE_MARKS[ch]
        elif ch == '\u0308' and letters.endswith('u'):
            umlaut = ':'
        elif 'a' <= ch <= 'z':
            letters += ch
    return letters + umlaut + tone


def initial_of(reading):
    """The first letter of a reading without its tone mark: ǎ a, ü u, ḿ m."""
    letter = unicodedata.normalize('NFD', reading)[0].lower()
    if not 'a' <= letter <= 'z':
        raise ValueError('reading %r does not start with a letter' % reading)
    return letter


def load_fields(path, wanted):
    """code point -> {field: value} for the wanted fields, and the file's version line."""
    fields = collections.defaultdict(dict)
    version = ''
    opener = bz2.open if path.endswith('.bz2') else open
    with opener(path, 'rt', encoding='utf-8') as f:
        for line in f:
            if line.startswith('#'):
                if 'Unicode version' in line:
                    version = line.strip('# \n')
                continue
            parts = line.rstrip('\n').split('\t')
            if len(parts) == 3 and parts[1] in wanted:
                fields[int(parts[0][2:], 16)][parts[1]] = parts[2]
    return fields, version


def variants_in_order(by_field):
    """The variant code points of one ideograph, the closest kind first."""
    found = []
    for field in VARIANT_FIELDS:
        for token in re.findall(r'U\+([0-9A-F]{4,6})', by_field.get(field, '')):
            if int(token, 16) not in found:
                found.append(int(token, 16))
    return found


def initials_table(fields, variants):
    """code point -> (primary initial, mask of all initials, first plain reading)."""
    table = {}
    for cp, by_field in fields.items():
        primary, mask, first = None, 0, None
        for field in SOURCES:
            for reading in readings_of(field, by_field.get(field, '')):
                letter = initial_of(reading)
                primary = primary or letter
                first = first or plain_reading(reading)
                mask |= 1 << (ord(letter) - ord('a'))
        if mask:
            table[cp] = (primary, mask, first)
    for first, last in COMPAT_RANGES:
        for cp in range(first, last + 1):
            unified = unicodedata.normalize('NFC', chr(cp))
            if cp not in table and len(unified) == 1 and ord(unified) in table:
                table[cp] = table[ord(unified)]
    borrowed = {}
    for cp, by_field in variants.items():
        if cp in table:
            continue
        for other in variants_in_order(by_field):
            if other in table:
                borrowed[cp] = table[other]
                break
    table.update(borrowed)
    return table


def segments_of(code_points):
    """Runs of sorted code points, merged across gaps of at most MAX_GAP."""
    runs = []
    for cp in code_points:
        if runs and cp - runs[-1][1] <= MAX_GAP + 1:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp])
    return runs


def encode(number):
    base = len(ALPHABET)
    assert number < base * base
    return ALPHABET[number // base] + ALPHABET[number % base]


def all_readings(fields):
    """Every plain reading of any source, sorted: a reading's index is its rank."""
    found = set()
    for by_field in fields.values():
        for field in SOURCES:
            found.update(plain_reading(r) for r in readings_of(field, by_field.get(field, '')))
    return sorted(found)


def write_codes(out, name, codes):
    """A C string of base-92 digit pairs, LINE_CHARS a line."""
    out.write('static const char %s[] =\n' % name)
    for i in range(0, len(codes), LINE_CHARS):
        out.write('\t"%s"%s\n' % (codes[i:i + LINE_CHARS],
                                  ';' if i + LINE_CHARS >= len(codes) else ''))


def write_c(out, table, readings, version, source_name):
    counts = collections.Counter(v[:2] for v in table.values())
    combos = [('\0', 0)] + sorted(counts, key=lambda c: (-counts[c], c))
    combo_index = {c: i for i, c in enumerate(combos)}
    runs = segments_of(sorted(table))

    out.write('/* pinyin-table: pinyin initials and first readings of CJK ideographs.'
              ' GENERATED, do not edit.\n')
    out.write(' * Regenerate with:\n')
    out.write(' *   python3 src/pinyin-gen.py%s > src/pinyin-table.c\n'
              % (' ' + source_name if source_name else ''))
    out.write(' * from Unihan_Readings.txt (%s): kMandarin, kHanyuPinlu, kXHC1983,\n' % version)
    out.write(' * kTGHZ2013, kHanyuPinyin, with Unihan_Variants.txt for ideographs that have\n')
    out.write(' * no reading. %d code points, %d segments, %d combinations, %d readings.\n'
              % (len(table), len(runs), len(combos), len(readings)))
    out.write(' * Included by src/pinyin.c; layout described in src/pinyin-gen.py. */\n\n')

    out.write('/* (primary initial, mask of every initial); 0 is "no reading" */\n')
    out.write('static const struct pinyin_combo pinyin_combos[%d] = {\n' % len(combos))
    for primary, mask in combos:
        shown = "'%s'" % primary if primary != '\0' else '0'
        out.write('\t{ %s, 0x%07x },\n' % (shown, mask))
    out.write('};\n\n')

    out.write('/* first code point, count, offset into pinyin_codes (in code points) */\n')
    out.write('static const struct pinyin_segment pinyin_segments[%d] = {\n' % len(runs))
    offset = 0
    for first, last in runs:
        out.write('\t{ 0x%05X, %d, %d },\n' % (first, last - first + 1, offset))
        offset += last - first + 1
    out.write('};\n\n')

    out.write('/* two characters per code point: the combo number in base %d */\n'
              % len(ALPHABET))
    no_entry = ('\0', 0, None)
    write_codes(out, 'pinyin_codes',
                ''.join(encode(combo_index.get(table.get(cp, no_entry)[:2], 0))
                        for first, last in runs for cp in range(first, last + 1)))

    out.write('\n/* every reading, in byte order: its index is its rank */\n')
    out.write('static const char *const pinyin_readings[%d] = {\n' % len(readings))
    for i in range(0, len(readings), 8):
        out.write('\t%s,\n' % ', '.join('"%s"' % r for r in readings[i:i + 8]))
    out.write('};\n\n')
    rank = {r: i for i, r in enumerate(readings)}
    out.write('/* two characters per code point: the rank of its first reading in base %d */\n'
              % len(ALPHABET))
    write_codes(out, 'pinyin_reading_codes',
                ''.join(encode(rank.get(table.get(cp, no_entry)[2], 0))
                        for first, last in runs for cp in range(first, last + 1)))


def main(argv):
    args = argv[1:]
    check = None
    if args[:1] == ['--check']:
        check, args = args[1], args[2:]
    path = args[0] if args else '/usr/share/unicode/Unihan_Readings.txt.bz2'
    variants_path = args[1] if len(args) > 1 else os.path.join(
        os.path.dirname(path), 'Unihan_Variants.txt.bz2')
    fields, version = load_fields(path, SOURCES)
    variants, _ = load_fields(variants_path, VARIANT_FIELDS)
    table = initials_table(fields, variants)
    out = io.StringIO() if check else sys.stdout
    write_c(out, table, all_readings(fields), version, ' '.join(args))
    if check:
        with open(check, encoding='utf-8') as f:
            if f.read() != out.getvalue():
                print('%s is not what src/pinyin-gen.py writes; regenerate it' % check)
                return 1
        print('%s matches the generator (%d code points)' % (check, len(table)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
