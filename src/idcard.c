/* idcard: checking 居民身份号码 (GB 11643-1999) and masking ID and phone numbers.
 *
 * Normalising only does what is unambiguous: full-width forms become ASCII, spaces go,
 * a leading ' (Excel's text marker) goes, a lowercase x becomes X. A number that Excel
 * has turned into floating point (5.20111E+17), or back into 18 digits ending in 000
 * (it keeps 15 significant digits), has lost its last digits for good, so it is
 * reported, never repaired. "Today" for the future-date check is SHANZHI_TODAY
 * (YYYY-MM-DD) when set, so tests and demos do not depend on the clock. */
#include "idcard.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "civil.h"
#include "i18n.h"
#include "text.h"
#include "util.h"

#define ID_LEN 18
#define OLD_ID_LEN 15
#define EARLIEST_BIRTH_YEAR 1850

/* A calendar date. */
struct ymd {
	int y, m, d;
};

char idcard_check_char(const char *first17)
{
	static const int weight[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static const char check[11] = { '1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2' };
	int sum = 0;

	if (!first17)
		return '\0';
	for (int i = 0; i < 17; i++) {
		if (!isdigit(UCH(first17[i])))
			return '\0';
		sum += (first17[i] - '0') * weight[i];
	}
	return check[sum % 11];
}

/* The input as ASCII with spaces, Excel's leading ' and case removed. Caller frees. */
static char *normalize_number(const char *input)
{
	char *ascii = text_normalize_ascii(input);
	char *out = xmalloc(strlen(ascii) + 1), *o = out;
	const char *p = ascii;

	if (*p == '\'')
		p++;
	for (; *p; p++) {
		if (*p == ' ' || *p == '\t')
			continue;
		*o++ = *p == 'x' ? 'X' : *p;
	}
	*o = '\0';
	free(ascii);
	return out;
}

/* Runs of digits: how many there are at s. */
static size_t digit_run(const char *s)
{
	size_t n = 0;
	while (isdigit(UCH(s[n])))
		n++;
	return n;
}

/* true for Excel's scientific notation of a long number: 5.20111E+17, 5.2E17. */
static bool looks_excel_mangled(const char *s)
{
	size_t n = digit_run(s);
	if (n == 0)
		return false;
	s += n;
	if (*s == '.') {
		s++;
		n = digit_run(s);
		if (n == 0)
			return false;
		s += n;
	}
	if (*s != 'E' && *s != 'e')
		return false;
	s++;
	if (*s == '+')
		s++;
	n = digit_run(s);
	return n > 0 && s[n] == '\0';
}

/* true when s has only digits, or (for an 18-character number) a final X. */
static bool has_only_id_chars(const char *s)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < len; i++) {
		if (isdigit(UCH(s[i])))
			continue;
		if (s[i] == 'X' && i == len - 1 && len == ID_LEN)
			continue;
		return false;
	}
	return true;
}

/* Reads "YYYY-MM-DD" strictly. */
static bool parse_ymd(const char *s, struct ymd *out)
{
	return civil_date_digits(s, &out->y, &out->m, &out->d);
}

/* true when the date exists in the Gregorian calendar (from year 1). */
static bool is_real_date(struct ymd d)
{
	return d.y >= 1 && civil_is_date(d.y, d.m, d.d);
}

static int ymd_compare(struct ymd a, struct ymd b)
{
	if (a.y != b.y)
		return a.y < b.y ? -1 : 1;
	if (a.m != b.m)
		return a.m < b.m ? -1 : 1;
	return a.d < b.d ? -1 : a.d > b.d;
}

/* Today's date: the tests' fixed day, else the local clock. */
static struct ymd today(void)
{
	struct ymd d;
	if (!civil_fixed_today(&d.y, &d.m, &d.d))
		civil_today(&d.y, &d.m, &d.d);
	return d;
}

/* The birth date held in digits 7-14 of an 18-character number. */
static struct ymd birth_of(const char *number)
{
	/* digits only by now (has_only_id_chars): read without atoi, once per row */
	const char *p = number + 6;
	struct ymd d = {
		.y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0'),
		.m = (p[4] - '0') * 10 + (p[5] - '0'),
		.d = (p[6] - '0') * 10 + (p[7] - '0'),
	};
	return d;
}

/* Why a birth date is refused: 0 if it is fine, 1 no such date, 2 in the future. */
static int birth_problem(struct ymd d)
{
	if (!is_real_date(d) || d.y < EARLIEST_BIRTH_YEAR)
		return 1;
	return ymd_compare(d, today()) > 0 ? 2 : 0;
}

