/* rubric: the rubric parser and the set of rubrics (see rubric.h).
 *
 * The parser works as the form parser does: one pass over the lines, sections
 * [rubric], [star CODE], [disqualify CODE] and [level N], "key = value" lines checked
 * against a table of keys per section, every problem one "file:line: what is wrong"
 * line, the rest of the file read on regardless. What needs the whole file (a
 * disqualifier naming a star defined later, levels in order) is checked at the end. */
#include "rubric.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "datafiles.h"
#include "i18n.h"
#include "text.h"
#include "util.h"

#define MAX_POINTS 1000

enum section { SEC_NONE, SEC_RUBRIC, SEC_STAR, SEC_DISQ, SEC_LEVEL, SEC_BAD };

enum key_id {
	K_NAME, K_TITLE, K_YEAR, K_VERSION, K_TOWNSHIP, K_LEVEL_BY,   /* [rubric] */
	K_EARNS, K_TYPE, K_MAX, K_THRESHOLD,                          /* [star] (+ name) */
	K_WITHHOLDS,                                                  /* [disqualify] (+ name) */
	K_MIN,                                                        /* [level] (+ name) */
	K_COUNT
};

static const char *const key_names[K_COUNT] = {
	"name", "title", "year", "version", "township", "level_by",
	"earns", "type", "max", "threshold", "withholds", "min",
};

/* The keys each section accepts, K_COUNT-terminated. */
static const enum key_id section_keys[][8] = {
	[SEC_NONE] = { K_COUNT },
	[SEC_RUBRIC] = { K_NAME, K_TITLE, K_YEAR, K_VERSION, K_TOWNSHIP, K_LEVEL_BY, K_COUNT },
	[SEC_STAR] = { K_NAME, K_EARNS, K_TYPE, K_MAX, K_THRESHOLD, K_COUNT },
	[SEC_DISQ] = { K_NAME, K_WITHHOLDS, K_COUNT },
	[SEC_LEVEL] = { K_NAME, K_MIN, K_COUNT },
	[SEC_BAD] = { K_COUNT },
};

static const char *const section_names[] = {
	[SEC_NONE] = "", [SEC_RUBRIC] = "rubric", [SEC_STAR] = "star",
	[SEC_DISQ] = "disqualify", [SEC_LEVEL] = "level", [SEC_BAD] = "",
};

/* The state of parsing one file. */
struct parse {
	const char *file;
	int line;
	struct strbuf *errors;
	struct rubric *r;
	enum section section;
	int rubric_line;
	int seen[K_COUNT];          /* line where the current section gave each key */
	char **withholds_text;      /* per disqualifier: its withholds value, resolved at the end */
	int *withholds_line;
	bool star_has_type_points;  /* the current star said type = points */
};

/* Appends "file:line: message". */
__attribute__((format(printf, 3, 4)))
static void perr(struct parse *p, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	datafiles_verror(p->errors, p->file, line, fmt, ap);
	va_end(ap);
}

/* A copy of s[0..n) without surrounding blanks. Caller frees. */
static char *trim_copy(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return xstrndup(s, n);
}

/* A code: letters, digits, '_' and '-'. */
static bool is_code(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(isalnum(UCH(*s)) || *s == '_' || *s == '-'))
			return false;
	return true;
}

