/* Tests for idcard: what a clerk types, what the register keeps, what a list shows. */
#include <locale.h>
#include <stdlib.h>

#include "check.h"
#include "civil.h"
#include "idcard.h"
#include "util.h"

/* The check character computed here from the standard's weights, independently of
 * idcard_check_char, so both can be compared. */
static char reference_check(const char *first17)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int s = 0;
	for (int i = 0; i < 17; i++)
		s += (first17[i] - '0') * w[i];
	return "10X98765432"[s % 11];
}

static void test_check_char(void)
{
	static const struct {
		const char *first17;
		char want;
	} cases[] = {
		{ "52011119800101001", 'X' },
		{ "52011119800101002", '8' },
		{ "11010519491231002", 'X' },
		{ "44052418800101001", '4' },
		{ "52011120000229002", '5' },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		CHECK_INT(reference_check(cases[i].first17), cases[i].want);
		CHECK_INT(idcard_check_char(cases[i].first17), cases[i].want);
	}
	CHECK_INT(idcard_check_char("5201111980010100a"), '\0');
	CHECK_INT(idcard_check_char(NULL), '\0');
}

/* Parsing: the status and, for accepted numbers, what the register stores. */
static void test_parse(void)
{
	static const struct {
		const char *in;
		enum idcard_status st;
		const char *number, *birth;
		int sex;
	} cases[] = {
		{ "52011119800101001X", IDCARD_OK, "52011119800101001X", "1980-01-01", 1 },
		{ "52011119800101001x", IDCARD_OK, "52011119800101001X", "1980-01-01", 1 },
		{ "５２０１１１１９８００１０１００１ｘ", IDCARD_OK, "52011119800101001X",
		  "1980-01-01", 1 },
		{ " 520111 19800101 001X\t", IDCARD_OK, "52011119800101001X", "1980-01-01", 1 },
		{ "'52011119800101001X", IDCARD_OK, "52011119800101001X", "1980-01-01", 1 },
		{ "　'52011119800101001X　", IDCARD_OK, "52011119800101001X", "1980-01-01", 1 },
		{ "520111198001010028", IDCARD_OK, "520111198001010028", "1980-01-01", 2 },
		{ "11010519491231002X", IDCARD_OK, "11010519491231002X", "1949-12-31", 2 },
		{ "520111200002290025", IDCARD_OK, "520111200002290025", "2000-02-29", 2 },
		/* a real number may end in 000 when its check character is 0 */
		{ "520111198001180000", IDCARD_OK, "520111198001180000", "1980-01-18", 2 },
		/* old 15-digit numbers get "19" and a check character */
		{ "520111800101001", IDCARD_OK, "52011119800101001X", "1980-01-01", 1 },
		{ "110105491231002", IDCARD_OK, "11010519491231002X", "1949-12-31", 2 },
		/* a newborn born today is fine; tomorrow is not */
		{ "520111202506150017", IDCARD_OK, "520111202506150017", "2025-06-15", 1 },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct idcard id;
		enum idcard_status st = idcard_parse(cases[i].in, &id);
		if (st != cases[i].st)
			fprintf(stderr, "parse case %zu: \"%s\"\n", i, cases[i].in);
		CHECK_INT(st, cases[i].st);
		CHECK_STR(id.number, cases[i].number);
		CHECK_STR(id.birth, cases[i].birth);
		CHECK_INT(id.sex, cases[i].sex);
		CHECK(strncmp(id.region, cases[i].number, 6) == 0 && strlen(id.region) == 6);
	}
}

/* Refusals: each bad input and the status a clerk is told. */
static void test_refuse(void)
{
	static const struct {
		const char *in;
		enum idcard_status st;
	} cases[] = {
		{ "", IDCARD_EMPTY },
		{ "   ", IDCARD_EMPTY },
		{ NULL, IDCARD_EMPTY },
		{ "5.20111E+17", IDCARD_EXCEL_MANGLED },
		{ "5.20111198001E+17", IDCARD_EXCEL_MANGLED },
		{ "5.20111e17", IDCARD_EXCEL_MANGLED },
		{ "'5.20111E+17", IDCARD_EXCEL_MANGLED },
		{ "５.２０１１１Ｅ＋１７", IDCARD_EXCEL_MANGLED },
		/* 520111198001010XXX shown with Excel's 15 significant digits */
		{ "520111198001010000", IDCARD_EXCEL_MANGLED },
		{ "52011119800101001Y", IDCARD_BAD_CHAR },
		{ "X2011119800101001X", IDCARD_BAD_CHAR },
		{ "52011180010100X", IDCARD_BAD_CHAR },          /* no X in old numbers */
		{ "龙发利", IDCARD_BAD_CHAR },
		{ "5.2E+", IDCARD_BAD_CHAR },
		{ "5201111980010100", IDCARD_BAD_LENGTH },
		{ "5201111980010100123", IDCARD_BAD_LENGTH },
		{ "520111198102290014", IDCARD_BAD_DATE },        /* 1981 is not a leap year */
		{ "520111190002290011", IDCARD_BAD_DATE },        /* nor is 1900 */
		{ "520111198013010011", IDCARD_BAD_DATE },        /* month 13 */
		{ "520111198004310011", IDCARD_BAD_DATE },        /* April has 30 days */
		{ "520111198001000011", IDCARD_BAD_DATE },        /* day 0 */
		{ "520111203001010013", IDCARD_BAD_DATE },        /* in the future */
		{ "520111202506160011", IDCARD_BAD_DATE },        /* tomorrow */
		{ "520111810229001", IDCARD_BAD_DATE },           /* 15-digit, 1981-02-29 */
		{ "520111198001010013", IDCARD_BAD_CHECK },
		{ "520111198001010010", IDCARD_BAD_CHECK },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct idcard id;
		enum idcard_status st = idcard_parse(cases[i].in, &id);
		if (st != cases[i].st)
			fprintf(stderr, "refuse case %zu: \"%s\"\n", i,
				cases[i].in ? cases[i].in : "(null)");
		CHECK_INT(st, cases[i].st);
	}
	struct idcard id;
	CHECK_INT(idcard_parse("520111198001010013", &id), IDCARD_BAD_CHECK);
	CHECK_INT(id.expected_check, 'X');
}

