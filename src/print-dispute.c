/* print-dispute: the 人民调解协议书 and 调解笔录 as printed documents, the statistics
 * table, and the commands that deliver them (see print-dispute.h). */
#include "print-dispute.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "access.h"
#include "audit.h"
#include "dispute.h"
#include "form.h"
#include "i18n.h"
#include "paths.h"
#include "printout.h"
#include "statsheet.h"
#include "store.h"
#include "text.h"
#include "util.h"

#define INDENT "    "
#define SIGN_LINE "________________"

/* Column width of a character in a printer's Chinese monospace font (as printout_pad). */
static int print_width(wchar_t c)
{
	return c >= 0x1100 && (c >= 0x2E80 || c <= 0x115F) ? 2 : 1;
}

/* Columns a text takes on the printed page. */
static int print_text_width(const char *utf8)
{
	size_t n;
	wchar_t *ws = text_to_wcs(utf8, &n);
	int w = 0;
	for (size_t i = 0; i < n; i++)
		w += print_width(ws[i]);
	free(ws);
	return w;
}

/* A character of an unbreakable run: Latin letters, digits (full-width too) and what
 * joins them in an amount, a measure or a date (500.5, 2026-03-01, 10:30, 80%). */
static bool run_char(wchar_t c)
{
	return (c >= L'0' && c <= L'9') || (c >= L'A' && c <= L'Z') || (c >= L'a' && c <= L'z') ||
	       (c != 0 && wcschr(L".-/:%", c)) || (c >= 0xFF10 && c <= 0xFF19);
}

/* True when ws[k] belongs to a run: a run character, or the unit or date part that
 * follows a digit (500元, 0.3米, 2026年3月1日) and must not start the next line. */
static bool in_run(const wchar_t *ws, size_t k)
{
	if (run_char(ws[k]))
		return true;
	return k > 0 && ((ws[k - 1] >= L'0' && ws[k - 1] <= L'9') || (ws[k - 1] >= 0xFF10 && ws[k - 1] <= 0xFF19)) &&
	       ws[k] != 0 && wcschr(L"\u5143\u89D2\u5206\u7C73\u4EA9\u65A4\u5428\u4EFD\u4E2A\u5E74\u6708\u65E5\u53F7\u5C81\u4E07", ws[k]);
}

/* Where a line that cannot take ws[i] ends (*cut) and the next begins (*next): before
 * the run holding ws[i], at the space before it, else at i (a run longer than a line
 * is the only one cut). */
static void line_break(const wchar_t *ws, size_t start, size_t i, size_t *cut, size_t *next)
{
	*cut = *next = i;
	if (ws[i] == L' ') {
		*next = i + 1;
		return;
	}
	size_t j = i;
	while (j > start && in_run(ws, j) && in_run(ws, j - 1))
		j--;
	if (j == start || j == i)
		return;
	*cut = *next = j;
	if (ws[j - 1] == L' ')
		*cut = j - 1;
}

/* Appends text wrapped at DISPUTE_PRINT_COLS, each line starting with indent; line
 * breaks in the text are kept. A line breaks between Chinese characters or at a space,
 * never inside an amount, a measure, a date or a Latin word (500元 is not 5 / 00元). */
static void put_wrapped(struct strbuf *sb, const char *indent, const char *text)
{
	size_t n;
	wchar_t *ws = text_to_wcs(text ? text : "", &n);
	int limit = DISPUTE_PRINT_COLS - (int)strlen(indent), used = 0;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		bool end = i == n || ws[i] == L'\n';
		int w = end ? 0 : print_width(ws[i]);
		/* closing punctuation never starts a line: it stays, past the margin */
		if (!end && used + w > limit && used > 0 && wcschr(L"\u3002\uFF0C\u3001\uFF1B\uFF1A\uFF1F\uFF01\uFF09\u300D\u201D,;)", ws[i])) {
			used += w;
			continue;
		}
		if (end || used + w > limit) {
			size_t cut = i, next = i;
			if (!end)
				line_break(ws, start, i, &cut, &next);
			char *line = text_from_wcs(ws + start, cut - start);
			sb_appendf(sb, "%s%s\n", indent, line);
			free(line);
			start = end ? i + 1 : next;
			used = 0;
			for (size_t j = start; j < i; j++)
				used += print_width(ws[j]);
			if (!end && start > i)
				continue;  /* the space the line broke at */
		}
		used += w;
	}
	free(ws);
}