/* A whole number lo..hi; false for anything else. */
static bool parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	if (!isdigit(UCH(*s)))
		return false;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (*end || errno || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

/* FNV-1a over the text: a rubric changed in place no longer matches its rounds. */
static void checksum(const char *text, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const unsigned char *s = (const unsigned char *)text; *s; s++) {
		h ^= *s;
		h *= 0x100000001b3ULL;
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* ---- sections ---- */

/* The star being read (the last one started). */
static struct rubric_star *cur_star(struct parse *p)
{
	return &p->r->stars[p->r->nstars - 1];
}

/* The disqualifier being read. */
static struct rubric_disqualifier *cur_disq(struct parse *p)
{
	return &p->r->disq[p->r->ndisq - 1];
}

/* The level being read. */
static struct rubric_level *cur_level(struct parse *p)
{
	return &p->r->levels[p->r->nlevels - 1];
}

/* Checks the section that just ended: what it lacks or contradicts. */
static void section_finish(struct parse *p)
{
	if (p->section == SEC_STAR) {
		struct rubric_star *s = cur_star(p);
		if (!s->name)
			perr(p, s->line, _("star %s: missing name"), s->code);
		if (s->scoring == RUBRIC_POINTS && !p->seen[K_MAX])
			perr(p, s->line, _("star %s: a points star needs max = the most points"), s->code);
		if (s->scoring == RUBRIC_POINTS && !p->seen[K_THRESHOLD])
			perr(p, s->line, _("star %s: a points star needs threshold = the points that earn it"),
			     s->code);
		if (s->scoring == RUBRIC_PASS && (p->seen[K_MAX] || p->seen[K_THRESHOLD]))
			perr(p, p->seen[K_MAX] ? p->seen[K_MAX] : p->seen[K_THRESHOLD],
			     _("star %s: max and threshold belong to type = points"), s->code);
		if (s->scoring == RUBRIC_POINTS && s->threshold > s->max)
			perr(p, p->seen[K_THRESHOLD], _("star %s: threshold %d is more than max %d"),
			     s->code, s->threshold, s->max);
		if (s->scoring == RUBRIC_PASS)
			s->max = s->threshold = 1;
	} else if (p->section == SEC_DISQ && !cur_disq(p)->name) {
		perr(p, cur_disq(p)->line, _("disqualify %s: missing name"), cur_disq(p)->code);
	} else if (p->section == SEC_LEVEL && !p->seen[K_MIN]) {
		perr(p, cur_level(p)->line, _("level %d: missing min (stars or points needed)"),
		     cur_level(p)->level);
	}
}

/* Starts [star CODE]; refuses a repeated code. */
static void start_star(struct parse *p, char *code)
{
	int dup = rubric_star_index(p->r, code);
	if (dup >= 0) {
		perr(p, p->line, _("star %s is defined twice (first at line %d)"), code,
		     p->r->stars[dup].line);
		free(code);
		return;
	}
	struct rubric *r = p->r;
	r->stars = xrealloc(r->stars, (r->nstars + 1) * sizeof *r->stars);
	r->stars[r->nstars++] = (struct rubric_star){ .code = code, .line = p->line, .max = 1, .threshold = 1 };
	p->section = SEC_STAR;
}

/* Starts [disqualify CODE]; refuses a repeated code. */
static void start_disq(struct parse *p, char *code)
{
	int dup = rubric_disq_index(p->r, code);
	if (dup >= 0) {
		perr(p, p->line, _("disqualify %s is defined twice (first at line %d)"), code,
		     p->r->disq[dup].line);
		free(code);
		return;
	}
	struct rubric *r = p->r;
	r->disq = xrealloc(r->disq, (r->ndisq + 1) * sizeof *r->disq);
	r->disq[r->ndisq++] = (struct rubric_disqualifier){ .code = code, .line = p->line, .all = true };
	p->withholds_text = xrealloc(p->withholds_text, r->ndisq * sizeof *p->withholds_text);
	p->withholds_line = xrealloc(p->withholds_line, r->ndisq * sizeof *p->withholds_line);
	p->withholds_text[r->ndisq - 1] = NULL;
	p->withholds_line[r->ndisq - 1] = 0;
	p->section = SEC_DISQ;
}

/* Starts [level N]; refuses a repeated level. */
static void start_level(struct parse *p, char *arg)
{
	int level;
	if (!parse_int(arg, 1, 99, &level)) {
		perr(p, p->line, _("[level %s]: the level is a number from 1 to 99"), arg);
		free(arg);
		return;
	}
	free(arg);
	struct rubric *r = p->r;
	for (size_t i = 0; i < r->nlevels; i++)
		if (r->levels[i].level == level) {
			perr(p, p->line, _("level %d is defined twice (first at line %d)"), level,
			     r->levels[i].line);
			return;
		}
	r->levels = xrealloc(r->levels, (r->nlevels + 1) * sizeof *r->levels);
	r->levels[r->nlevels++] = (struct rubric_level){ .level = level, .line = p->line };
	p->section = SEC_LEVEL;
}

/* A section header line: [rubric], [star CODE], [disqualify CODE] or [level N]. */
static void section_line(struct parse *p, const char *line)
{
	const char *close = strrchr(line, ']');
	section_finish(p);
	memset(p->seen, 0, sizeof p->seen);
	p->section = SEC_BAD;
	if (!close || close[1]) {
		perr(p, p->line, _("a section header ends with ]"));
		return;
	}
	char *inner = trim_copy(line + 1, (size_t)(close - line - 1));
	size_t word = strcspn(inner, " \t");
	char *arg = trim_copy(inner + word, strlen(inner + word));
	inner[word] = '\0';
	if (strcmp(inner, "rubric") == 0 && !*arg) {
		if (p->rubric_line)
			perr(p, p->line, _("a second [rubric] section (the first is at line %d)"),
			     p->rubric_line);
		else {
			p->rubric_line = p->line;
			p->section = SEC_RUBRIC;
		}
	} else if ((strcmp(inner, "star") == 0 || strcmp(inner, "disqualify") == 0) && *arg) {
		if (!is_code(arg))
			perr(p, p->line, _("[%s %s]: the code is letters, digits, _ and -"), inner, arg);
		else if (*inner == 's') {
			start_star(p, arg);
			arg = NULL;
		} else {
			start_disq(p, arg);
			arg = NULL;
		}
	} else if (strcmp(inner, "level") == 0 && *arg) {
		start_level(p, arg);
		arg = NULL;
	} else {
		perr(p, p->line, _("unknown section [%s%s%s]; valid sections: [rubric], [star CODE], "
				   "[disqualify CODE], [level N]"), inner, *arg ? " " : "", arg);
	}
	free(arg);
	free(inner);
}

/* "a, b, c": the keys of the current section, for a message about an unknown one. */
static char *valid_keys(enum section s)
{
	struct strbuf sb = { 0 };
	for (size_t i = 0; section_keys[s][i] != K_COUNT; i++)
		sb_appendf(&sb, "%s%s", i ? ", " : "", key_names[section_keys[s][i]]);
	return sb_take(&sb);
}

/* The key's id if the current section accepts it, else K_COUNT. */
static enum key_id find_key(enum section s, const char *key)
{
	for (size_t i = 0; section_keys[s][i] != K_COUNT; i++)
		if (strcmp(key_names[section_keys[s][i]], key) == 0)
			return section_keys[s][i];
	return K_COUNT;
}

/* Stores a text value into *slot. */
static void set_text(char **slot, const char *value)
{
	free(*slot);
	*slot = xstrdup(value);
}

/* Reports a number out of range and says which. */
static void bad_number(struct parse *p, const char *key, const char *value, int lo, int hi)
{
	perr(p, p->line, _("%s: '%s' is not a number from %d to %d"), key, value, lo, hi);
}

/* A key of [rubric]. */
static void rubric_key(struct parse *p, enum key_id k, const char *v)
{
	struct rubric *r = p->r;
	switch (k) {
	case K_NAME:
		if (!is_code(v))
			perr(p, p->line, _("name: '%s' is not a name (letters, digits, _ and -)"), v);
		else
			set_text(&r->name, v);
		break;
	case K_TITLE: set_text(&r->title, v); break;
	case K_YEAR:
		if (!parse_int(v, 2000, 2100, &r->year))
			bad_number(p, "year", v, 2000, 2100);
		break;
	case K_VERSION:
		if (!parse_int(v, 1, 9999, &r->version))
			bad_number(p, "version", v, 1, 9999);
		break;
	case K_TOWNSHIP:
		if (strlen(v) != 9 || strspn(v, "0123456789") != 9)
			perr(p, p->line, _("township: '%s' is not a 9-digit town code (520111101 for 青岩镇)"), v);
		else
			set_text(&r->township, v);
		break;
	case K_LEVEL_BY:
		if (strcmp(v, "stars") == 0)
			r->basis = RUBRIC_BY_STARS;
		else if (strcmp(v, "points") == 0)
			r->basis = RUBRIC_BY_POINTS;
		else
			perr(p, p->line, _("level_by: '%s' is neither stars nor points"), v);
		break;
	default: break;
	}
}

/* A key of [star], [disqualify] or [level]. */
static void item_key(struct parse *p, enum key_id k, const char *v)
{
	if (p->section == SEC_STAR) {
		struct rubric_star *s = cur_star(p);
		switch (k) {
		case K_NAME: set_text(&s->name, v); break;
		case K_EARNS: set_text(&s->earns, v); break;
		case K_TYPE:
			if (strcmp(v, "pass") == 0)
				s->scoring = RUBRIC_PASS;
			else if (strcmp(v, "points") == 0)
				s->scoring = RUBRIC_POINTS;
			else
				perr(p, p->line, _("type: '%s' is neither pass nor points"), v);
			break;
		case K_MAX:
			if (!parse_int(v, 1, MAX_POINTS, &s->max))
				bad_number(p, "max", v, 1, MAX_POINTS);
			break;
		case K_THRESHOLD:
			if (!parse_int(v, 0, MAX_POINTS, &s->threshold))
				bad_number(p, "threshold", v, 0, MAX_POINTS);
			break;
		default: break;
		}
	} else if (p->section == SEC_DISQ) {
		if (k == K_NAME)
			set_text(&cur_disq(p)->name, v);
		else {
			set_text(&p->withholds_text[p->r->ndisq - 1], v);
			p->withholds_line[p->r->ndisq - 1] = p->line;
		}
	} else if (p->section == SEC_LEVEL) {
		if (k == K_NAME)
			set_text(&cur_level(p)->name, v);
		else if (!parse_int(v, 0, MAX_POINTS * 100, &cur_level(p)->min))
			bad_number(p, "min", v, 0, MAX_POINTS * 100);
	}
}

/* A "key = value" line of the current section. */
static void key_line(struct parse *p, const char *line)
{
	if (p->section == SEC_BAD)
		return;  /* the header was reported; its keys would only repeat that */
	if (p->section == SEC_NONE) {
		perr(p, p->line, _("a key before any section; start with [rubric]"));
		return;
	}
	const char *eq = strchr(line, '=');
	if (!eq) {
		perr(p, p->line, _("expected key = value"));
		return;
	}
	char *key = trim_copy(line, (size_t)(eq - line));
	char *value = trim_copy(eq + 1, strlen(eq + 1));
	enum key_id k = find_key(p->section, key);
	if (k == K_COUNT) {
		char *valid = valid_keys(p->section);
		perr(p, p->line, _("unknown key '%s' in [%s]; valid keys: %s"), key,
		     section_names[p->section], valid);
		free(valid);
	} else if (p->seen[k]) {
		perr(p, p->line, _("%s is given twice (first at line %d)"), key, p->seen[k]);
	} else if (!*value) {
		perr(p, p->line, _("%s: the value is empty"), key);
	} else {
		p->seen[k] = p->line;
		if (p->section == SEC_RUBRIC)
			rubric_key(p, k, value);
		else
			item_key(p, k, value);
	}
	free(key);
	free(value);
}

/* One logical line: a header or a key. */
static void one_line(struct parse *p, const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line || *line == '#')
		return;
	if (*line == '[')
		section_line(p, line);
	else
		key_line(p, line);
}

/* Reads one logical line at its line number. */
static void rubric_line(void *ctx, int line, const char *text)
{
	struct parse *p = ctx;
	p->line = line;
	one_line(p, text);
}

/* Splits the text into logical lines (see datafiles_each_line) and reads each. */
static void read_lines(struct parse *p, const char *text)
{
	datafiles_each_line(p->file, text, p->errors, rubric_line, p);
}

/* Resolves "withholds = all" or "S01, S02" of every disqualifier into flags. */
static void resolve_withholds(struct parse *p)
{
	struct rubric *r = p->r;
	for (size_t d = 0; d < r->ndisq; d++) {
		struct rubric_disqualifier *dq = &r->disq[d];
		const char *v = p->withholds_text[d];
		dq->withholds = xcalloc(r->nstars ? r->nstars : 1, sizeof *dq->withholds);
		dq->all = !v || strcmp(v, "all") == 0;
		for (const char *s = v; s && !dq->all && *s;) {
			size_t n = strcspn(s, ",");
			char *code = trim_copy(s, n);
			int i = rubric_star_index(r, code);
			if (i < 0)
				perr(p, p->withholds_line[d], _("disqualify %s: withholds names no star %s "
								"(all, or star codes separated by commas)"),
				     dq->code, code);
			else
				dq->withholds[i] = true;
			free(code);
			s += n + (s[n] == ',');
		}
	}
}

/* qsort order of levels: ascending. */
static int level_compare(const void *a, const void *b)
{
	return ((const struct rubric_level *)a)->level - ((const struct rubric_level *)b)->level;
}

/* Levels: a higher level needs more; a points rubric needs levels and points stars. */
static void check_levels(struct parse *p)
{
	struct rubric *r = p->r;
	int at = p->rubric_line ? p->rubric_line : 1;
	if (r->nlevels)
		qsort(r->levels, r->nlevels, sizeof *r->levels, level_compare);
	for (size_t i = 1; i < r->nlevels; i++)
		if (r->levels[i].min <= r->levels[i - 1].min)
			perr(p, r->levels[i].line, _("level %d needs %d, not more than level %d's %d"),
			     r->levels[i].level, r->levels[i].min, r->levels[i - 1].level,
			     r->levels[i - 1].min);
	if (r->basis == RUBRIC_BY_POINTS) {
		if (!r->nlevels)
			perr(p, at, _("level_by = points needs [level N] sections with min = points"));
		for (size_t i = 0; i < r->nstars; i++)
			if (r->stars[i].scoring != RUBRIC_POINTS)
				perr(p, r->stars[i].line, _("star %s: level_by = points needs type = points"),
				     r->stars[i].code);
	}
}

/* Checks the whole file once read. */
static void rubric_finish(struct parse *p, const char *basename)
{
	struct rubric *r = p->r;
	int at = p->rubric_line ? p->rubric_line : 1;
	section_finish(p);
	if (!p->rubric_line)
		perr(p, 1, _("no [rubric] section"));
	if (!r->name)
		r->name = xstrdup(basename);
	if (p->rubric_line && !r->title)
		perr(p, at, _("[rubric]: missing title"));
	if (p->rubric_line && !r->year)
		perr(p, at, _("[rubric]: missing year"));
	if (p->rubric_line && !r->version)
		perr(p, at, _("[rubric]: missing version (1 for the first; a change is a new file with the next)"));
	if (!r->nstars)
		perr(p, at, _("the rubric has no [star CODE] section"));
	resolve_withholds(p);
	check_levels(p);
}

struct rubric *rubric_parse(const char *file, const char *basename, const char *text,
			    char **errors)
{
	struct strbuf sb = { 0 };
	if (errors && *errors)
		sb_append(&sb, *errors);
	size_t before = sb.len;
	struct parse p = { .file = file, .errors = &sb, .r = xcalloc(1, sizeof *p.r) };
	p.r->file = xstrdup(file);
	checksum(text, p.r->sum);
	read_lines(&p, text);
	rubric_finish(&p, basename);
	for (size_t d = 0; d < p.r->ndisq; d++)
		free(p.withholds_text[d]);
	free(p.withholds_text);
	free(p.withholds_line);
	bool bad = sb.len > before;
	if (errors) {
		free(*errors);
		*errors = sb.len ? sb_take(&sb) : NULL;
	}
	sb_free(&sb);
	/* a rubric with a mistake would give households wrong stars: it is not used */
	if (bad) {
		rubric_free(p.r);
		return NULL;
	}
	return p.r;
}

void rubric_free(struct rubric *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nstars; i++) {
		free(r->stars[i].code);
		free(r->stars[i].name);
		free(r->stars[i].earns);
	}
	for (size_t i = 0; i < r->ndisq; i++) {
		free(r->disq[i].code);
		free(r->disq[i].name);
		free(r->disq[i].withholds);
	}
	for (size_t i = 0; i < r->nlevels; i++)
		free(r->levels[i].name);
	free(r->stars);
	free(r->disq);
	free(r->levels);
	free(r->name);
	free(r->title);
	free(r->file);
	free(r->township);
	free(r);
}