/* The sentences a clerk reads (English: LANGUAGE=en in main). */
static void test_messages(void)
{
	static const struct {
		const char *in;
		const char *want;
	} cases[] = {
		{ "52011119800101001X", "the ID number is valid" },
		{ "", "the ID number is empty" },
		{ "520111198001010013", "the check character should be X, not 3" },
		{ "5.20111E+17", "Excel has turned this ID number into a number (5.20111E+17); "
				 "type it again as text" },
		{ "5.20111198001E+17", "Excel has turned this ID number into a number "
				       "(5.20111198001E+17); type it again as text" },
		{ "520111198102290014",
		  "the birth date in the ID number (1981-02-29) does not exist" },
		{ "520111203001010013",
		  "the birth date in the ID number (2030-01-01) is in the future" },
		{ "520111198001010000", "Excel has turned this ID number into a number "
					"(520111198001010000); type it again as text" },
		{ "5201111980010100",
		  "an ID number has 18 characters (old ones 15); this one has 16" },
		{ "5201111980010100123",
		  "an ID number has 18 characters (old ones 15); this one has more" },
		{ "龙发利", "an ID number holds only digits and, at the end, the letter X" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct idcard id;
		enum idcard_status st = idcard_parse(cases[i].in, &id);
		char *msg = idcard_message(st, &id);
		CHECK_STR(msg, cases[i].want);
		free(msg);
	}
	char *msg = idcard_message(IDCARD_BAD_CHECK, NULL);
	CHECK(msg && *msg);
	free(msg);
}

static void test_masks(void)
{
	static const struct {
		const char *in, *id_want, *phone_want;
	} cases[] = {
		{ "52011119800101001X", "520111********001X", "**************001X" },
		{ "13812345678", "*******5678", "138****5678" },
		{ "138 1234 5678", "*********5678", "138****5678" },
		{ "085188123456", "********3456", "********3456" },   /* a landline */
		{ "23812345678", "*******5678", "*******5678" },     /* not a mobile */
		{ "0851-8812345", "********2345", "********2345" },
		{ "520111800101001", "***********1001", "***********1001" },
		{ "1234", "1234", "1234" },
		{ "+86 138-1234-5678", "*************5678", "138****5678" },
		{ "8613812345678", "*********5678", "138****5678" },
		{ "龙发利龙发利", "**利龙发利", "**利龙发利" },  /* 18 bytes, not an ID: by character */
		{ "", "", "" },
		{ NULL, "", "" },
		{ "1234567890123456789012345678901234567890",
		  "***************************7890", "***************************7890" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char out[32];
		idcard_mask(cases[i].in, out);
		CHECK_STR(out, cases[i].id_want);
		phone_mask(cases[i].in, out);
		CHECK_STR(out, cases[i].phone_want);
	}
}

static void test_age(void)
{
	static const struct {
		const char *birth, *today;
		int age;
	} cases[] = {
		{ "1980-01-01", "2025-06-15", 45 },
		{ "1980-06-15", "2025-06-15", 45 },   /* birthday today */
		{ "1980-06-16", "2025-06-15", 44 },   /* birthday tomorrow */
		{ "2025-06-15", "2025-06-15", 0 },
		{ "2000-02-29", "2024-02-28", 23 },
		{ "2000-02-29", "2024-02-29", 24 },
		{ "2026-01-01", "2025-06-15", -1 },   /* not born yet */
		{ "1980-02-30", "2025-06-15", -1 },
		{ "1980/01/01", "2025-06-15", -1 },
		{ "1980-01-01", "", -1 },
		{ NULL, "2025-06-15", -1 },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		CHECK_INT(idcard_age(cases[i].birth, cases[i].today), cases[i].age);
}

int main(void)
{
	/* a fixed "today", and English messages whatever the machine's locale */
	civil_set_fixed_today("2025-06-15");
	setenv("LANGUAGE", "en", 1);
	CHECK(setlocale(LC_ALL, "C.UTF-8") != NULL);
	test_check_char();
	test_parse();
	test_refuse();
	test_messages();
	test_masks();
	test_age();
	return check_finish();
}
