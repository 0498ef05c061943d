/* statsheet: rows of figures a model hands a statistics view (see statsheet.h). */
#include "statsheet.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void statsheet_add(struct statsheet *s, const char *label, const char *const *cells, size_t n,
		   double value, const char *note)
{
	s->rows = xrealloc(s->rows, (s->n + 1) * sizeof *s->rows);
	struct statsheet_row *r = &s->rows[s->n++];
	memset(r, 0, sizeof *r);
	r->label = xstrdup(label ? label : "");
	for (size_t i = 0; i < n && i < STATSHEET_CELLS; i++)
		r->cell[i] = xstrdup(cells[i] ? cells[i] : "");
	r->value = value;
	r->note = note ? xstrdup(note) : NULL;
}

void statsheet_say(struct statsheet *s, char *line)
{
	s->summary = xrealloc(s->summary, (s->nsummary + 1) * sizeof *s->summary);
	s->summary[s->nsummary++] = line;
}

void statsheet_free(struct statsheet *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->rows[i].label);
		for (size_t c = 0; c < STATSHEET_CELLS; c++)
			free(s->rows[i].cell[c]);
		free(s->rows[i].note);
	}
	free(s->rows);
	for (size_t i = 0; i < s->nsummary; i++)
		free(s->summary[i]);
	free(s->summary);
	memset(s, 0, sizeof *s);
}
