/* fuzz-idcard: 公民身份号码 checking and masking fed what clerks and spreadsheets type.
 *
 * Built with clang and -DSZ_LIBFUZZER it is a libFuzzer target (the input is one typed
 * number). Built otherwise it is a test: valid 15- and 18-digit numbers, full-width,
 * with a small x, Excel's ' and its 5.20111E+17, then garbled, cut and doubled copies
 * of them and random bytes. Each must be parsed without a crash, and an accepted
 * number must hold up: 18 characters whose check character fits, a real birth date
 * that its digits say, the sex of its sequence number, the same number when parsed
 * again, and a mask that shows no more than the region and the last four. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "idcard.h"
#include "util.h"

static int failed;

/* Counts a failure of input, saying what went wrong. */
static void failure(const char *input, const char *why)
{
	failed++;
	if (failed <= 20)
		fprintf(stderr, "\"%s\": %s\n", input, why);
}

/* Checks an accepted number against what it must be. */
static void check_accepted(const char *input, const struct idcard *id)
{
	struct idcard again;
	char mask[32], birth[11];
	if (strlen(id->number) != 18 || idcard_check_char(id->number) != id->number[17])
		failure(input, "accepted with a check character that does not fit");
	snprintf(birth, sizeof birth, "%.4s-%.2s-%.2s", id->number + 6, id->number + 10,
		 id->number + 12);
	if (strcmp(birth, id->birth) != 0 || strncmp(id->region, id->number, 6) != 0)
		failure(input, "the birth date or region is not the number's");
	if (id->sex != ((id->number[16] - '0') % 2 ? 1 : 2))
		failure(input, "the sex is not the sequence number's");
	if (idcard_parse(id->number, &again) != IDCARD_OK || strcmp(again.number, id->number) != 0)
		failure(input, "the normalised number is not accepted as itself");
	idcard_mask(id->number, mask);
	if (strncmp(mask, id->number, 6) != 0 || strspn(mask + 6, "*") != 8 ||
	    strcmp(mask + 14, id->number + 14) != 0)
		failure(input, "the mask shows more than the region and the last four");
}

/* One typed number through everything that takes one. */
static void exercise(const char *input)
{
	struct idcard id;
	memset(&id, 0, sizeof id);
	enum idcard_status st = idcard_parse(input, &id);
	char *msg = idcard_message(st, &id);
	if (!msg || !*msg)
		failure(input, "no message");
	free(msg);
	if (st == IDCARD_OK)
		check_accepted(input, &id);
	char mask[32];
	idcard_mask(input, mask);
	phone_mask(input, mask);
	if (strlen(mask) >= 32)
		failure(input, "a mask longer than its buffer");
	int age = idcard_age(input, "2026-01-01");
	if (age < -1)
		failure(input, "a negative age");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libFuzzer's entry point: the input as one typed number. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	exercise(s);
	free(s);
	return 0;
}

#ifndef SZ_LIBFUZZER

int main(void)
{
	static const char *const seeds[] = {
		"520111198001010011", "52011119800101001x", "520111800101001",
		"'520111198001010011", "５２０１１１１９８００１０１００１１", " 520111 19800101 0011 ",
		"5.20111E+17", "520111198001010000", "110105194912310029", "11010519491231002X",
		"520111200002290020", "520111190002290020", "520111202612310011", "",
		"52011119800101001", "5201111980010100111", "52011119800101001Ｘ",
	};
	static const char alphabet[] = "0123456789Xx '+.E-\t\xef\xbc\x90\xff\x80";
	uint32_t seed = 20261126;
	long run = 0;
	for (size_t i = 0; i < ARRAY_LEN(seeds); i++) {
		const char *s = seeds[i];
		size_t n = strlen(s);
		exercise(s);
		for (size_t cut = 0; cut < n; cut++) {
			char *copy = xstrndup(s, cut);
			exercise(copy);
			free(copy);
			run++;
		}
		for (int round = 0; round < 20000 * fuzz_scale(); round++, run++) {
			size_t len;
			char *copy = round % 3 ? fuzz_garble(&seed, s, n, 0, 1 + round % 3, alphabet,
							     sizeof alphabet - 1)
					       : fuzz_splice(&seed, s, n, &len);
			exercise(copy);
			free(copy);
		}
	}
	/* any 17 digits with the check character that fits is accepted when its date is real */
	for (int round = 0; round < 20000 * fuzz_scale(); round++, run++) {
		char number[19];
		snprintf(number, sizeof number, "520111%04u%02u%02u%03u", 1900 + fuzz_next(&seed) % 126,
			 1 + fuzz_next(&seed) % 12, 1 + fuzz_next(&seed) % 28, fuzz_next(&seed) % 1000);
		number[17] = idcard_check_char(number);
		number[18] = '\0';
		struct idcard id;
		if (idcard_parse(number, &id) != IDCARD_OK)
			failure(number, "a valid number refused");
		exercise(number);
	}
	printf("%ld numbers, %d failed\n", run, failed);
	return failed ? 1 : 0;
}

#endif
