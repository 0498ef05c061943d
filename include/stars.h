/* stars: the 星级文明户 rounds, scores and results.
 *
 * A round belongs to one village and one year, and is opened with the rubric that
 * fits the village's township and the year (rubric_find); it records the rubric's
 * name, version and checksum, so its scores keep the version they were given under
 * and a rubric file changed in place is refused (stars_round_rubric).
 *
 * A round moves 自评 (self) → 评议 (review) → 审核 (check) → 公示 (notice, for
 * notice_days days from notice_start) → 定星 (final), one stage at a time; from 公示
 * it may go back to 审核 when an objection needs a score changed. Every move, score,
 * disqualification and note is written through store_insert/store_update and so
 * audited. Scores may change in the first three stages; at 定星 they are locked (the
 * schema's triggers refuse any write to a final round's scores).
 *
 * Tables (stars_schema_v1):
 *   star_round(id, village_id, year, rubric, rubric_version, rubric_sum, stage,
 *              notice_days, notice_start, final_date, created_at, updated_at)
 *              UNIQUE(village_id, year); stage self/review/check/notice/final
 *   star_score(id, round_id, household_id, star, value, ...)  one per household and
 *              star; value 1/0 for a pass star, points for a points star, NULL unscored
 *   star_household(id, round_id, household_id, disqualified, note, earned, stars,
 *              points, level, complete, ...)  the household's disqualifier codes and
 *              note, and the result computed from its scores (earned: star codes). */
#ifndef SZ_STARS_H
#define SZ_STARS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rubric.h"

struct store;
struct strbuf;
struct rowset;
struct statsheet;
struct statsheet_query;

extern const char stars_schema_v1[];

enum stars_stage {
	STARS_SELF,     /* 自评 */
	STARS_REVIEW,   /* 评议 */
	STARS_CHECK,    /* 审核 */
	STARS_NOTICE,   /* 公示 */
	STARS_FINAL,    /* 定星 */
	STARS_STAGE_COUNT
};

const char *stars_stage_code(enum stars_stage s);    /* "self" ... as stored */
const char *stars_stage_label(enum stars_stage s);   /* translated */
int stars_stage_parse(const char *code);             /* -1 when unknown */

/* ---- computation (no database) ---- */

#define STARS_UNSCORED (-1)

struct stars_result {
	bool *earned;      /* per star of the rubric */
	bool *withheld;    /* per star: withheld by a disqualification */
	int nearned;
	int points;        /* total of points counted (withheld stars count 0) */
	int level;         /* 0: no level */
	bool complete;     /* every star scored */
	bool disqualified;
};

/* values[i]: the score of star i or STARS_UNSCORED; dq[i]: disqualifier i applies
 * (may be NULL). An unscored star is not earned. */
void stars_compute(const struct rubric *r, const int *values, const bool *dq,
		   struct stars_result *out);
void stars_result_free(struct stars_result *res);
/* Star by star, why the household got what it got, and how that makes its level.
 * Translated text, one line per star. Caller frees. */
char *stars_explain(const struct rubric *r, const int *values, const bool *dq);
/* The household's 文明积分 as the explain view shows it ("Civilisation points: balance
 * 30 (earned 45, redeemed 15)."), read from the points register's table
 * (forms/registers/practice_points.register) when the database has it (0 when the
 * household has none); NULL when it has not. Caller frees. */
char *stars_points_text(struct store *st, int64_t household_id);
/* The value a key typed into a star's cell means: '+' full, '-' nothing, y/n for a
 * pass star, digits for points. False when the text is not a valid score. */
bool stars_parse_value(const struct rubric_star *s, const char *text, int *value);
/* How a score shows in a cell: "+", "-", points, or "." unscored. Caller frees. */
char *stars_value_text(const struct rubric_star *s, int value);

/* ---- rounds in the store ---- */

struct stars_round {
	int64_t id;
	int64_t village_id;
	int year;
	char *rubric;
	int rubric_version;
	char *rubric_sum;
	enum stars_stage stage;
	int notice_days;
	char notice_start[11];   /* "" before 公示 */
	char final_date[11];
	char *village;           /* the village's name */
	char *town_code;
};

void stars_round_free(struct stars_round *r);
/* The round of village and year: 0 found, 1 none, -1 error. */
int stars_round_get(struct store *st, int64_t village_id, int year, struct stars_round *out,
		    char **err);
/* Opens the round of village and year with the rubric that fits it; 0 or -1 with
 * *err (no rubric for that year, a round already open). */
int stars_round_open(struct store *st, const struct rubric_set *set, int64_t village_id,
		     int year, struct stars_round *out, char **err);
/* The rubric a new round of year for the village would be opened with; when there is
 * none (NULL), the latest earlier one that fits the village in *previous (NULL when
 * none either), for the clerk to carry over. */
const struct rubric *stars_rubric_for(struct store *st, const struct rubric_set *set, int64_t village_id,
				      int year, const struct rubric **previous);
/* The rubric the round was opened with; NULL with *err when the version is gone or
 * its file was changed in place. */
const struct rubric *stars_round_rubric(const struct rubric_set *set,
					const struct stars_round *round, char **err);
/* `check`: every round's rubric as stars_round_rubric finds it, one line per round
 * whose rubric is missing or was changed in place appended to report. Returns how many. */
int stars_check_rubrics(struct store *st, const struct rubric_set *set, struct strbuf *report);
/* Whether scores of the round may change now; false with a translated reason. */
bool stars_round_editable(const struct stars_round *round, char **why);
/* Moves the round to stage `to` (next, or 公示 back to 审核); today is YYYY-MM-DD.
 * Entering 公示 starts the notice (notice_days > 0 replaces the round's days);
 * 定星 waits until the notice has run its days and recomputes every result.
 * 0 or -1 with *err. */
