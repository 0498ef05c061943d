/* import: rosters from Excel, WPS and upstream systems into the register.
 *
 * A file (CSV or tab-separated text in any encoding encoding.h detects, .xlsx, .xls)
 * is read a row at a time. Its header row is mapped to fields by the names clerks use
 * (姓名, 公民身份号码, 与户主关系, 户号 ...), and a mapping given by the clerk
 * ("身份证=id_number,备注=-") overrides that. Every row goes through the resident
 * form's own normalisation and validation (form.h), the same rules the screen
 * applies; what is unambiguous is normalised (spaces, a leading ', ="...", full-width
 * digits, a lowercase x, labels to codes), what is corrupt is refused with a reason:
 * 5.20111E+17, a wrong check character, an ID number twice in the file or already in
 * the register, a second head for a household.
 *
 * Households are built from the household number column: rows with the same number
 * are one household (an existing household of that number is joined), its head is
 * the row whose relation is 02. The valid rows are written in one transaction
 * through the store's bulk path (one audit entry per table for the load). Refused
 * rows are written with a reason column to a rejects file in the input's own
 * encoding and format, ready to fix in Excel and import again. A dry run does all of
 * it and rolls back, so its report is exactly what the import would do.
 *
 * Nothing is dropped without a word: a cell no field takes (a column the register
 * has no field for, a cell right of the header, a member's household cell that
 * differs from his household's or has no household) goes to the resident's notes
 * as "header: value"; the report lists those columns and tells each household cell
 * moved or changed with its line. */
#ifndef SZ_IMPORT_H
#define SZ_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "encoding.h"

struct store;
struct form_registry;

/* The fields a column can be mapped to besides the resident form's own: the
 * household's, and the places that find its grid. */
#define IMPORT_HH_NO "hh_no"
#define IMPORT_ADDRESS "address"
#define IMPORT_VILLAGE_GROUP "village_group"
#define IMPORT_TOWN "town"
#define IMPORT_VILLAGE "village"
#define IMPORT_GRID "grid"

struct import_mapping {
	char **headers;    /* the file's header row, UTF-8 */
	char **targets;    /* per column: a field name, or NULL when no field takes it */
	/* per column: the clerk left it out ("COL=-"); a column no field takes and
	 * not left out goes to the residents' notes as "header: value" */
	bool *left_out;
	size_t n;
};

/* Maps headers to fields by name, then applies overrides, "COL=FIELD,..." where
 * COL is a header or a column number from 1 and FIELD a field name or "-" to ignore
 * the column (may be NULL). -1 with *err when an override names no column or no field,
 * or when two columns map to one field. */
int import_map_columns(const char *const *headers, size_t n, const char *overrides,
		       struct import_mapping *out, char **err);
void import_mapping_free(struct import_mapping *m);
/* Every field a column may be mapped to, NULL-terminated. */
const char *const *import_targets(void);
/* The problems of the header names under forms/import/ (aliases.h), one
 * "file:line: ..." line each, or NULL: for the check command. Caller frees. */
char *import_header_problems(void);
/* The translated label of a target field ("Name"). */
const char *import_target_label(const char *field);

/* The first rows of a file as decoded, for the screen before an import. */
struct import_preview {
	enum enc_kind encoding;   /* for CSV; ENC_AUTO for spreadsheets */
	char sep;                 /* ',' or '\t'; 0 for spreadsheets */
	char **cells;             /* rows x cols, row 0 the header */
	size_t rows, cols;
};

int import_preview(const char *path, enum enc_kind enc, size_t max_rows,
		   struct import_preview *out, char **err);
void import_preview_free(struct import_preview *p);

struct import_opts {
	enum enc_kind encoding;     /* ENC_AUTO detects */
	bool dry_run;
	const char *map;            /* overrides, see import_map_columns */
	const char *rejects_path;   /* NULL: beside the input, NAME.rejects.EXT */
	/* a new household's 村民小组 its village does not have yet is added to the
	 * village's groups (a new village's roster), not refused */
	bool new_groups;
	/* bytes of the reading thread's buffer of search keys, which are sorted in runs
	 * through a temporary file in $TMPDIR when they do not fit; 0: 4 MiB */
	size_t keys_memory;
	/* called every 10,000 rows when non-NULL */
	void (*progress)(void *ctx, long rows);
	void *progress_ctx;
};

struct import_report {
	long rows;             /* data rows read */
	long imported;
	long refused;
	long households_new;
	long households_joined;   /* existing households that got members */
	long households_headless; /* new households without a row of relation 02 */
	long grids_unknown;       /* rows naming a grid the register does not have */
	char *groups_unknown;     /* "4组（龙井村）" a group its village lacks, 、-separated */
	char *groups_added;       /* the same, added with new_groups */
	enum enc_kind encoding;
	char *format;             /* "CSV", "TSV", "XLSX", "XLS" */
	char *rejects_path;       /* written (not in a dry run); NULL when nothing refused */
	char *problems;           /* the first refusals, "line N: reason" one a line */
	char *mapping;            /* "header -> field" one a line */
	/* nothing is dropped without a word: cells with no field of their own go to the
	 * resident's notes as "header: value" */
	long warnings;            /* rows' cells moved to the notes or changed, each told */
	char *warning_lines;      /* the first of them, "line N: ..." one a line */
	char *to_notes;           /* the columns no field takes, "header (cells)", ", " apart */
	char *left_out;           /* the columns the clerk left out, likewise */
	bool dry_run;
	bool checked_against_register;  /* a rule reads the register: rows checked one by one */
	double seconds;
	double seconds_rows;      /* of which reading, checking and writing the rows */
	double seconds_keys;      /* and the search keys merged into the register */
	double cpu_reader;        /* CPU seconds of the thread that reads and checks */
	double cpu_writer;        /* and of the one that writes, in the same time */
	double cpu_keys;          /* and of the one that makes the search keys */
};

/* Imports residents from path. 0 when the file was read to its end (rows may have
 * been refused: see the report); -1 with *err when nothing was imported. */
int import_residents(struct store *st, const struct form_registry *forms, const char *path,
		     const struct import_opts *o, struct import_report *rep, char **err);
void import_report_free(struct import_report *r);
/* The report as the clerk reads it (translated, several lines). Caller frees. */
char *import_report_text(const struct import_report *r);

#endif
