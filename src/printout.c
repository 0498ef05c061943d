/* printout: encode a document and deliver it to a file, stdout or lpr. */
#include "printout.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

#include "i18n.h"
#include "text.h"
#include "util.h"

/* iconv's name for an encoding the clerk may name; NULL when unknown. */
static const char *iconv_name(const char *encoding)
{
	if (!encoding || strcasecmp(encoding, "utf-8") == 0 || strcasecmp(encoding, "utf8") == 0)
		return "UTF-8";
	if (strcasecmp(encoding, "gbk") == 0)
		return "GBK";
	if (strcasecmp(encoding, "gb18030") == 0)
		return "GB18030";
	return NULL;
}

/* The line number (from 1) of byte offset off in s. */
static int line_of(const char *s, size_t off)
{
	int line = 1;
	for (size_t i = 0; i < off && s[i]; i++)
		line += s[i] == '\n';
	return line;
}

char *printout_encode(const char *utf8, const char *encoding, size_t *out_len, char **err)
{
	const char *name = iconv_name(encoding);
	if (!name) {
		*err = xasprintf(_("unknown encoding %s (use utf-8, gbk or gb18030)"), encoding);
		return NULL;
	}
	size_t inleft = strlen(utf8), cap = inleft * 4 + 1, outleft = cap;
	char *buf = xmalloc(cap), *out = buf, *in = (char *)utf8;
	iconv_t cd = iconv_open(name, "UTF-8");
	if (cd == (iconv_t)-1) {
		*err = xasprintf(_("this system cannot convert to %s"), name);
		free(buf);
		return NULL;
	}
	if (iconv(cd, &in, &inleft, &out, &outleft) == (size_t)-1) {
		size_t off = (size_t)(in - utf8);
		size_t n = 1;
		while (off + n < strlen(utf8) && (UCH(utf8[off + n]) & 0xC0) == 0x80)
			n++;
		*err = xasprintf(_("line %d: the character %.*s cannot be written in %s; print in GB18030 or UTF-8 instead"),
				 line_of(utf8, off), (int)n, utf8 + off, name);
		iconv_close(cd);
		free(buf);
		return NULL;
	}
	iconv_close(cd);
	*out = '\0';
	*out_len = (size_t)(out - buf);
	return buf;
}

/* Writes n bytes to a stream; false on a short write. */
static bool write_all(FILE *f, const char *s, size_t n)
{
	return fwrite(s, 1, n, f) == n && fflush(f) == 0;
}

int printout_deliver(const char *utf8, const char *encoding, const char *dest, char **err)
{
	size_t n;
	char *bytes = printout_encode(utf8, encoding, &n, err);
	if (!bytes)
		return -1;
	int rc = 0;
	if (dest && strcmp(dest, "-") == 0) {
		if (!write_all(stdout, bytes, n))
			rc = -1, *err = xasprintf(_("cannot write to standard output: %s"), strerror(errno));
	} else if (dest) {
		FILE *f = private_fopen(dest);   /* a printout names residents */
		if (!f || !write_all(f, bytes, n))
			rc = -1, *err = xasprintf(_("cannot write %s: %s"), dest, strerror(errno));
		if (f && fclose(f) != 0 && rc == 0)
			rc = -1, *err = xasprintf(_("cannot write %s: %s"), dest, strerror(errno));
	} else {
		FILE *p = popen("lpr", "w");
		bool ok = p && write_all(p, bytes, n);
		int st = p ? pclose(p) : -1;
		if (!ok || st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			rc = -1, *err = xstrdup(_("the printer did not take the document (is lpr installed and a printer set up?); write it to a file with --output FILE"));
	}
	free(bytes);
	return rc;
}

/* Columns a character takes in a printer's Chinese font: ideographs, full-width forms
 * and GB punctuation such as … (A1AD in GBK) two, the rest one. */
static int printer_width(wchar_t c)
{
	if (c == 0x2026)
		return 2;
	return c >= 0x1100 && (c >= 0x2E80 || c <= 0x115F) ? 2 : 1;
}

char *printout_pad(const char *utf8, int cols)
{
	struct strbuf sb = {0};
	int used = 0, whole = 0;
	size_t n;
	wchar_t *ws = text_to_wcs(utf8 ? utf8 : "", &n);
	for (size_t i = 0; i < n; i++)
		whole += printer_width(ws[i]);
	/* a cut cell ends in …, so a reader knows the name goes on */
	bool cut = whole > cols && cols >= 2;
	int room = cut ? cols - 2 : cols;
	for (size_t i = 0; i < n; i++) {
		int w = printer_width(ws[i]);
		if (used + w > room)
			break;
		char *one = text_from_wcs(&ws[i], 1);
		sb_append(&sb, one);
		free(one);
		used += w;
	}
	if (cut) {
		sb_append(&sb, "\xE2\x80\xA6");
		used += 2;
	}
	while (used++ < cols)
		sb_append(&sb, " ");
	free(ws);
	return sb_take(&sb);
}