int rubric_star_index(const struct rubric *r, const char *code)
{
	for (size_t i = 0; r && code && i < r->nstars; i++)
		if (strcmp(r->stars[i].code, code) == 0)
			return (int)i;
	return -1;
}

int rubric_disq_index(const struct rubric *r, const char *code)
{
	for (size_t i = 0; r && code && i < r->ndisq; i++)
		if (strcmp(r->disq[i].code, code) == 0)
			return (int)i;
	return -1;
}

char *rubric_level_name(const struct rubric *r, int level)
{
	for (size_t i = 0; i < r->nlevels; i++)
		if (r->levels[i].level == level && r->levels[i].name)
			return xstrdup(_(r->levels[i].name));
	if (level <= 0)
		return xstrdup(_("no star level"));
	return xasprintf(_("%d-star household"), level);
}

int rubric_top_level(const struct rubric *r)
{
	if (r->nlevels)
		return r->levels[r->nlevels - 1].level;
	return (int)r->nstars;
}

/* ---- the set ---- */

struct rubric_set {
	struct rubric **items;
	size_t n;
};

/* datafiles' parse for a .rubric file; a second rubric of the same name and version
 * is refused. */
static void *rubric_file_parse(void *ctx, const char *path, const char *name, const char *text,
			       struct strbuf *errors)
{
	const struct rubric_set *set = ctx;
	char *errs = NULL;
	struct rubric *r = rubric_parse(path, name, text, &errs);
	const struct rubric *dup = r ? rubric_get(set, r->name, r->version) : NULL;
	if (errs)
		sb_append(errors, errs);
	free(errs);
	if (dup) {
		sb_appendf(errors, "%s:1: ", path);
		sb_appendf(errors, _("rubric %s version %d is already defined in %s; a new version needs a new number"),
			   r->name, r->version, dup->file);
		sb_append(errors, "\n");
		rubric_free(r);
		r = NULL;
	}
	return r;
}

