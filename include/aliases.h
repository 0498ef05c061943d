/* aliases: the header names rosters give the fields import maps columns to, read
 * from forms/import/NAME.aliases (forms/README.md), so a township adds the name its
 * upstream system writes (户员姓名) without a new program.
 *
 * A file holds "FIELD = header, header, ..." lines. Files load under datafiles_load's
 * policy: a local file of a shipped name replaces it (a broken one is reported and
 * the shipped one used), a local file of a new name adds its headers. Headers are
 * compared as aliases_key makes them. */
#ifndef SZ_ALIASES_H
#define SZ_ALIASES_H

struct aliases;
struct strbuf;

/* Loads import/\*.aliases under dir then override (either may be NULL or missing);
 * a line naming a field not in targets (NULL-terminated) is a problem. Problems go
 * to errors as "file:line: ...". Never NULL; free with aliases_free. */
struct aliases *aliases_load(const char *dir, const char *override,
			     const char *const *targets, struct strbuf *errors);
void aliases_free(struct aliases *a);
/* The field whose header key is key (aliases_key's), or NULL; a header two files
 * give to different fields belongs to the file first by name. */
const char *aliases_target(const struct aliases *a, const char *key);
/* A header as compared: full-width forms to ASCII, no spaces, no '*' marks of
 * required columns, no trailing colon. Caller frees. */
char *aliases_key(const char *header);

#endif
