/* search-keys: the keys of resident_key for one resident (see search.h for their
 * kinds), apart from the search itself so that the SQLite extension (sqlite-ext.c)
 * can make them without the store. */
#include "search-keys.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "idcard.h"
#include "pinyin.h"
#include "text.h"
#include "util.h"

#define PINYIN_KEYS 8

/* Appends s as a JSON string. */
static void json_string(struct strbuf *sb, const char *s)
{
	sb_append(sb, "\"");
	for (const char *p = s; *p; p++) {
		unsigned char c = UCH(*p);
		if (c == '"' || c == '\\')
			sb_appendf(sb, "\\%c", c);
		else if (c < 0x20)
			sb_appendf(sb, "\\u%04x", c);
		else
			sb_append_n(sb, p, 1);
	}
	sb_append(sb, "\"");
}

/* Where the keys go: every maker (the SQL function, the bulk fill, an import's
 * runs) gets them from the one walk below, so they are the same bytes. */
struct key_sink {
	search_keys_fn fn;
	void *ctx;
};

/* Adds one key to a struct search_keys, kind prefix + text. */
static void add_to_list(void *ctx, const char *kind, size_t nk, const char *text, size_t nt)
{
	struct search_keys *k = ctx;
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 8;
		k->keys = xrealloc(k->keys, k->cap * sizeof *k->keys);
	}
	/* not xasprintf: a bulk load makes six million of these */
	char *key = xmalloc(nk + nt + 1);
	memcpy(key, kind, nk);
	memcpy(key + nk, text, nt + 1);
	k->keys[k->n++] = key;
}

/* Hands one key, kind prefix + text, to the sink. */
static void add_key(const struct key_sink *k, const char *kind, const char *text)
{
	k->fn(k->ctx, kind, strlen(kind), text, strlen(text));
}

void search_keys_reverse(char *s)
{
	for (size_t i = 0, j = strlen(s); i + 1 < j; i++, j--) {
		char t = s[i];
		s[i] = s[j - 1];
		s[j - 1] = t;
	}
}

char *search_keys_id_text(const char *id)
{
	/* 18 digits or X, as the register holds them: the text is its own key, and
	 * parsing a million of them at the end of a load is not free */
	size_t len = strlen(id);
	if (len == 18 && strspn(id, "0123456789X") == 18)
		return xstrdup(id);
	struct idcard card;
	if (idcard_parse(id, &card) == IDCARD_OK)
		return xstrdup(card.number);
	struct strbuf sb = {0};
	for (const char *p = id; *p; p++)
		if (!isspace(UCH(*p)))
			sb_appendf(&sb, "%c", toupper(UCH(*p)));
	return sb_take(&sb);
}

/* The digits of a phone number, in order. */
static char *phone_digits(const char *phone)
{
	struct strbuf sb = {0};
	for (const char *p = phone; *p; p++)
		if (isdigit(UCH(*p)))
			sb_append_n(&sb, p, 1);
	return sb_take(&sb);
}

/* The name without surrounding white space, and without the invisible format
 * characters (U+200B, U+202E) a name may hold from before they were refused: its
 * keys are those of the name a reader sees. Caller frees. */
static char *trimmed(const char *raw)
{
	char *visible = text_strip_format(raw), *s = visible;
	while (isspace(UCH(*s)))
		s++;
	size_t n = strlen(s);
	while (n && isspace(UCH(s[n - 1])))
		n--;
	char *out = xstrndup(s, n);
	free(visible);
	return out;
}

/* n: every suffix of the name (a substring is a prefix of one of them), p: the
 * pinyin initials. */
static void name_keys(const struct key_sink *k, const char *raw)
{
	char *name = trimmed(raw);
	for (const char *p = name; *p;) {
		add_key(k, "n:", p);
		p++;
		while ((UCH(*p) & 0xc0) == 0x80)
			p++;
	}
	char *initials[PINYIN_KEYS];
	size_t n = pinyin_name_keys(name, initials, PINYIN_KEYS);
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(initials[i], initials[j]) == 0;
		if (!seen && *initials[i])
			add_key(k, "p:", initials[i]);
	}
	for (size_t i = 0; i < n; i++)
		free(initials[i]);
	free(name);
}

void search_keys_each(const char *name, const char *id_number, const char *phone, search_keys_fn fn, void *ctx)
{
	const struct key_sink sink = {fn, ctx}, *out = &sink;
	if (name)
		name_keys(out, name);
	if (id_number) {
		char *id = search_keys_id_text(id_number);
		search_keys_reverse(id);
		if (*id)
			add_key(out, "i:", id);
		free(id);
	}
	if (phone) {
		char *digits = phone_digits(phone);
		search_keys_reverse(digits);
		if (*digits)
			add_key(out, "m:", digits);
		free(digits);
	}
}

void search_keys_make(const char *name, const char *id_number, const char *phone, struct search_keys *out)
{
	*out = (struct search_keys){0};
	search_keys_each(name, id_number, phone, add_to_list, out);
}

void search_keys_free(struct search_keys *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->keys[i]);
	free(k->keys);
	*k = (struct search_keys){0};
}

char *search_keys_json(const char *name, const char *id_number, const char *phone)
{
	struct search_keys k;
	search_keys_make(name, id_number, phone, &k);
	struct strbuf sb = {0};
	sb_append(&sb, "[");
	for (size_t i = 0; i < k.n; i++) {
		sb_append(&sb, i ? "," : "");
		json_string(&sb, k.keys[i]);
	}
	sb_append(&sb, "]");
	search_keys_free(&k);
	return sb_take(&sb);
}