/* datafiles' keep for a rubric. */
static void rubric_keep(void *ctx, void *item)
{
	struct rubric_set *set = ctx;
	set->items = xrealloc(set->items, (set->n + 1) * sizeof *set->items);
	set->items[set->n++] = item;
}

/* datafiles' discard for a rubric. */
static void rubric_discard(void *item)
{
	rubric_free(item);
}

static const struct datafile_kind rubric_kind = {
	"/rubrics", ".rubric", rubric_file_parse, rubric_keep, rubric_discard
};

struct rubric_set *rubric_set_load(const char *dir, const char *override, char **errors)
{
	struct rubric_set *set = xcalloc(1, sizeof *set);
	struct strbuf sb = { 0 };
	datafiles_load(dir, override, &rubric_kind, set, &sb);
	if (errors && sb.len) {
		char *joined = xasprintf("%s%s", *errors ? *errors : "", sb.s);
		free(*errors);
		*errors = joined;
	}
	sb_free(&sb);
	return set;
}

void rubric_set_free(struct rubric_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		rubric_free(set->items[i]);
	free(set->items);
	free(set);
}

size_t rubric_set_count(const struct rubric_set *set)
{
	return set ? set->n : 0;
}

const struct rubric *rubric_set_item(const struct rubric_set *set, size_t i)
{
	return set && i < set->n ? set->items[i] : NULL;
}