/* A count as a document writes it in words (一式三份, not 一式3份): the form allows
 * 1 to 20 copies. Borrowed, translated. */
static const char *count_words(int n)
{
	static const char *const words[] = {
		N_("one"), N_("two"), N_("three"), N_("four"), N_("five"), N_("six"), N_("seven"),
		N_("eight"), N_("nine"), N_("ten"), N_("eleven"), N_("twelve"), N_("thirteen"),
		N_("fourteen"), N_("fifteen"), N_("sixteen"), N_("seventeen"), N_("eighteen"),
		N_("nineteen"), N_("twenty"),
	};
	static char digits[16];
	if (n >= 1 && n <= (int)ARRAY_LEN(words))
		return _(words[n - 1]);
	snprintf(digits, sizeof(digits), "%d", n);  /* beyond the form's range: never cut short */
	return digits;
}

/* Appends text centred on the line. */
static void put_centred(struct strbuf *sb, const char *text)
{
	int pad = (DISPUTE_PRINT_COLS - print_text_width(text)) / 2;
	sb_appendf(sb, "%*s%s\n", pad > 0 ? pad : 0, "", text);
}

/* Appends text flush with the right margin. */
static void put_right(struct strbuf *sb, const char *text)
{
	int pad = DISPUTE_PRINT_COLS - print_text_width(text);
	sb_appendf(sb, "%*s%s\n", pad > 0 ? pad : 0, "", text);
}

/* A date as a document writes it (2026年11月10日). Caller frees. */
static char *doc_date(const char *iso)
{
	int y, m, d;
	if (!iso || sscanf(iso, "%d-%d-%d", &y, &m, &d) != 3)
		return xstrdup(iso ? iso : "");
	return xasprintf(_("%d/%d/%d"), y, m, d);
}

/* The translated label of a code, or the code itself. */
static const char *code_label(const struct form_registry *reg, const char *list, const char *code)
{
	const char *l = code ? codelist_label(form_codelist(reg, list), code) : NULL;
	return l ? l : code ? code : "";
}

/* Text of column i, "" when NULL. */
static const char *col(sqlite3_stmt *stmt, int i)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);
	return s ? (const char *)s : "";
}

/* What a document needs of its case. */
struct case_head {
	char *no, *village, *category, *summary, *mediators, *outcome, *form, *agreed;
	char *facts, *responsibility, *terms, *performance, *deadline;
	int copies;
};

/* Frees what case_head_load read. */
static void case_head_free(struct case_head *h)
{
	char **all[] = { &h->no, &h->village, &h->category, &h->summary, &h->mediators, &h->outcome,
			 &h->form, &h->agreed, &h->facts, &h->responsibility, &h->terms, &h->performance,
			 &h->deadline };
	for (size_t i = 0; i < ARRAY_LEN(all); i++)
		free(*all[i]);
}

/* Reads the case; false with *err when there is no such case. */
static bool case_head_load(struct store *st, int64_t id, struct case_head *h, char **err)
{
	sqlite3_stmt *stmt;
	memset(h, 0, sizeof *h);
	if (sqlite3_prepare_v2(store_db(st),
		"SELECT c.case_no, v.name, c.category, c.summary, c.mediators, c.outcome, c.agreement_form,"
		" c.agreement_date, c.facts, c.responsibility, c.terms, c.performance, c.performance_deadline,"
		" coalesce(c.copies, 3) FROM dispute_case c JOIN village v ON v.id = c.village_id WHERE c.id = ?1",
		-1, &stmt, NULL) != SQLITE_OK) {
		*err = xstrdup(sqlite3_errmsg(store_db(st)));
		return false;
	}
	sqlite3_bind_int64(stmt, 1, id);
	bool found = sqlite3_step(stmt) == SQLITE_ROW;
	if (found) {
		char **dst[] = { &h->no, &h->village, &h->category, &h->summary, &h->mediators, &h->outcome,
				 &h->form, &h->agreed, &h->facts, &h->responsibility, &h->terms, &h->performance,
				 &h->deadline };
		for (size_t i = 0; i < ARRAY_LEN(dst); i++)
			*dst[i] = xstrdup(col(stmt, (int)i));
		h->copies = sqlite3_column_int(stmt, 13);
	} else {
		*err = xasprintf(_("case %lld is not in the register"), (long long)id);
	}
	sqlite3_finalize(stmt);
	return found;
}

