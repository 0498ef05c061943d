/* village: the villages as the screens list and pick them (see village.h). */
#include "village.h"

#include <stdlib.h>
#include <string.h>

#include "rowset.h"

int village_list(struct store *st, const char *query, size_t offset, size_t limit, struct rowset *out,
		 char **err)
{
	return rowset_select(st, out, err,
			     "SELECT v.id, t.name, v.name, v.code FROM village v JOIN town t ON t.id = v.town_id"
			     " WHERE ?1 = '' OR instr(v.name, ?1) > 0 OR instr(t.name, ?1) > 0"
			     " ORDER BY v.code LIMIT ?2 OFFSET ?3",
			     "tll", query ? query : "", (int64_t)limit, (int64_t)offset);
}

char *village_name(struct store *st, int64_t id)
{
	return rowset_value(st, "SELECT name FROM village WHERE id = ?1", "l", id);
}

int village_list_with_all(struct store *st, const char *all_label, const char *query, size_t offset,
			  size_t limit, struct rowset *out, char **err)
{
	return rowset_select(st, out, err,
			     "SELECT * FROM (SELECT 0 AS id, '' AS town, ?4 AS name, '' AS code WHERE ?1 = ''"
			     " UNION ALL SELECT v.id, t.name, v.name, v.code FROM village v JOIN town t ON t.id = v.town_id"
			     " WHERE ?1 = '' OR instr(v.name, ?1) > 0 OR instr(t.name, ?1) > 0)"
			     " ORDER BY code LIMIT ?2 OFFSET ?3",
			     "tllt", query ? query : "", (int64_t)limit, (int64_t)offset, all_label);
}

int village_count_upto2(struct store *st)
{
	char *v = rowset_value(st, "SELECT count(*) FROM (SELECT 1 FROM village LIMIT 2)", NULL);
	int n = v ? atoi(v) : 0;
	free(v);
	return n;
}

bool village_code_ok(const char *code, size_t n)
{
	if (!code || strlen(code) != n)
		return false;
	for (; *code; code++)
		if (*code < '0' || *code > '9')
			return false;
	return true;
}
