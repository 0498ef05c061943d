/* app: what every screen and command shares for one run of the program. */
#ifndef SZ_APP_H
#define SZ_APP_H

#include <stdint.h>

struct store;
struct form_registry;

struct app {
	struct store *st;
	struct form_registry *forms;
	const char *db_path;
	int64_t village;   /* the screens' village filter (F4, tui-village.h): 0 for every village */
};

#endif