/* The parties' particulars, one paragraph each (name, sex, ethnicity, birth, ID
 * number, address, phone); with names_only, "申请人 龙发利" lines for signatures. */
static void put_parties(struct strbuf *sb, struct store *st, const struct form_registry *reg,
			int64_t id, bool particulars)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(store_db(st),
		"SELECT p.role, coalesce(r.name, p.name), coalesce(r.sex, sz_id_sex(p.id_number)), r.ethnicity,"
		" coalesce(r.birth_date, sz_id_birth(p.id_number)), coalesce(r.id_number, p.id_number),"
		" coalesce(h.address, p.address), coalesce(r.phone, p.phone)"
		" FROM dispute_party p LEFT JOIN resident r ON r.id = p.resident_id"
		" LEFT JOIN household h ON h.id = r.household_id WHERE p.case_id = ?1 ORDER BY p.role, p.id",
		-1, &stmt, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(stmt, 1, id);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		const char *role = code_label(reg, "dispute_role", col(stmt, 0));
		if (!particulars) {
			char *who = xasprintf("%s %s", role, col(stmt, 1));
			char *padded = printout_pad(who, 28);
			sb_appendf(sb, INDENT "%s%s\n\n", padded, SIGN_LINE);
			free(padded);
			free(who);
			continue;
		}
		struct strbuf line = { 0 };
		sb_appendf(&line, _("%s: %s"), role, col(stmt, 1));
		if (*col(stmt, 2))
			sb_appendf(&line, _(", %s"), code_label(reg, "sex", col(stmt, 2)));
		if (*col(stmt, 3))
			sb_appendf(&line, _(", %s"), code_label(reg, "ethnicity", col(stmt, 3)));
		if (*col(stmt, 4)) {
			char *born = doc_date(col(stmt, 4));
			sb_appendf(&line, _(", born %s"), born);
			free(born);
		}
		put_wrapped(sb, INDENT, line.s);
		sb_free(&line);
		char *more[3] = {
			*col(stmt, 5) ? xasprintf(_("ID number: %s"), col(stmt, 5)) : NULL,
			*col(stmt, 6) ? xasprintf(_("Address: %s"), col(stmt, 6)) : NULL,
			*col(stmt, 7) ? xasprintf(_("Phone: %s"), col(stmt, 7)) : NULL,
		};
		for (size_t i = 0; i < ARRAY_LEN(more); i++) {
			if (more[i])
				put_wrapped(sb, INDENT INDENT, more[i]);
			free(more[i]);
		}
	}
	sqlite3_finalize(stmt);
}

/* A heading and its paragraph. */
static void put_section(struct strbuf *sb, const char *heading, const char *text)
{
	sb_appendf(sb, "\n%s\n", heading);
	put_wrapped(sb, INDENT, text);
}

/* The committee's name: the village's 人民调解委员会. Caller frees. */
static char *committee_name(const struct case_head *h)
{
	return xasprintf(_("%s People's Mediation Committee"), h->village);
}