/* Fills number, region, birth and sex from a well-formed 18-character number. */
static void fill_fields(const char *number, struct idcard *out)
{
	memcpy(out->number, number, ID_LEN + 1);
	memcpy(out->region, number, 6);
	out->region[6] = '\0';
	/* YYYY-MM-DD from digits 7-14, without printf: this runs for every imported row */
	memcpy(out->birth, number + 6, 4);
	out->birth[4] = '-';
	memcpy(out->birth + 5, number + 10, 2);
	out->birth[7] = '-';
	memcpy(out->birth + 8, number + 12, 2);
	out->birth[10] = '\0';
	out->sex = (number[16] - '0') % 2 ? 1 : 2;
}

/* The 18-character form of an old 15-digit number: "19" added, check character
 * computed. */
static void widen_old_number(const char *old, char out[ID_LEN + 1])
{
	memcpy(out, old, 6);
	memcpy(out + 6, "19", 2);
	memcpy(out + 8, old + 6, 9);
	out[17] = idcard_check_char(out);
	out[18] = '\0';
}

/* Checks an already normalised number; out has been cleared. */
static enum idcard_status check_number(const char *s, struct idcard *out)
{
	char number[ID_LEN + 1];
	size_t len = strlen(s);

	/* keep what was typed so the message can quote it, never half a character */
	size_t bad, kept = len < sizeof out->number - 1 ? len : sizeof out->number - 1;
	memcpy(out->number, s, kept);   /* not snprintf: this runs for every imported row */
	out->number[kept] = '\0';
	if (!text_utf8_valid(out->number, strlen(out->number), &bad))
		out->number[bad] = '\0';
	if (len == 0)
		return IDCARD_EMPTY;
	if (looks_excel_mangled(s))
		return IDCARD_EXCEL_MANGLED;
	if (!has_only_id_chars(s))
		return IDCARD_BAD_CHAR;
	if (len == OLD_ID_LEN)
		widen_old_number(s, number);
	else if (len == ID_LEN)
		memcpy(number, s, sizeof number);
	else
		return IDCARD_BAD_LENGTH;
	fill_fields(number, out);
	if (birth_problem(birth_of(number)))
		return IDCARD_BAD_DATE;
	out->expected_check = idcard_check_char(number);
	if (number[17] == out->expected_check)
		return IDCARD_OK;
	/* Excel keeps 15 significant digits: the last three come back as 000 */
	if (len == ID_LEN && strcmp(number + 15, "000") == 0)
		return IDCARD_EXCEL_MANGLED;
	return IDCARD_BAD_CHECK;
}

/* The last number this thread parsed, with its result and the day it was parsed on
 * (the future-date check depends on the day): one row's checks parse the same
 * number half a dozen times (normalising, the type check, sex, birth date). */
#define MEMO_INPUT 64
static _Thread_local struct {
	char input[MEMO_INPUT];
	struct ymd day;
	struct idcard card;
	enum idcard_status status;
	bool set;
} last_parse;

enum idcard_status idcard_parse(const char *input, struct idcard *out)
{
	size_t len = input ? strlen(input) : MEMO_INPUT;   /* NULL: parsed as empty, never kept */
	struct ymd day = today();
	if (last_parse.set && len < MEMO_INPUT && strcmp(last_parse.input, input) == 0 &&
	    ymd_compare(last_parse.day, day) == 0) {
		*out = last_parse.card;
		return last_parse.status;
	}
	char *s = normalize_number(input);
	memset(out, 0, sizeof *out);
	enum idcard_status st = check_number(s, out);
	free(s);
	if (len < MEMO_INPUT) {
		memcpy(last_parse.input, input, len + 1);
		last_parse.day = day;
		last_parse.card = *out;
		last_parse.status = st;
		last_parse.set = true;
	}
	return st;
}

/* The sentence for a refused birth date. Caller frees. */
static char *bad_date_message(const struct idcard *parsed)
{
	struct ymd d;
	if (!parsed || !parse_ymd(parsed->birth, &d))
		return xstrdup(_("the birth date in the ID number is not a real date"));
	if (birth_problem(d) == 2)
		return xasprintf(_("the birth date in the ID number (%s) is in the future"),
				 parsed->birth);
	return xasprintf(_("the birth date in the ID number (%s) does not exist"),
			 parsed->birth);
}