const struct rubric *rubric_find(const struct rubric_set *set, const char *town_code, int year)
{
	const struct rubric *best = NULL;
	for (size_t i = 0; set && i < set->n; i++) {
		const struct rubric *r = set->items[i];
		if (r->year != year)
			continue;
		bool own = r->township && town_code && strcmp(r->township, town_code) == 0;
		if (r->township && !own)
			continue;
		bool best_own = best && best->township;
		if (!best || (own && !best_own) ||
		    (own == best_own && r->version > best->version))
			best = r;
	}
	return best;
}

const struct rubric *rubric_get(const struct rubric_set *set, const char *name, int version)
{
	for (size_t i = 0; set && name && i < set->n; i++)
		if (strcmp(set->items[i]->name, name) == 0 && set->items[i]->version == version)
			return set->items[i];
	return NULL;
}

const struct rubric *rubric_find_before(const struct rubric_set *set, const char *town_code, int year)
{
	const struct rubric *best = NULL;
	for (int y = year - 1; y >= year - 50 && !best; y--)
		best = rubric_find(set, town_code, y);
	return best;
}

/* The name of the copy for year: the original's with its year replaced, else with
 * the year added ("qingyan-2026" -> "qingyan-2027"). Caller frees. */
static char *name_for_year(const struct rubric *r, int year)
{
	char old[16];
	snprintf(old, sizeof old, "%d", r->year);
	const char *at = strstr(r->name, old);
	if (!at)
		return xasprintf("%s-%d", r->name, year);
	return xasprintf("%.*s%d%s", (int)(at - r->name), r->name, year, at + strlen(old));
}

