/* xmlscan: a strict streaming scanner of the XML inside a workbook's parts.
 *
 * An .xlsx part is XML written by a machine: elements, attributes, text, the five
 * predefined entities and character references, and now and then a comment, a
 * processing instruction or a CDATA section. xmlscan reads it a block at a time
 * from a callback and hands out one token at a time: a start tag with its
 * attributes, an end tag, a run of text. Element names are compared by their local
 * part ("x:row" is a "row"), as libxml2's reader compared them.
 *
 * It is strict where a damaged or hostile part shows, and each of these is an error
 * with a reason a clerk can read: a DOCTYPE (so no entity is ever expanded), an end
 * tag that closes another element, markup that is not XML, a part that ends inside
 * an element, text or names that are not UTF-8, a character XML forbids, an entity
 * XML does not define, elements nested deeper than XS_DEPTH_MAX, and a token (a tag,
 * a run of text, a comment) longer than the cap the caller sets, which also bounds
 * its memory. Only UTF-8 is read: a part declared in another encoding is refused
 * (every spreadsheet writer writes UTF-8).
 *
 * Nothing is allocated per token: names, attribute values and text point into the
 * scanner's buffer and are valid until the next xs_next. Values and text are
 * decoded (entities, line ends) and NUL-terminated. */
#ifndef SZ_XMLSCAN_H
#define SZ_XMLSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Deepest nesting of elements taken: libxml2's own default limit. */
#define XS_DEPTH_MAX 256

/* Fills buf with up to cap bytes: the count, 0 at the end, -1 when the source
 * failed (the caller keeps why). */
typedef ssize_t (*xs_source)(void *ctx, char *buf, size_t cap);

enum xs_token { XS_START, XS_END, XS_TEXT, XS_EOF, XS_ERROR };

/* Why the scan stopped with XS_ERROR. */
enum xs_fault {
	XS_OK,
	XS_SOURCE,      /* the source returned -1 */
	XS_MALFORMED,   /* not well-formed XML, or not what a workbook holds */
	XS_TRUNCATED,   /* the part ends before its document does */
	XS_NOT_UTF8,    /* bytes that are not UTF-8, or a character XML forbids */
	XS_TOO_LONG,    /* a token longer than the cap */
};

struct xmlscan;

/* A scanner reading src; a token longer than token_max bytes is an error. */
struct xmlscan *xs_new(xs_source src, void *ctx, size_t token_max);
void xs_free(struct xmlscan *x);

/* The next token. After XS_ERROR or XS_EOF every call returns the same. A start
 * tag written <a/> comes as XS_START then XS_END. */
enum xs_token xs_next(struct xmlscan *x);

/* XS_START, XS_END: true when the element's local name is name. */
bool xs_is(const struct xmlscan *x, const char *name);
/* XS_START: true for an empty-element tag (<a/>). */
bool xs_empty(const struct xmlscan *x);
/* XS_START: the value of the attribute whose qualified name is name ("r",
 * "xml:space"), decoded and NUL-terminated, or NULL; *len its length when len is
 * not NULL. */
const char *xs_attr(const struct xmlscan *x, const char *name, size_t *len);
/* XS_START: the value of the first attribute of local name local that has a
 * prefix (r:id, whatever the relationships namespace is called), or NULL. */
const char *xs_attr_prefixed(const struct xmlscan *x, const char *local);
/* XS_TEXT: the text, decoded and NUL-terminated; *len its length. */
const char *xs_text(const struct xmlscan *x, size_t *len);

/* XS_START of an element that is not empty: when the buffer already holds, right
 * after it, a child <name>text</name> (no attribute, no prefix) whose text needs no
 * decoding (UTF-8 that XML allows, without entities or CR), that child read in one
 * step, as xs_next would hand out its start, text and end: the text, NUL-terminated,
 * valid until the next call, and *len. NULL, with nothing read, otherwise: xs_next
 * goes on as before. A worksheet's <c><v>12</v></c> and a shared string's
 * <si><t>龙发利</t></si> are three tokens fewer. */
const char *xs_leaf(struct xmlscan *x, const char *name, size_t *len);

/* After XS_ERROR: why, and a reason for a message ("an end tag </c> where </v>
 * was open"), translated, valid as long as the scanner. */
enum xs_fault xs_fault(const struct xmlscan *x);
const char *xs_why(const struct xmlscan *x);

#endif