char *dispute_agreement_text(struct store *st, const struct form_registry *reg, int64_t case_id,
			     char **err)
{
	struct case_head h;
	if (!case_head_load(st, case_id, &h, err))
		return NULL;
	if (strcmp(h.outcome, DISPUTE_SUCCESS) != 0 || strcmp(h.form, DISPUTE_WRITTEN) != 0) {
		*err = xasprintf(_("%s has no written agreement to print."), h.no);
		case_head_free(&h);
		return NULL;
	}
	struct strbuf sb = { 0 };
	char *committee = committee_name(&h);
	put_centred(&sb, committee);
	put_centred(&sb, _("PEOPLE'S MEDIATION AGREEMENT"));
	sb_append(&sb, "\n");
	put_right(&sb, h.no);
	sb_appendf(&sb, "\n%s\n", _("Parties:"));
	put_parties(&sb, st, reg, case_id, true);
	put_section(&sb, _("Main facts and points in dispute:"), h.facts);
	put_section(&sb, _("Responsibility of each side:"), h.responsibility);
	put_section(&sb, _("Through mediation the parties have voluntarily agreed as follows:"), h.terms);
	char *deadline = doc_date(h.deadline);
	char *perf = xasprintf(_("%s; to be performed by %s."), h.performance, deadline);
	put_section(&sb, _("Manner and time limit of performance:"), perf);
	free(perf);
	free(deadline);
	sb_append(&sb, "\n");
	char *copies = xasprintf(_("This agreement takes effect when the parties have signed it (or set their "
				   "fingerprints), the mediator has signed it and the committee has sealed it. It "
				   "is made in %s copies: each party and the committee keep one."), count_words(h.copies));
	put_wrapped(&sb, "", copies);
	free(copies);
	sb_appendf(&sb, "\n%s\n\n", _("Parties (signature or fingerprint):"));
	put_parties(&sb, st, reg, case_id, false);
	char *mediators = xasprintf(_("Mediators: %s"), h.mediators);
	char *padded = printout_pad(_("Mediator (signature):"), 32);
	sb_appendf(&sb, "%s\n\n%s%s\n\n", mediators, padded, SIGN_LINE);
	free(padded);
	free(mediators);
	char *seal = xasprintf(_("%s (seal)"), committee);
	put_right(&sb, seal);
	char *date = doc_date(h.agreed);
	put_right(&sb, date);
	free(date);
	free(seal);
	free(committee);
	case_head_free(&h);
	audit_footer(store_db(st), &sb);
	return sb_take(&sb);
}

/* One session's record. */
static void put_session(struct strbuf *sb, struct store *st, const struct form_registry *reg,
			const struct case_head *h, int64_t case_id, sqlite3_stmt *s)
{
	char *committee = committee_name(h);
	put_centred(sb, committee);
	put_centred(sb, _("PEOPLE'S MEDIATION RECORD"));
	sb_append(sb, "\n");
	put_right(sb, h->no);
	char *date = doc_date(col(s, 0));
	char *line = xasprintf(_("Time: %s %s"), date, col(s, 1));
	put_wrapped(sb, "", line);
	free(line);
	free(date);
	line = xasprintf(_("Place: %s"), col(s, 2));
	put_wrapped(sb, "", line);
	free(line);
	line = xasprintf(_("Matter: %s: %s"), code_label(reg, "dispute_category", h->category), h->summary);
	put_wrapped(sb, "", line);
	free(line);
	line = xasprintf(_("Participants: %s"), col(s, 3));
	put_wrapped(sb, "", line);
	free(line);
	line = xasprintf(_("Mediators: %s"), h->mediators);
	put_wrapped(sb, "", line);
	free(line);
	sb_appendf(sb, "%s\n", _("Parties:"));
	put_parties(sb, st, reg, case_id, true);
	put_section(sb, _("The applicant stated:"), col(s, 4));
	put_section(sb, _("The respondent stated:"), col(s, 5));
	put_section(sb, _("Result:"), col(s, 6));
	sb_appendf(sb, "\n%s\n\n", _("Parties (signature or fingerprint):"));
	put_parties(sb, st, reg, case_id, false);
	char *med = printout_pad(_("Mediator (signature):"), 32);
	char *rec = printout_pad(_("Recorded by (signature):"), 32);
	sb_appendf(sb, "%s%s\n\n%s%s\n", med, SIGN_LINE, rec, SIGN_LINE);
	free(med);
	free(rec);
	free(committee);
}

