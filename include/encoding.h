/* encoding: the character sets of the files clerks exchange, converted at the edge.
 *
 * Inside the program text is UTF-8. Files arrive as UTF-8 (with or without a BOM),
 * GBK, GB18030, or UTF-16 ("Unicode text" from Excel), and leave in the encoding the
 * receiving department asks for. Detection: a BOM decides; otherwise a file that is
 * valid UTF-8 throughout is UTF-8; anything else is read as GB18030, the national
 * standard and a superset of GBK.
 *
 * Contract: functions returning int give 0 on success and -1 on failure with a
 * translated, caller-freed message in *err (when err is non-NULL). A decoding error
 * names the line (1-based, counted in the decoded text) and the byte offset in the
 * file (0-based) of the first byte that could not be read. */
#ifndef SZ_ENCODING_H
#define SZ_ENCODING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

enum enc_kind {
	ENC_AUTO,       /* reading only: detect */
	ENC_UTF8,
	ENC_UTF8_BOM,   /* UTF-8 preceded by EF BB BF (what Excel writes as "CSV UTF-8") */
	ENC_GBK,
	ENC_GB18030,
	ENC_UTF16LE,    /* with its BOM: Excel's "Unicode text" */
	ENC_UTF16BE,
	ENC_KIND_COUNT
};

/* "utf-8", "utf-8-bom", "gbk", "gb18030", "auto" (and utf8, gb2312 read as GBK's
 * superset, cp936); false when the name is unknown. */
bool enc_parse(const char *name, enum enc_kind *out);
/* The option name of an encoding ("gbk"). */
const char *enc_name(enum enc_kind e);
/* The iconv name ("GBK", "UTF-8"). */
const char *enc_iconv_name(enum enc_kind e);
/* The BOM written before the text in this encoding, and its length (0: none). */
const char *enc_bom(enum enc_kind e, size_t *len);

/* Decides the encoding of a whole file from its bytes, reading it from the current
 * position and seeking back; *bom_len is the length of a BOM found at the start. */
enum enc_kind enc_detect_file(FILE *f, size_t *bom_len);
/* The same on a buffer holding a whole file. */
enum enc_kind enc_detect(const char *buf, size_t n, size_t *bom_len);

/* A stream of UTF-8 decoded from a file, a block at a time (bounded memory). */
struct enc_reader;

/* Reads f (not closed by the reader) in encoding e (ENC_AUTO: detected, which needs
 * a seekable file). NULL with *err when the encoding cannot be used. */
struct enc_reader *enc_reader_new(FILE *f, enum enc_kind e, char **err);
/* The encoding being read (detected or declared). */
enum enc_kind enc_reader_kind(const struct enc_reader *r);
/* Up to cap bytes of UTF-8 (never splitting a character) into buf; 0 at the end,
 * -1 with *err at an invalid or truncated byte sequence. */
ssize_t enc_reader_read(struct enc_reader *r, char *buf, size_t cap, char **err);
void enc_reader_free(struct enc_reader *r);

/* Text converted from UTF-8 to an encoding, character by character where needed so
 * that each character the encoding lacks is reported, never dropped silently. */
struct enc_writer;

struct enc_writer *enc_writer_new(enum enc_kind e, char **err);
void enc_writer_free(struct enc_writer *w);
/* Converts utf8[0..n) and appends to *out, length *out_len (a malloc'd buffer grown as
 * needed). For each character the encoding lacks, bad(ctx, offset in utf8, the
 * character as UTF-8) is called and replacement (NULL: nothing) is written instead.
 * Returns the number of such characters. */
size_t enc_writer_convert(struct enc_writer *w, const char *utf8, size_t n,
			  const char *replacement, char **out, size_t *out_len, size_t *out_cap,
			  void (*bad)(void *ctx, size_t offset, const char *ch), void *ctx);
/* A convenience: the whole of utf8 in encoding e; characters the encoding lacks
 * become replacement. Caller frees; *len gets the length. */
char *enc_convert_string(enum enc_kind e, const char *utf8, const char *replacement, size_t *len);
/* True when every character of utf8 exists in encoding e; *first_bad (may be NULL,
 * caller frees) gets the first one that does not. */
bool enc_can_encode(enum enc_kind e, const char *utf8, char **first_bad);

#endif
