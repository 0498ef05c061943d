/* console: UTF-8 to the terminal's codeset for the command line's output. */
#include "console.h"

#include <errno.h>
#include <iconv.h>
#include <langinfo.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

static iconv_t console_cd = (iconv_t)-1;

void console_init(void)
{
	const char *codeset = nl_langinfo(CODESET);
	console_done();
	if (strcmp(codeset, "UTF-8") != 0)
		console_cd = iconv_open(codeset, "UTF-8");
}

void console_done(void)
{
	if (console_cd != (iconv_t)-1)
		iconv_close(console_cd);
	console_cd = (iconv_t)-1;
}

/* Length of the UTF-8 sequence starting with byte b (1 for a stray byte). */
static size_t utf8_seq_len(unsigned char b)
{
	return b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
}

/* Writes text that holds nothing a terminal would act on. */
static void console_put_safe(FILE *f, const char *utf8);

void console_puts(FILE *f, const char *utf8)
{
	/* a value from the register or a file (ESC, OSC 52, U+202E) is shown, not obeyed;
	 * the messages' own line breaks, tabs and page breaks pass */
	if (!text_needs_escape(utf8, "\n\t\f")) {
		console_put_safe(f, utf8);
		return;
	}
	char *shown = text_escape(utf8, "\n\t\f");
	console_put_safe(f, shown);
	free(shown);
}

static void console_put_safe(FILE *f, const char *utf8)
{
	if (console_cd == (iconv_t)-1) {
		fputs(utf8, f);
		return;
	}
	size_t inleft = strlen(utf8);
	char *in = (char *)utf8;
	/* GBK and GB18030 need at most 4 bytes for any character */
	size_t cap = inleft * 4 + 1, outleft = cap;
	char *buf = xmalloc(cap), *out = buf;
	iconv(console_cd, NULL, NULL, NULL, NULL);
	while (inleft > 0) {
		if (iconv(console_cd, &in, &inleft, &out, &outleft) != (size_t)-1)
			break;
		if (errno != EILSEQ && errno != EINVAL)
			break;
		/* not in the terminal's codeset: one '?' per character, never silence */
		size_t skip = utf8_seq_len(UCH(*in));
		skip = skip > inleft ? inleft : skip;
		in += skip;
		inleft -= skip;
		*out++ = '?';
		outleft--;
	}
	fwrite(buf, 1, (size_t)(out - buf), f);
	free(buf);
}

void console_printf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	console_puts(f, s);
	free(s);
}