/* line with every occurrence of the year old replaced by year new. Caller frees. */
static char *replace_year(const char *line, size_t len, int old, int new)
{
	char from[16], to[16];
	snprintf(from, sizeof from, "%d", old);
	snprintf(to, sizeof to, "%d", new);
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < len;) {
		if (len - i >= strlen(from) && strncmp(line + i, from, strlen(from)) == 0) {
			sb_append(&sb, to);
			i += strlen(from);
		} else {
			sb_appendf(&sb, "%c", line[i++]);
		}
	}
	return sb_take(&sb);
}

/* Whether line (of len bytes) sets key: "key", spaces, "=". */
static bool sets_key(const char *line, size_t len, const char *key)
{
	size_t k = strlen(key), i = k;
	if (len < k || strncmp(line, key, k) != 0)
		return false;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i < len && line[i] == '=';
}

char *rubric_text_for_year(const struct rubric *r, const char *text, int year)
{
	char *name = name_for_year(r, year);
	struct strbuf sb = { 0 };
	sb_appendf(&sb, "# A copy of %s (%s, version %d) for %d, made when the round of %d was opened;\n"
		   "# change it here before the first score if the rules changed this year.\n", r->file, r->name,
		   r->version, year, year);
	bool head = false;   /* inside the [rubric] section */
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		if (*p == '[')
			head = strncmp(p, "[rubric]", 8) == 0;
		if (head && sets_key(p, len, "name"))
			sb_appendf(&sb, "name = %s", name);
		else if (head && sets_key(p, len, "year"))
			sb_appendf(&sb, "year = %d", year);
		else if (head && sets_key(p, len, "version"))
			sb_append(&sb, "version = 1");
		else if (head && sets_key(p, len, "title")) {
			char *title = replace_year(p, len, r->year, year);
			sb_append(&sb, title);
			free(title);
		} else {
			sb_appendf(&sb, "%.*s", (int)len, p);
		}
		sb_append(&sb, "\n");
		p += len + (p[len] == '\n');
	}
	free(name);
	return sb_take(&sb);
}