int stars_round_move(struct store *st, const struct rubric *r, struct stars_round *round,
		     enum stars_stage to, int notice_days, const char *today, char **err);
/* Why stars_round_move would refuse the same move (translated; caller frees), or
 * NULL: for a screen to say before it asks the clerk to confirm. */
char *stars_round_move_refusal(const struct stars_round *round, enum stars_stage to, int notice_days,
			       const char *today);
/* The last day of the round's public notice (YYYY-MM-DD), "" before 公示. */
void stars_notice_end(const struct stars_round *round, char out[11]);
/* Finds a village by id, 12-digit code or name; 0 when none (or several). */
int64_t stars_village_find(struct store *st, const char *text);

/* One household's scores in a round. */
struct stars_entry {
	int64_t household_id;
	int *values;       /* per star */
	bool *dq;          /* per disqualifier */
	char *note;
};

void stars_entry_init(struct stars_entry *e, const struct rubric *r, int64_t household_id);
void stars_entry_free(struct stars_entry *e);
/* Loads what the round holds for the household (unscored when nothing). 0 or -1. */
int stars_entry_load(struct store *st, const struct rubric *r, const struct stars_round *round,
		     struct stars_entry *e, char **err);
/* Writes one star's score (STARS_UNSCORED clears it) and the household's result in
 * one transaction. 0 or -1 with *err (the round locked, a bad value). */
int stars_set_score(struct store *st, const struct rubric *r, const struct stars_round *round,
		    struct stars_entry *e, size_t star, int value, char **err);
/* Writes every score, the disqualifications and the note of e, and the result. */
int stars_save_entry(struct store *st, const struct rubric *r, const struct stars_round *round,
		     const struct stars_entry *e, char **err);

/* The level a household got in its village's round of year; -1 when none. */
int stars_level_of(struct store *st, int64_t village_id, int year, int64_t household_id);

/* ---- what the scoring screen shows ---- */

/* One household of a round's grid, with what the round holds for it. */
struct stars_household {
	int64_t id;
	char *hh_no, *head, *group;
	struct stars_entry e;      /* the round's scores, disqualifications and note */
	int last;                  /* last year's level, -1 when none */
	int last_stars;            /* last year's stars earned */
};
/* The households of the round's village with someone still in the register, by group
 * and household number, with the round's entries and last year's results, in four
 * queries over the round rather than some per household. 0 or -1 with *err. */
int stars_grid_load(struct store *st, const struct rubric *r, const struct stars_round *round,
		    struct stars_household **out, size_t *n, char **err);
/* Frees what stars_grid_load made. */
void stars_households_free(struct stars_household *h, size_t n);
/* Columns of stars_household_members' rows: the living members, by relation and birth. */
enum stars_member_col { STARS_M_NAME, STARS_M_RELATION, STARS_M_BIRTH };
int stars_household_members(struct store *st, int64_t household_id, struct rowset *out, char **err);
/* Columns of the facts of the other registers about a household's members: a code
 * (a dispute_category or a service_item) and a date as MM-DD. */
enum stars_fact_col { STARS_F_CODE, STARS_F_DATE };
/* The mediation cases of year with one of the household's members as a party, and
 * the household's open service requests. 1 (no rows) when that register is not in
 * this database, 0, or -1 with *err. */
int stars_household_disputes(struct store *st, int64_t household_id, int year, struct rowset *out, char **err);
int stars_household_open_requests(struct store *st, int64_t household_id, struct rowset *out, char **err);
/* The village the screens start with: the one with the latest round, else the
 * first; 0 when there is none. */
int64_t stars_default_village(struct store *st);

/* ---- documents ---- */

/* The notice list (公示名单) of a round as text: the households with a level, sorted
 * by level, village group and household number: the head's name, the group, the
 * level and the stars; no ID or phone number. Caller frees; NULL with *err. */
char *stars_notice_text(struct store *st, const struct rubric *r, const struct stars_round *round,
			char **err);
/* The same as CSV rows (header first). */
char *stars_notice_csv(struct store *st, const struct rubric *r, const struct stars_round *round,
		       char **err);
/* The same as an .xlsx workbook at path (the group and names as text). 0 or -1. */
int stars_notice_xlsx(struct store *st, const struct rubric *r, const struct stars_round *round,
		      const char *path, char **err);
/* Households per level, by village, for a year: a text table. Caller frees. */
char *stars_report_text(struct store *st, int year, char **err);

/* Statistics for one year: per village, households scored and per level. */
struct stars_stat {
	char *village;
	char *stage;          /* translated stage label */
	int households;       /* households with a result row */
	int top;              /* highest level of its rubric */
	int *per_level;       /* [0..top]: households at each level (0: no level) */
};
/* Fills *out (n in *n) for year; free with stars_stats_free. 0 or -1. */
int stars_stats(struct store *st, int year, struct stars_stat **out, size_t *n, char **err);
/* The same for one village (village.id; 0 for every village). */
int stars_stats_in(struct store *st, int year, int64_t village, struct stars_stat **out, size_t *n, char **err);
void stars_stats_free(struct stars_stat *s, size_t n);
/* The statistics view's figures of a year (q->period, YYYY): households per level over
 * every village (grouping 0) or households scored per village (1), each with its share
 * of all scored households and the village's stage. */
int stars_stats_sheet(const struct statsheet_query *q, struct statsheet *out, char **err);
/* The year's table by village (stars_report_text). */
char *stars_stats_report(const struct statsheet_query *q, char **err);

/* The demo: last year's final round and this year's round under way for the first
 * village, scored the same for the same seed. today is YYYY-MM-DD. */
int stars_demo(struct store *st, unsigned seed, const char *today, char **err);

#endif
