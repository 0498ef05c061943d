/* app: what every screen and command shares for one run of the program. */
#ifndef SZ_APP_H
#define SZ_APP_H

struct store;
struct form_registry;

struct app {
	struct store *st;
	struct form_registry *forms;
	const char *db_path;
};

#endif