char *dispute_record_text(struct store *st, const struct form_registry *reg, int64_t case_id,
			  char **err)
{
	struct case_head h;
	if (!case_head_load(st, case_id, &h, err))
		return NULL;
	sqlite3_stmt *s;
	struct strbuf sb = { 0 };
	if (sqlite3_prepare_v2(store_db(st), "SELECT session_date, session_time, place, participants,"
			       " applicant_said, respondent_said, result FROM dispute_session WHERE case_id = ?1"
			       " ORDER BY session_date, session_time, id", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, case_id);
		while (sqlite3_step(s) == SQLITE_ROW) {
			if (sb.len)
				sb_append(&sb, "\f\n");  /* each session on a page of its own */
			put_session(&sb, st, reg, &h, case_id, s);
		}
		sqlite3_finalize(s);
	}
	if (!sb.len)
		*err = xasprintf(_("%s has no session recorded yet."), h.no);
	else
		audit_footer(store_db(st), &sb);
	case_head_free(&h);
	return sb.len ? sb_take(&sb) : NULL;
}

/* ---- the statistics table ---- */

/* One table of the report. */
static void put_stats(struct strbuf *sb, const struct form_registry *reg, const char *title,
		      const struct dispute_stats *s, bool category)
{
	sb_appendf(sb, "\n%s\n", title);
	const char *heads[] = { "", N_("Cases"), N_("Closed"), N_("Settled"), N_("Rate %"),
				N_("Amount (yuan)"), N_("Kept civil") };
	static const int widths[] = { 22, 6, 6, 8, 8, 12, 10 };
	for (size_t i = 0; i < ARRAY_LEN(heads); i++) {
		char *cell = printout_pad(*heads[i] ? _(heads[i]) : "", widths[i]);
		sb_appendf(sb, "%s%s", cell, i + 1 < ARRAY_LEN(heads) ? " " : "\n");
		free(cell);
	}
	for (size_t r = 0; r <= s->n; r++) {
		const struct dispute_stats_row *row = r < s->n ? &s->rows[r] : &s->total;
		const char *label = category && r < s->n ? code_label(reg, "dispute_category", row->label) : row->label;
		char *name = printout_pad(label, widths[0]);
		char rate[16] = "-";
		if (row->concluded)
			snprintf(rate, sizeof rate, "%.1f", dispute_success_rate(row));
		sb_appendf(sb, "%s %6d %6d %8d %8s %12.2f %10d\n", name, row->cases, row->concluded,
			   row->success, rate, row->amount, row->kept_criminal);
		free(name);
	}
}

char *dispute_report_text(struct store *st, const struct form_registry *reg, int year, char **err)
{
	static const struct { enum dispute_stats_by by; const char *title; } tables[] = {
		{ DISPUTE_BY_MONTH, N_("By month") },
		{ DISPUTE_BY_VILLAGE, N_("By village") },
		{ DISPUTE_BY_CATEGORY, N_("By category") },
	};
	struct strbuf sb = { 0 };
	char *title = xasprintf(_("People's mediation cases received in %d"), year);
	sb_appendf(&sb, "%s\n", title);
	free(title);
	for (size_t i = 0; i < ARRAY_LEN(tables); i++) {
		struct dispute_stats s;
		if (dispute_stats_get(st, year, tables[i].by, &s, err) != 0) {
			sb_free(&sb);
			return NULL;
		}
		put_stats(&sb, reg, _(tables[i].title), &s, tables[i].by == DISPUTE_BY_CATEGORY);
		dispute_stats_free(&s);
	}
	put_wrapped(&sb, "", "");
	put_wrapped(&sb, "", _("Rate: settled cases among the closed ones. Kept civil: cases flagged as possibly "
			       "turning criminal that were settled."));
	return sb_take(&sb);
}

char *dispute_stats_report(const struct statsheet_query *q, char **err)
{
	return dispute_report_text(q->st, q->forms, atoi(q->period), err);
}
