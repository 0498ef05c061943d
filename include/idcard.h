/* idcard: 居民身份号码 (GB 11643-1999).
 * 6-digit region, YYYYMMDD, 3-digit sequence (odd male, even female), check char.
 * Input is normalised before checking: surrounding spaces, a leading ' (Excel),
 * full-width digits and a lowercase x. 15-digit numbers are converted to 18. */
#ifndef SZ_IDCARD_H
#define SZ_IDCARD_H

#include <stdbool.h>

enum idcard_status {
	IDCARD_OK,
	IDCARD_EMPTY,
	IDCARD_EXCEL_MANGLED,  /* 5.20111E+17: Excel turned it into a number */
	IDCARD_BAD_CHAR,       /* something other than digits and a final X */
	IDCARD_BAD_LENGTH,     /* neither 15 nor 18 characters */
	IDCARD_BAD_DATE,       /* no such birth date, or in the future */
	IDCARD_BAD_CHECK,      /* check character does not match */
};

struct idcard {
	char number[19];  /* normalised 18-character form */
	char region[7];
	char birth[11];   /* YYYY-MM-DD */
	int sex;          /* 1 男, 2 女 (GB/T 2261.1 codes) */
	char expected_check; /* with IDCARD_BAD_CHECK: the character that would fit */
};

/* Parses and checks; on IDCARD_OK every field of out is filled. */
enum idcard_status idcard_parse(const char *input, struct idcard *out);
/* A translated sentence for a status (e.g. "check character should be X"). Caller frees. */
char *idcard_message(enum idcard_status st, const struct idcard *parsed);
/* The check character for 17 digits. */
char idcard_check_char(const char *first17);
/* 520111********001X; anything that is not 18 characters is masked but for its last 4. */
void idcard_mask(const char *number, char out[32]);
/* 138****5678 for an 11-digit mobile; other numbers keep only their last 4. */
void phone_mask(const char *phone, char out[32]);
/* Age in whole years on date today (YYYY-MM-DD), -1 if either is malformed. */
int idcard_age(const char *birth, const char *today);

#endif