int rubric_copy_for_year(const struct rubric *r, int year, const char *override, char **path, char **err)
{
	struct strbuf errs = { 0 };
	char *text = datafiles_read(r->file, &errs);
	sb_free(&errs);
	if (!text) {
		*err = xasprintf(_("%s cannot be read: %s"), r->file, strerror(errno));
		return -1;
	}
	char *dir = xasprintf("%s/rubrics", override);
	char *name = name_for_year(r, year);
	*path = xasprintf("%s/%s.rubric", dir, name);
	free(name);
	/* the local forms folder may not exist yet: made as a shell's mkdir -p would */
	for (char *slash = dir + 1; (slash = strchr(slash, '/')); slash++) {
		*slash = '\0';
		mkdir(dir, 0755);
		*slash = '/';
	}
	mkdir(dir, 0755);
	char *copy = rubric_text_for_year(r, text, year);
	FILE *f = fopen(*path, "wx");   /* never over a township's own file */
	int rc = f && fputs(copy, f) >= 0 ? 0 : -1;
	if (f && fclose(f) != 0)
		rc = -1;
	if (rc != 0) {
		*err = xasprintf(_("%s cannot be written: %s"), *path, strerror(errno));
		free(*path);
		*path = NULL;
	}
	free(copy);
	free(text);
	free(dir);
	return rc;
}
