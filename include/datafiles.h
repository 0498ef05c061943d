/* datafiles: the definition files of a kind (forms, code lists, rubrics) in the
 * shipped folder and the local override folder. A file of the same name in the
 * override folder replaces the shipped one; a new name adds one. */
#ifndef SZ_DATAFILES_H
#define SZ_DATAFILES_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf;

struct datafile {
	char *name;   /* file name without the suffix */
	char *path;
};

/* The files under dir/sub then override/sub (either may be NULL or missing) whose
 * names end in suffix, sorted by name so loading and messages are reproducible.
 * sub is "" or "/codes"-style. Free with datafiles_free. */
struct datafile *datafiles_find(const char *dir, const char *override, const char *sub,
				const char *suffix, size_t *n);
void datafiles_free(struct datafile *list, size_t n);

/* Appends "file:line: message" and a newline to errors. */
void datafiles_verror(struct strbuf *errors, const char *file, int line, const char *fmt,
		      va_list ap) __attribute__((format(printf, 4, 0)));
/* Reads a definition file whole (at most 1 MiB, no NUL bytes); NULL after appending
 * "path:0: why" to errors. Caller frees. */
char *datafiles_read(const char *path, struct strbuf *errors);
/* Calls fn for each logical line of text with the number of the line it starts on:
 * a BOM and CR line ends are dropped, a trailing \ joins the next line, blank lines
 * and # comments are skipped, and a line that is not UTF-8 is reported, not passed. */
void datafiles_each_line(const char *file, const char *text, struct strbuf *errors,
			 void (*fn)(void *ctx, int line, const char *text), void *ctx);

#endif
