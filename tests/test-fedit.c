/* Tests for fedit: the field editor's insert, delete, cursor and scroll logic with
 * double-width characters, a character outside the BMP and a box edge; for medit,
 * the lines of the memo editor; and the lines tui_wrap gives a message box. */
#include <locale.h>
#include <stdlib.h>

#include "check.h"
#include "fedit.h"
#include "medit.h"
#include "text.h"
#include "tui-core.h"
#include "util.h"

/* Key script: these control characters are editing keys, anything else is typed. */
#define K_HOME L"\x01"
#define K_LEFT L"\x02"
#define K_DEL L"\x04"
#define K_END L"\x05"
#define K_RIGHT L"\x06"
#define K_BS L"\x08"
#define K_KILL L"\x0b"
#define K_CLEAR L"\x15"

/* Plays a key script; returns how many typed characters were refused. */
static int play(struct fedit *e, const wchar_t *keys, int cols)
{
	int refused = 0;

	for (; *keys; keys++) {
		switch (*keys) {
		case 0x01: fedit_home(e); break;
		case 0x02: fedit_left(e); break;
		case 0x04: fedit_delete(e); break;
		case 0x05: fedit_end(e); break;
		case 0x06: fedit_right(e); break;
		case 0x08: fedit_backspace(e); break;
		case 0x0b: fedit_kill_to_end(e); break;
		case 0x15: fedit_clear(e); break;
		default:
			if (!fedit_insert(e, *keys))
				refused++;
		}
		fedit_scroll_to_cursor(e, cols);
	}
	return refused;
}

/* What the box shows, as UTF-8 (caller frees). */
static char *shown(const struct fedit *e, int cols, int *cursor_col)
{
	size_t n;
	const wchar_t *vis = fedit_visible(e, cols, &n, cursor_col);
	return text_from_wcs(vis, n);
}

static void test_scripts(void)
{
	static const struct {
		const char *initial;
		size_t max_chars;
		int cols;
		const wchar_t *keys;
		const char *value;   /* the whole value afterwards */
		size_t cursor;       /* character index */
		const char *box;     /* what the box shows */
		int cursor_col;      /* the cursor's column inside the box */
		int refused;
	} cases[] = {
		/* plain typing, CJK counts two columns per character */
		{ "", 0, 20, L"龙发利", "龙发利", 3, "龙发利", 6, 0 },
		{ "", 0, 20, L"abc" K_LEFT K_LEFT L"X", "aXbc", 2, "aXbc", 2, 0 },
		/* insert in the middle of wide characters, by character index */
		{ "龙利", 0, 20, K_LEFT L"发", "龙发利", 2, "龙发利", 4, 0 },
		/* backspace and delete remove whole characters */
		{ "龙发利", 0, 20, K_BS, "龙发", 2, "龙发", 4, 0 },
		{ "龙发利", 0, 20, K_HOME K_DEL, "发利", 0, "发利", 0, 0 },
		{ "龙发利", 0, 20, K_HOME K_BS, "龙发利", 0, "龙发利", 0, 0 },
		{ "龙发利", 0, 20, K_END K_DEL, "龙发利", 3, "龙发利", 6, 0 },
		/* a character outside the BMP is one character, two columns */
		{ "张", 0, 20, L"\U00020BB7", "张\xF0\xA0\xAE\xB7", 2, "张\xF0\xA0\xAE\xB7", 4, 0 },
		{ "张\xF0\xA0\xAE\xB7", 0, 20, K_BS, "张", 1, "张", 2, 0 },
		/* the name separator U+00B7 (one column in a UTF-8 locale) */
		{ "阿依古丽", 0, 30, L"\u00B7买买提", "阿依古丽\u00B7买买提", 8,
		  "阿依古丽\u00B7买买提", 15, 0 },
		/* max_chars refuses, and nothing already typed is pushed out */
		{ "", 3, 20, L"龙发利明", "龙发利", 3, "龙发利", 6, 1 },
		{ "ab", 3, 20, K_HOME L"XYZ", "Xab", 1, "Xab", 1, 2 },
		/* after a refusal there is room again once something is deleted */
		{ "", 2, 20, L"abc" K_BS L"d", "ad", 2, "ad", 2, 1 },
		/* control characters are never inserted */
		{ "", 0, 20, L"a\x7f\x1b" L"b", "ab", 2, "ab", 2, 2 },
		/* a wide character at the box's edge: a 5-column box holds two CJK characters,
		 * the third is not split but scrolled in whole */
		{ "", 0, 5, L"龙发", "龙发", 2, "龙发", 4, 0 },
		{ "", 0, 5, L"龙发利", "龙发利", 3, "发利", 4, 0 },
		{ "", 0, 5, L"a龙发", "a龙发", 3, "龙发", 4, 0 },
		/* a box of 6 holds two wide characters and the cursor cell after them: a
		 * third wide one scrolls the first out whole */
		{ "", 0, 6, L"龙发利", "龙发利", 3, "发利", 4, 0 },
		/* long values scroll; Home shows the beginning, clipped at a whole character */
		{ "", 0, 5, L"龙发利" K_HOME, "龙发利", 0, "龙发", 0, 0 },
		{ "abcdefghij", 0, 4, K_HOME, "abcdefghij", 0, "abcd", 0, 0 },
		{ "abcdefghij", 0, 4, K_HOME K_END, "abcdefghij", 10, "hij", 3, 0 },
		/* moving right through a long value scrolls one character at a time */
		{ "abcdefghij", 0, 4, K_HOME K_RIGHT K_RIGHT K_RIGHT K_RIGHT, "abcdefghij", 4, "bcde", 3, 0 },
		/* the cursor on a wide character needs its two columns visible */
		{ "ab龙", 0, 3, K_HOME K_RIGHT K_RIGHT, "ab龙", 2, "b龙", 1, 0 },
		/* deleting at the end of a scrolled value pulls the view back to fill the box */
		{ "abcdefghij", 0, 4, K_END K_BS K_BS K_BS K_BS K_BS K_BS K_BS, "abc", 3, "abc", 3, 0 },
		/* Ctrl-K and Ctrl-U */
		{ "龙发利", 0, 20, K_HOME K_RIGHT K_KILL, "龙", 1, "龙", 2, 0 },
		{ "龙发利", 0, 20, K_CLEAR L"x", "x", 1, "x", 1, 0 },
		/* a 50-character name scrolls inside a 20-column box, cursor at the end */
		{ "", 0, 20,
		  L"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十",
		  "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十",
		  50, "二三四五六七八九十", 18, 0 },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct fedit e;
		int col = -1, failed_before = check_failed;
		fedit_init(&e, cases[i].initial, cases[i].max_chars);
		fedit_scroll_to_cursor(&e, cases[i].cols);
		int refused = play(&e, cases[i].keys, cases[i].cols);
		char *value = fedit_value(&e);
		char *box = shown(&e, cases[i].cols, &col);
		CHECK_STR(value, cases[i].value);
		CHECK_INT(e.cursor, cases[i].cursor);
		CHECK_STR(box, cases[i].box);
		CHECK_INT(col, cases[i].cursor_col);
		CHECK_INT(refused, cases[i].refused);
		CHECK(text_width(box) <= cases[i].cols);
		CHECK(col < cases[i].cols);
		if (check_failed != failed_before)
			fprintf(stderr, "  (in case %zu)\n", i);
		free(value);
		free(box);
		fedit_free(&e);
	}
}

