/* ledger-links: the registers and records that point at a record (see ledger-links.h). */
#include "ledger-links.h"

#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "ledger.h"
#include "rowset.h"
#include "store.h"
#include "util.h"

size_t ledger_links_into(const struct ledger_set *s, const struct ledger_def *d, struct ledger_link **out)
{
	size_t n = 0;
	*out = NULL;
	for (size_t i = 0; i < ledger_count(s); i++) {
		const struct ledger_def *from = ledger_at(s, i);
		const struct form_def *main = ledger_form(from);   /* a link is entered on the main form */
		for (size_t f = 0; f < main->nfields; f++) {
			const struct field_def *fd = &main->fields[f];
			if (fd->type != FIELD_REF || !fd->ref_table || strcmp(fd->ref_table, d->table) != 0)
				continue;
			*out = xrealloc(*out, (n + 1) * sizeof **out);
			(*out)[n++] = (struct ledger_link){ from, fd->name };
		}
	}
	return n;
}

/* The SQL list of d's final states for NOT IN (…): state names are identifiers. */
static void final_states(const struct ledger_def *d, struct strbuf *sb)
{
	size_t n = 0;
	sb_append(sb, "(");
	for (size_t i = 0; i < d->nstates; i++)
		if (d->states[i].final)
			sb_appendf(sb, "%s'%s'", n++ ? ", " : "", d->states[i].name);
	sb_append(sb, n ? ")" : "NULL)");
}

int ledger_links_list(struct store *st, const struct ledger_link *link, int64_t id, size_t offset,
		      size_t limit, struct rowset *out, char **err)
{
	const struct ledger_def *d = link->from;
	char today[11];
	store_today(today);
	/* the columns and order of ledger_list, on the records whose link field is id */
	struct strbuf sb = { 0 };
	sb_append(&sb, "SELECT id, number, state, due, coalesce(due < ?1 AND state NOT IN ");
	final_states(d, &sb);
	sb_append(&sb, ", 0)");
	for (size_t i = 0; i < d->nlist; i++)
		sb_appendf(&sb, ", \"%s\"", strcmp(d->list[i], "deadline") == 0 ? "due" : d->list[i]);
	sb_appendf(&sb, " FROM \"%s\" WHERE \"%s\" = ?2 ORDER BY %s, id DESC LIMIT ?3 OFFSET ?4", d->table,
		   link->field, d->order ? d->order : "id DESC");
	int rc = rowset_select(st, out, err, sb.s, "tlll", today, id, limit ? (int64_t)limit : (int64_t)-1,
			       (int64_t)offset);
	sb_free(&sb);
	return rc;
}

int64_t ledger_links_count(struct store *st, const struct ledger_link *link, int64_t id)
{
	char *sql = xasprintf("SELECT count(*) FROM \"%s\" WHERE \"%s\" = ?1", link->from->table, link->field);
	char *n = rowset_value(st, sql, "l", id);
	free(sql);
	int64_t count = n ? strtoll(n, NULL, 10) : -1;
	free(n);
	return count;
}
