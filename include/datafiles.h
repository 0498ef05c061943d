/* datafiles: the definition files of a kind (forms, code lists, rubrics) in the
 * shipped folder and the local override folder. A file of the same name in the
 * override folder replaces the shipped one; a new name adds one. */
#ifndef SZ_DATAFILES_H
#define SZ_DATAFILES_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf;

struct datafile {
	char *name;      /* file name without the suffix */
	char *path;      /* the local file when there is one, else the shipped one */
	char *shipped;   /* the shipped file a local one replaces, or NULL */
};

/* How one kind of definition file is read, for datafiles_load. */
struct datafile_kind {
	const char *sub;      /* "" or "/codes"-style */
	const char *suffix;   /* ".codes"-style */
	/* The thing made of one file's text, or NULL when nothing of it is usable;
	 * every problem appended to errors as "file:line: ..." (datafiles_verror). */
	void *(*parse)(void *ctx, const char *path, const char *name, const char *text,
		       struct strbuf *errors);
	void (*keep)(void *ctx, void *item);   /* takes over a clean file's item */
	void (*discard)(void *item);           /* frees an item that is not kept */
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

/* The one loading policy of everything under forms/ (forms/README.md): a file with
 * a mistake is never half used. A broken local file is reported and the shipped one
 * of the same name is used instead; a broken file with nothing to fall back on is
 * reported and left out. Every problem goes to errors as "file:line: ...", to be
 * shown as a warning: what is loaded is sound, so the caller carries on. */
void datafiles_load(const char *dir, const char *override, const struct datafile_kind *kind,
		    void *ctx, struct strbuf *errors);
/* The same for the one file named name (a template, one code list); its item or
 * NULL, which the caller frees with kind->discard (kind->keep is not called). */
void *datafiles_load_named(const char *dir, const char *override,
			   const struct datafile_kind *kind, const char *name, void *ctx,
			   struct strbuf *errors);
/* Every problem datafiles_load and datafiles_load_named met in this process, each
 * file's once, for the command line to show as a warning; NULL when none. The log
 * is emptied. Caller frees. */
char *datafiles_take_reported(void);

#endif
