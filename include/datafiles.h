/* datafiles: the definition files of a kind (forms, code lists, rubrics) in the
 * shipped folder and the local override folder. A file of the same name in the
 * override folder replaces the shipped one; a new name adds one. */
#ifndef SZ_DATAFILES_H
#define SZ_DATAFILES_H

#include <stddef.h>

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

#endif
