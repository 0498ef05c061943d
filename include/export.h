/* export: the register out to the files departments ask for ("collect once, export
 * many ways").
 *
 * An export template (forms/templates/NAME.tpl, with local overrides as for forms;
 * format in forms/templates/README.md) names the columns, their headers and order,
 * which residents, the encoding and how each value is written (codes as labels,
 * dates as 1980年01月01日, ID numbers as text). The format comes from the file's
 * extension: .csv, .txt/.tsv (tab-separated), .xlsx.
 *
 * ID numbers stay text: in .xlsx as string cells with the "@" format; in CSV meant for
 * Excel (protect = excel, the default) as ="520111198001010011", which Excel and WPS
 * both open as the 18 characters and which import reads back. ID and phone numbers
 * are masked unless the export is asked for unmasked by a role that may see them.
 *
 * An export to GBK that meets a character GBK lacks (䶮, 𠮷) writes nothing: it lists
 * every row, field and character concerned and offers GB18030 or UTF-8; characters are
 * replaced only when a replacement is given explicitly. The file is written beside its
 * name and renamed into place when complete, a row at a time (bounded memory). */
#ifndef SZ_EXPORT_H
#define SZ_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "encoding.h"

struct store;
struct form_registry;

struct export_template;

/* Loads template name from the shipped templates folder, or the local one. NULL with
 * *err ("file:line: what is wrong" lines) when it is missing or has errors. */
struct export_template *export_template_load(const char *name, char **err);
void export_template_free(struct export_template *t);
const char *export_template_title(const struct export_template *t);  /* translated */
enum enc_kind export_template_encoding(const struct export_template *t);
/* The names of the templates available, NULL-terminated; caller frees each and the array. */
char **export_template_names(void);
/* Parses template text (file names the messages); for tests and the fuzzer. */
struct export_template *export_template_parse(const char *file, const char *text, char **err);

struct export_opts {
	const char *template_name;   /* NULL: "residents", every field of the register */
	enum enc_kind encoding;      /* ENC_AUTO: the template's, else UTF-8 with a BOM */
	bool unmasked;               /* full ID and phone numbers (needs ACCESS_UNMASK) */
	const char *reason;          /* why they leave the register: required when unmasked,
	                                kept as the reason of the export's audit entry */
	const char *replace;         /* what replaces a character the encoding lacks; NULL: stop */
	void (*progress)(void *ctx, long rows);
	void *progress_ctx;
};

struct export_report {
	long rows;
	enum enc_kind encoding;
	char *format;         /* "CSV", "TSV", "XLSX" */
	long unencodable;     /* characters the encoding lacks */
	char *problems;       /* one line each: row, name, field, character */
	bool replaced;        /* written with the replacement */
	bool written;         /* the file is complete: synced, closed, in place */
	double seconds;
};

/* True when reason says something (not empty, not only spaces). */
bool export_reason_ok(const char *reason);
/* Writes the residents the template selects to path. -1 with *err when nothing was
 * written (a GBK export that met characters GBK lacks: the report lists them). */
int export_residents(struct store *st, const struct form_registry *forms, const char *path,
		     const struct export_opts *o, struct export_report *rep, char **err);
void export_report_free(struct export_report *r);
char *export_report_text(const struct export_report *r);

#endif