/* The changed flag: set by edits, cleared by fedit_set; a stored value longer than
 * max_chars is kept whole. */
static void test_changed_and_set(void)
{
	struct fedit e;
	fedit_init(&e, "龙发利", 2);
	CHECK(!e.changed);
	CHECK_INT(e.len, 3);
	char *v = fedit_value(&e);
	CHECK_STR(v, "龙发利");
	free(v);
	CHECK(!fedit_insert(&e, L'x'));
	CHECK(!e.changed);
	CHECK(fedit_backspace(&e));
	CHECK(e.changed);
	fedit_set(&e, "52011119800101001X");
	CHECK(!e.changed);
	CHECK_INT(e.cursor, 18);
	fedit_left(&e);
	fedit_left(&e);
	CHECK_INT(e.cursor, 16);
	fedit_free(&e);
	fedit_free(NULL);
}

/* Every cursor position of a mixed value inside a narrow box: the box never shows
 * more columns than it has and the cursor's cell always lies inside it. */
static void test_cursor_always_inside(void)
{
	struct fedit e;
	fedit_init(&e, "a龙b\U00020BB7发cd利e", 0);
	for (int cols = 2; cols <= 8; cols++) {
		fedit_end(&e);
		for (size_t k = 0; k <= e.len; k++) {
			int col;
			size_t n;
			fedit_scroll_to_cursor(&e, cols);
			const wchar_t *vis = fedit_visible(&e, cols, &n, &col);
			int cell = e.cursor < e.len ? text_char_width(e.text[e.cursor]) : 1;
			CHECK(text_wcs_width(vis, n) <= cols);
			CHECK(col >= 0 && col + cell <= cols);
			CHECK(e.scroll <= e.cursor);
			fedit_left(&e);
		}
	}
	fedit_free(&e);
}

/* The lines of e in a box cols wide, as "text|text|", and the cursor's place. */
static char *lines_of(struct fedit *e, int cols, size_t *line, int *col)
{
	struct medit_layout l;
	medit_layout(e, cols, &l);
	struct strbuf sb = { 0 };
	for (size_t k = 0; k < l.n; k++) {
		char *t = text_from_wcs(e->text + l.lines[k].start, l.lines[k].len);
		sb_appendf(&sb, "%s|", t);
		free(t);
	}
	*line = medit_cursor_line(e, &l, col);
	medit_layout_free(&l);
	return sb_take(&sb);
}

#define CHECK_LINES(e, cols, want, want_line, want_col)                 \
	do {                                                            \
		size_t line_;                                           \
		int col_;                                               \
		char *got_ = lines_of(e, cols, &line_, &col_);         \
		CHECK_STR(got_, want);                                  \
		CHECK_INT((long)line_, want_line);                      \
		CHECK_INT(col_, want_col);                              \
		free(got_);                                             \
	} while (0)

