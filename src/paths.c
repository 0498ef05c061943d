/* paths: locate the database, forms and catalogues. */
#include "paths.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "util.h"

static int is_dir(const char *p)
{
	struct stat sb;
	return p && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static const char *nonempty_env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

/* Creates every missing folder of path's parent chain, owner-only. */
static void make_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return;
		}
		*p = '/';
	}
}

/* The register sudo's clerks use: the service account's own, in the home sudo
 * sets (env_reset), whatever else the clerk's environment says (cli refuses --db). */
static char *sudo_database(void)
{
	struct passwd *pw = getpwuid(getuid());
	const char *home = nonempty_env("HOME") ? getenv("HOME") : pw ? pw->pw_dir : ".";
	char *path = xasprintf("%s/.local/share/shanzhi/shanzhi.db", home);
	make_parents(path);
	return path;
}

char *paths_database(const char *option)
{
	if (run_by_sudo())
		return sudo_database();
	if (option && *option)
		return xstrdup(option);
	const char *env = nonempty_env("SHANZHI_DB");
	if (env)
		return xstrdup(env);
	char *path;
	const char *xdg = nonempty_env("XDG_DATA_HOME");
	if (xdg)
		path = xasprintf("%s/shanzhi/shanzhi.db", xdg);
	else
		path = xasprintf("%s/.local/share/shanzhi/shanzhi.db",
				 nonempty_env("HOME") ? getenv("HOME") : ".");
	make_parents(path);
	return path;
}

const char *paths_forms(void)
{
	const char *env = nonempty_env("SHANZHI_FORMS");
	if (env)
		return env;
	if (is_dir(SZ_DATADIR "/forms") && !is_dir(SZ_SOURCE_FORMS))
		return SZ_DATADIR "/forms";
	return SZ_SOURCE_FORMS;
}

char *paths_forms_local(void)
{
	const char *env = nonempty_env("SHANZHI_FORMS_LOCAL");
	if (env)
		return xstrdup(env);
	const char *xdg = nonempty_env("XDG_CONFIG_HOME");
	if (xdg)
		return xasprintf("%s/shanzhi/forms", xdg);
	return xasprintf("%s/.config/shanzhi/forms",
			 nonempty_env("HOME") ? getenv("HOME") : ".");
}

const char *paths_localedir(void)
{
	const char *env = nonempty_env("SHANZHI_LOCALEDIR");
	if (env)
		return env;
	if (is_dir(SZ_BUILD_LOCALEDIR "/zh_CN"))
		return SZ_BUILD_LOCALEDIR;
	return SZ_LOCALEDIR;
}
