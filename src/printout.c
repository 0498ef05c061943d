/* printout: encode a document and deliver it to a file, stdout or lpr. */
#include "printout.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* The exit status lpr's child gives when lpr cannot be started at all. */
#define LPR_MISSING 127

/* Writes n bytes to fd, going on after signals; false when the reader went away. */
static bool write_fd(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		s += w;
		n -= (size_t)w;
	}
	return true;
}

/* The first line lpr wrote to its standard error (in the locale's encoding as lpr
 * wrote it, so only its ASCII is kept), or NULL. Caller frees. */
static char *first_line(FILE *f)
{
	char line[200];
	rewind(f);
	if (!fgets(line, sizeof line, f))
		return NULL;
	struct strbuf sb = { 0 };
	const char *start = strncmp(line, "lpr: ", 5) == 0 ? line + 5 : line;   /* named already */
	for (const char *c = start; *c && *c != '\n'; c++)
		if (UCH(*c) >= 0x20 && UCH(*c) < 0x7F)
			sb_appendf(&sb, "%c", *c);
	return sb.s ? sb_take(&sb) : NULL;
}

/* Starts lpr with its standard input a pipe (*to) and its standard error errf, so
 * that nothing it or a shell says reaches the clerk's screen; -1 when it cannot. */
static pid_t lpr_start(FILE *errf, int *to)
{
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[0], 0);
		dup2(fileno(errf), 1);
		dup2(fileno(errf), 2);
		close(fds[0]);
		close(fds[1]);
		execlp("lpr", "lpr", (char *)NULL);
		_exit(LPR_MISSING);
	}
	close(fds[0]);
	if (pid < 0)
		close(fds[1]);
	else
		*to = fds[1];
	return pid;
}

/* Hands the document to lpr; -1 with one translated *err when it is not installed
 * or does not take the document (its own reason added, its text never shown raw). */
static int printout_lpr(const char *bytes, size_t n, char **err)
{
	FILE *errf = tmpfile();
	int to = -1, st = -1;
	pid_t pid = errf ? lpr_start(errf, &to) : -1;
	if (pid > 0) {
		/* lpr gone early must not kill the program with SIGPIPE */
		struct sigaction ign = { .sa_handler = SIG_IGN }, old;
		sigemptyset(&ign.sa_mask);
		sigaction(SIGPIPE, &ign, &old);
		bool sent = write_fd(to, bytes, n);
		close(to);
		sigaction(SIGPIPE, &old, NULL);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (!sent && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			st = -1;
	}
	int rc = 0;
	if (pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == LPR_MISSING) {
		rc = -1, *err = xstrdup(_("There is no printing program (lpr) on this computer: write the document to a file, or ask for a printer to be set up."));
	} else if (pid <= 0 || st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char *why = errf ? first_line(errf) : NULL;
		rc = -1, *err = why ? xasprintf(_("The printer did not take the document (lpr: %s): check that a printer is set up and switched on, or write the document to a file."), why)
				    : xstrdup(_("The printer did not take the document: check that a printer is set up and switched on, or write the document to a file."));
		free(why);
	}
	if (errf)
		fclose(errf);
	return rc;
}

int printout_deliver(const char *utf8, const char *encoding, const char *dest, char **err)
{
	size_t n;
	/* a stored ESC would drive the printer or the terminal: it is printed visibly; a
	 * byte-order mark that opens the document marks its encoding, it is no content */
	static const char bom[] = "\xEF\xBB\xBF";
	bool has_bom = strncmp(utf8, bom, 3) == 0;
	char *escaped = text_escape(utf8 + (has_bom ? 3 : 0), "\n\r\t\f");
	char *shown = has_bom ? xasprintf("%s%s", bom, escaped) : escaped;
	if (has_bom)
		free(escaped);
	char *bytes = printout_encode(shown, encoding, &n, err);
	free(shown);
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
		rc = printout_lpr(bytes, n, err);
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
