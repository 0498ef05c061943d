/* datafiles: shipped and override definition files, listed once for every kind. */
#include "datafiles.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* qsort order: by name. */
static int datafile_compare(const void *a, const void *b)
{
	return strcmp(((const struct datafile *)a)->name, ((const struct datafile *)b)->name);
}

/* Adds the files of dir ending in suffix to *list; a file of an existing name
 * replaces it (the override folder is read second). */
static void scan_dir(const char *dir, const char *suffix, struct datafile **list, size_t *n)
{
	DIR *d = dir ? opendir(dir) : NULL;
	size_t slen = strlen(suffix);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len <= slen || strcmp(e->d_name + len - slen, suffix))
			continue;
		char *name = xstrndup(e->d_name, len - slen);
		char *path = xasprintf("%s/%s", dir, e->d_name);
		size_t i = 0;
		while (i < *n && strcmp((*list)[i].name, name) != 0)
			i++;
		if (i == *n) {
			*list = xrealloc(*list, (*n + 1) * sizeof **list);
			(*list)[(*n)++] = (struct datafile){ name, path };
		} else {
			free((*list)[i].path);
			(*list)[i].path = path;
			free(name);
		}
	}
	closedir(d);
}

struct datafile *datafiles_find(const char *dir, const char *override, const char *sub,
				const char *suffix, size_t *n)
{
	struct datafile *list = NULL;
	char *d1 = dir ? xasprintf("%s%s", dir, sub) : NULL;
	char *d2 = override ? xasprintf("%s%s", override, sub) : NULL;
	*n = 0;
	scan_dir(d1, suffix, &list, n);
	scan_dir(d2, suffix, &list, n);
	if (*n)
		qsort(list, *n, sizeof *list, datafile_compare);
	free(d1);
	free(d2);
	return list;
}

void datafiles_free(struct datafile *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(list[i].name);
		free(list[i].path);
	}
	free(list);
}