/* The sentence for a number of the wrong length. Caller frees. */
static char *bad_length_message(const struct idcard *parsed)
{
	size_t len = parsed ? strlen(parsed->number) : 0;
	if (len == 0 || len >= ID_LEN)
		return xstrdup(_("an ID number has 18 characters (old ones 15); this one has "
				 "more"));
	return xasprintf(_("an ID number has 18 characters (old ones 15); this one has %d"),
			 (int)len);
}

char *idcard_message(enum idcard_status st, const struct idcard *parsed)
{
	switch (st) {
	case IDCARD_OK:
		return xstrdup(_("the ID number is valid"));
	case IDCARD_EMPTY:
		return xstrdup(_("the ID number is empty"));
	case IDCARD_EXCEL_MANGLED:
		if (!parsed || !*parsed->number)
			return xstrdup(_("Excel has turned this ID number into a number; type it "
					 "again as text"));
		return xasprintf(_("Excel has turned this ID number into a number (%s); type "
				   "it again as text"),
				 parsed->number);
	case IDCARD_BAD_CHAR:
		return xstrdup(_("an ID number holds only digits and, at the end, the letter X"));
	case IDCARD_BAD_LENGTH:
		return bad_length_message(parsed);
	case IDCARD_BAD_DATE:
		return bad_date_message(parsed);
	case IDCARD_BAD_CHECK:
		if (!parsed || !parsed->expected_check || strlen(parsed->number) != ID_LEN)
			return xstrdup(_("the check character does not match; the number has a "
					 "typing error"));
		return xasprintf(_("the check character should be %c, not %c"),
				 parsed->expected_check, parsed->number[ID_LEN - 1]);
	}
	return xstrdup(_("the ID number is not valid"));
}

/* Writes chars with all but the last `keep` masked by '*', at most out_size-1 bytes;
 * works on characters so a multi-byte character is never cut in half. */
static void mask_all_but_last(const char *s, size_t keep, char *out, size_t out_size)
{
	size_t n;
	wchar_t *ws = text_to_wcs(s, &n);
	size_t kept_from = n > keep ? n - keep : 0;
	char *tail = text_from_wcs(ws + kept_from, n - kept_from);
	size_t tail_len = strlen(tail);
	size_t stars = kept_from;

	if (tail_len >= out_size)
		tail_len = 0;  /* only a nonsense value is that long: show none of it */
	if (stars + tail_len >= out_size)
		stars = out_size - 1 - tail_len;
	memset(out, '*', stars);
	memcpy(out + stars, tail, tail_len);
	out[stars + tail_len] = '\0';
	free(tail);
	free(ws);
}

/* true when s is plain ASCII, so byte offsets are character offsets. */
static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if (UCH(*s) >= 0x80)
			return false;
	return true;
}

void idcard_mask(const char *number, char out[32])
{
	const char *s = number ? number : "";
	if (strlen(s) == ID_LEN && is_ascii(s)) {
		snprintf(out, 32, "%.6s********%s", s, s + ID_LEN - 4);
		return;
	}
	mask_all_but_last(s, 4, out, 32);
}

void phone_mask(const char *phone, char out[32])
{
	const char *s = phone ? phone : "";
	char digits[14];
	size_t n = 0;
	bool only_digits = true;

	/* spaces and hyphens group digits; +86 is China's country code */
	for (const char *p = s; *p && only_digits; p++) {
		if (*p == ' ' || *p == '-' || (*p == '+' && n == 0))
			continue;
		if (!isdigit(UCH(*p)) || n == sizeof digits - 1)
			only_digits = false;
		else
			digits[n++] = *p;
	}
	digits[n] = '\0';
	const char *mobile = n == 13 && strncmp(digits, "86", 2) == 0 ? digits + 2 : digits;
	if (only_digits && strlen(mobile) == 11 && mobile[0] == '1') {
		snprintf(out, 32, "%.3s****%s", mobile, mobile + 7);
		return;
	}
	mask_all_but_last(s, 4, out, 32);
}

int idcard_age(const char *birth, const char *today_s)
{
	struct ymd b, t;
	if (!parse_ymd(birth, &b) || !parse_ymd(today_s, &t) || !is_real_date(b) ||
	    !is_real_date(t) || ymd_compare(b, t) > 0)
		return -1;
	int age = t.y - b.y;
	if (t.m < b.m || (t.m == b.m && t.d < b.d))
		age--;
	return age;
}