/* Lines end at a newline or before a character that does not fit; a wide one is
 * never split; the cursor keeps its column going up and down and never lands
 * past the end of a cut line. */
static void test_memo_lines(void)
{
	struct fedit e;
	fedit_init(&e, "", 0);
	CHECK(!fedit_insert(&e, L'\n'));         /* a one-line field takes no newline */
	e.multiline = true;
	fedit_set(&e, "一二三四五\nab");
	CHECK_LINES(&e, 6, "一二三|四五|ab|", 2, 2);
	CHECK_LINES(&e, 7, "一二三|四五|ab|", 2, 2);   /* 7 columns hold three and a half */
	CHECK_LINES(&e, 10, "一二三四五|ab|", 1, 2);
	medit_up(&e, 6);                          /* from column 2 of "ab" to after 四 */
	CHECK_LINES(&e, 6, "一二三|四五|ab|", 1, 2);
	medit_up(&e, 6);
	CHECK_LINES(&e, 6, "一二三|四五|ab|", 0, 2);
	medit_line_end(&e, 6);                    /* after its last: typed text follows it */
	CHECK_INT((long)e.cursor, 3);
	CHECK_LINES(&e, 6, "一二三|四五|ab|", 1, 0);
	medit_line_end(&e, 6);
	CHECK_LINES(&e, 6, "一二三|四五|ab|", 1, 4);
	medit_line_home(&e, 6);
	CHECK_LINES(&e, 6, "一二三|四五|ab|", 1, 0);
	medit_down(&e, 6);
	medit_down(&e, 6);                        /* nothing below the last line */
	CHECK_LINES(&e, 6, "一二三|四五|ab|", 2, 0);
	/* typing a newline, and a full last line gives the cursor a line of its own */
	medit_line_end(&e, 6);
	CHECK(fedit_insert(&e, L'\n'));
	CHECK_LINES(&e, 6, "一二三|四五|ab||", 3, 0);
	fedit_set(&e, "一二三");
	CHECK_LINES(&e, 6, "一二三||", 1, 0);
	char *v = fedit_value(&e);
	CHECK_STR(v, "一二三");
	free(v);
	/* down from column 6 into a cut line stops before its last character, not on
	 * the line after it */
	fedit_set(&e, "abcdef\n一二三四");
	CHECK_LINES(&e, 6, "abcdef|一二三|四|", 2, 2);
	medit_up(&e, 6);
	medit_up(&e, 6);
	medit_line_end(&e, 6);
	CHECK_LINES(&e, 6, "abcdef|一二三|四|", 0, 6);
	medit_down(&e, 6);
	CHECK_LINES(&e, 6, "abcdef|一二三|四|", 1, 4);
	fedit_free(&e);
}

/* The lines of text wrapped at cols, as "line|line|". */
static char *wrapped(const char *text, int cols)
{
	char **lines;
	size_t n = tui_wrap(text, cols, &lines);
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < n; i++) {
		sb_appendf(&sb, "%s|", lines[i]);
		free(lines[i]);
	}
	free(lines);
	return sb_take(&sb);
}

/* A message box's lines: English at spaces, Chinese anywhere but before a closing
 * mark, which takes the character before it to the next line; a last space that
 * leaves the line less than half full gives way to a later Chinese break. */
static void test_wrap(void)
{
	char *w = wrapped("要回到原处继续吗？（n 放弃它）", 16);
	CHECK_STR(w, "要回到原处继续|吗？（n 放弃它）|");
	free(w);
	w = wrapped("一二三四，五六", 8);
	CHECK_STR(w, "一二三|四，五六|");
	free(w);
	w = wrapped("一二三四五六七八。", 8);     /* the period, and 八 with it */
	CHECK_STR(w, "一二三四|五六七|八。|");
	free(w);
	w = wrapped("一，", 2);                  /* no room to move: the mark stays */
	CHECK_STR(w, "一|，|");
	free(w);
	w = wrapped("Resume it where you were?", 10);
	CHECK_STR(w, "Resume it|where you|were?|");
	free(w);
	/* a last space that leaves the line less than half full gives way to Chinese */
	w = wrapped("第 3 行：与户主关系：此值不符合", 20);
	CHECK_STR(w, "第 3 行：与户主关|系：此值不符合|");
	free(w);
	w = wrapped("Line 3: 与户主关系", 12);           /* past half: the space */
	CHECK_STR(w, "Line 3:|与户主关系|");
	free(w);
	w = wrapped("调解成功 成功率 防止民转刑", 20);   /* a table's columns stay whole */
	CHECK_STR(w, "调解成功 成功率|防止民转刑|");
	free(w);
}

int main(void)
{
	CHECK(setlocale(LC_ALL, "zh_CN.UTF-8") != NULL);
	CHECK_INT(text_char_width(0x9F99), 2);
	CHECK_INT(text_char_width(0x20BB7), 2);
	test_scripts();
	test_changed_and_set();
	test_cursor_always_inside();
	test_memo_lines();
	test_wrap();
	return check_finish();
}
