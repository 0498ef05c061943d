/* vgroup: the villagers' groups (村民小组) of each village, which a household's
 * village_group must name.
 *
 * Table (vgroup_schema_v1, appended to the schema's steps):
 *   village_group(id, village_id, name, sort, active 1/0)
 *       name   as households hold it ("3组"), unique within its village
 *       sort   the order lists show (migrated groups: by their number)
 *       active 0: no longer picked for a household (merged, dissolved)
 * The step fills each village's groups from the distinct values its households hold
 * (the household's village is its grid's; a household without a grid counts for the
 * village when the register has only one), so no register's data changes or is lost,
 * and writes one bulk audit entry for the rows it made (vgroup_audit_migrated).
 *
 * The household form checks the value against the active groups (forms/household.form,
 * lookup); store_check reports a household whose group is none of its village's.
 * Every change goes through store_insert/store_update; a rename or a deactivation
 * moves the village's households in the same transaction, each update audited.
 * Functions returning int give 0 or -1 with a caller-freed message in *err. */
#ifndef SZ_VGROUP_H
#define SZ_VGROUP_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

extern const char vgroup_schema_v1[];

/* After vgroup_schema_v1 ran (inside the migration's transaction): one bulk audit
 * entry for the groups it filled in, none when there are none. */
int vgroup_audit_migrated(sqlite3 *db, char **err);

struct vgroup {
	int64_t id;
	char *name;
	bool active;
	long households;   /* of its village holding this name */
};

/* The town and village the register describes (its first village), "town village"
 * for the main menu's heading; NULL when it has none. Caller frees. */
char *vgroup_register_title(struct store *st);
/* A village's groups in their order, inactive ones included. */
int vgroup_list(struct store *st, int64_t village_id, struct vgroup **out, size_t *n, char **err);
void vgroup_list_free(struct vgroup *g, size_t n);
/* Adds a group at the end of the village's list; its id in *id (may be NULL). */
int vgroup_add(struct store *st, int64_t village_id, const char *name, int64_t *id, char **err);
/* Renames a group and the village's households that hold its old name; how many in
 * *moved (may be NULL). A name the village already has is refused. */
int vgroup_rename(struct store *st, int64_t id, const char *name, long *moved, char **err);
/* Takes a group off the lists. Its households move to move_to (another active group
 * of the same village); with households and move_to 0 it is refused. */
int vgroup_deactivate(struct store *st, int64_t id, int64_t move_to, long *moved, char **err);
/* The village of a household in grid grid_id (0: no grid, then the register's only
 * village); its name in *name when not NULL (caller frees). 0 when there is none. */
int64_t vgroup_village_of(struct store *st, int64_t grid_id, char **name);
/* Puts a deactivated group back on the lists. */
int vgroup_activate(struct store *st, int64_t id, char **err);

#endif
