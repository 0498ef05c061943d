/* pathcomp: Tab completion of file names (see pathcomp.h). */
#include "pathcomp.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"
#include "text.h"
#include "util.h"

/* The folder to read for the folder part of the typed text (up to its last '/'),
 * with a second root and "~/" applied as the prompts apply them. Caller frees. */
static char *folder_to_read(const char *part)
{
	const char *home = getenv("HOME");
	const char *root = NULL, *tilde = strstr(part, "/~/");
	for (const char *p = strstr(part, "//"); p; p = strstr(p + 1, "//"))
		root = p + 1;
	if (tilde && (!root || tilde > root) && home && *home)
		return xasprintf("%s%s", home, tilde + 2);
	if (root)
		return xstrdup(root);
	if (part[0] == '~' && part[1] == '/' && home && *home)
		return xasprintf("%s%s", home, part + 1);
	return xstrdup(*part ? part : ".");
}

/* Whether name in folder is a folder itself (a link to one counts). */
static bool is_folder(const char *folder, const char *name)
{
	char *path = xasprintf("%s/%s", folder, name);
	struct stat sb;
	bool dir = stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
	free(path);
	return dir;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The length of the beginning all the names share, cut back to a whole UTF-8
 * character so a Chinese name is never completed by half a character. */
static size_t shared_prefix(char **names, size_t n)
{
	size_t len = strlen(names[0]);
	for (size_t i = 1; i < n; i++) {
		size_t k = 0;
		while (k < len && names[i][k] == names[0][k])
			k++;
		len = k;
	}
	while (len > 0 && ((unsigned char)names[0][len] & 0xC0) == 0x80)
		len--;
	return len;
}

size_t pathcomp_complete(const char *typed, struct pathcomp *out)
{
	memset(out, 0, sizeof *out);
	const char *slash = strrchr(typed, '/');
	size_t dir_len = slash ? (size_t)(slash - typed) + 1 : 0;
	const char *base = typed + dir_len;
	char *part = xstrndup(typed, dir_len);
	char *folder = folder_to_read(part);
	DIR *d = opendir(folder);
	for (struct dirent *e; d && (e = readdir(d));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (strncmp(e->d_name, base, strlen(base)) != 0 || (e->d_name[0] == '.' && base[0] != '.'))
			continue;   /* hidden files only when asked for, as in a shell */
		out->names = xrealloc(out->names, (out->n + 1) * sizeof *out->names);
		out->names[out->n++] = is_folder(folder, e->d_name) ? xasprintf("%s/", e->d_name) : xstrdup(e->d_name);
	}
	if (d)
		closedir(d);
	if (out->n)
		qsort(out->names, out->n, sizeof *out->names, by_name);
	size_t keep = out->n ? shared_prefix(out->names, out->n) : strlen(base);
	out->completed = xasprintf("%s%.*s", part, (int)keep, out->n ? out->names[0] : base);
	free(part);
	free(folder);
	return out->n;
}

void pathcomp_free(struct pathcomp *pc)
{
	for (size_t i = 0; i < pc->n; i++)
		free(pc->names[i]);
	free(pc->names);
	free(pc->completed);
	memset(pc, 0, sizeof *pc);
}

char *pathcomp_list(const struct pathcomp *pc, int cols)
{
	struct strbuf sb = { 0 };
	int used = 0;
	for (size_t i = 0; i < pc->n; i++) {
		char *more = xasprintf(_("… %zu more"), pc->n - i);
		int w = text_width(pc->names[i]) + 2;
		bool last = i + 1 == pc->n;
		if (used + w + (last ? 0 : text_width(more)) > cols) {
			sb_append(&sb, more);   /* what is left, counted */
			free(more);
			break;
		}
		free(more);
		sb_appendf(&sb, "%s  ", pc->names[i]);
		used += w;
	}
	return sb_take(&sb);
}
