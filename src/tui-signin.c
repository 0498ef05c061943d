/* tui-signin: the sign-in screen, the first administrator of a fresh register and
 * the idle lock. Each is a small credential form: labelled lines edited with fedit,
 * secrets shown as stars, Enter/Tab to the next line and Enter on the last submits. */
#include "tui-signin.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "civil.h"
#include "auth.h"
#include "backup.h"
#include "draft.h"
#include "fedit.h"
#include "i18n.h"
#include "store.h"
#include "tui-screens.h"
#include "util.h"

#define CRED_MAX 3
#define CRED_LABEL_COLS 16
#define CRED_BOX_COLS 34

struct cred_line {
	const char *label;   /* English message id */
	bool secret;
	struct fedit ed;
};

struct cred_form {
	const char *title;   /* English message ids */
	const char *intro;
	struct cred_line line[CRED_MAX];
	size_t n, cur;
	bool may_leave;      /* F10/Esc leaves (the sign-in), or not (the lock) */
	bool may_switch;     /* F3 lets another operator in (the lock) */
	const struct tui_hint *hints;
	size_t nhints;
};

/* How a credential form was left. */
enum cred_end { CRED_SUBMIT, CRED_LEAVE, CRED_SWITCH };

static const struct tui_hint signin_hints[] = {
	{ "Enter", N_("Next / sign in") }, { "F10", N_("Quit") },
};
static const struct tui_hint lock_hints[] = {
	{ "Enter", N_("Unlock") }, { "F3", N_("Switch user") },
};
static const struct tui_hint switch_hints[] = {
	{ "Enter", N_("Next / sign in") }, { "Esc", N_("Back") },
};

/* Draws one line's box: stars for a secret. */
static void cred_draw_line(const struct cred_form *cf, size_t i, int y, int x)
{
	const struct cred_line *l = &cf->line[i];
	tui_put(stdscr, y, x, _(l->label), CRED_LABEL_COLS, i == cf->cur ? A_BOLD : A_NORMAL);
	if (l->secret) {
		char stars[CRED_BOX_COLS + 1];
		size_t n = l->ed.len < CRED_BOX_COLS - 1 ? l->ed.len : CRED_BOX_COLS - 1;
		memset(stars, '*', n);
		stars[n] = '\0';
		tui_put(stdscr, y, x + CRED_LABEL_COLS, stars, CRED_BOX_COLS, A_UNDERLINE);
	} else {
		size_t n;
		int col;
		struct fedit *ed = (struct fedit *)&l->ed;
		fedit_scroll_to_cursor(ed, CRED_BOX_COLS);
		const wchar_t *vis = fedit_visible(ed, CRED_BOX_COLS, &n, &col);
		tui_put_wcs(stdscr, y, x + CRED_LABEL_COLS, vis, n, CRED_BOX_COLS, A_UNDERLINE);
	}
}

/* Draws the whole form and puts the cursor in the line in hand. */
static void cred_draw(struct tui *t, const struct cred_form *cf)
{
	if (!tui_size_ok(t))
		return;
	erase();
	tui_title(t, _(cf->title));
	int x = (COLS - CRED_LABEL_COLS - CRED_BOX_COLS) / 2, y = 4;
	char *db = xasprintf(_("Database: %s"), t->app->db_path ? t->app->db_path : "");
	tui_put(stdscr, 2, x, db, COLS - x, A_NORMAL);
	free(db);
	char **lines;
	size_t nl = tui_wrap(_(cf->intro), CRED_LABEL_COLS + CRED_BOX_COLS, &lines);
	for (size_t i = 0; i < nl; i++) {
		if (i < 4)
			tui_put(stdscr, y + (int)i, x, lines[i], CRED_LABEL_COLS + CRED_BOX_COLS, A_NORMAL);
		free(lines[i]);
	}
	free(lines);
	y += 5;
	for (size_t i = 0; i < cf->n; i++)
		cred_draw_line(cf, i, y + 2 * (int)i, x);
	tui_keybar(t, cf->hints, cf->nhints);
	tui_draw_message(t);
	const struct cred_line *l = &cf->line[cf->cur];
	int col = 0;
	if (l->secret) {
		col = l->ed.len < CRED_BOX_COLS - 1 ? (int)l->ed.len : CRED_BOX_COLS - 1;
	} else {
		size_t n;
		fedit_visible(&l->ed, CRED_BOX_COLS, &n, &col);
	}
	wmove(stdscr, y + 2 * (int)cf->cur, x + CRED_LABEL_COLS + col);
	curs_set(1);
	wnoutrefresh(stdscr);
	doupdate();
}

/* A credential form as a view (tui-core's loop), and how it was left. */
struct cred_view {
	struct cred_form *cf;
	enum cred_end end;
};

static void cred_view_draw(struct tui *t, void *ctx)
{
	cred_draw(t, ((struct cred_view *)ctx)->cf);
}

/* A key that edits or moves between the lines. */
static void cred_edit(struct cred_form *cf, int k)
{
	struct fedit *ed = &cf->line[cf->cur].ed;
	bool secret = cf->line[cf->cur].secret;
	if (k == TK_BTAB || k == TK_UP)
		cf->cur -= cf->cur > 0;
	else if (k == TK_BACKSPACE)
		fedit_backspace(ed);
	else if (k == TK_LEFT && !secret)
		fedit_left(ed);
	else if (k == TK_RIGHT && !secret)
		fedit_right(ed);
	else if (k == 0x15)
		fedit_clear(ed);
	else if (k >= 0x20)
		fedit_insert(ed, (wchar_t)k);
}

static enum tui_view_step cred_view_key(struct tui *t, void *ctx, int k)
{
	struct cred_view *cv = ctx;
	struct cred_form *cf = cv->cf;
	if (TK_IS_BACK(k) && cf->may_leave) {
		cv->end = CRED_LEAVE;
		return TUI_VIEW_CLOSE;
	}
	if (k == TK_F3 && cf->may_switch) {
		cv->end = CRED_SWITCH;
		return TUI_VIEW_CLOSE;
	}
	if (k == TK_ENTER || k == TK_TAB || k == TK_DOWN) {
		if (cf->cur + 1 < cf->n) {
			cf->cur++;
		} else if (k == TK_ENTER) {
			cv->end = CRED_SUBMIT;
			return TUI_VIEW_CLOSE;
		}
	} else if (k != TK_NONE && !TK_IS_BACK(k) && k != TK_F3) {
		cred_edit(cf, k);
	}
	return TUI_VIEW_DRAW;
}

/* Edits until Enter on the last line, F10/Esc or F3 where allowed. */
static enum cred_end cred_run(struct tui *t, struct cred_form *cf)
{
	struct cred_view cv = { .cf = cf, .end = CRED_LEAVE };
	struct tui_view v = { .draw = cred_view_draw, .key = cred_view_key, .ctx = &cv };
	tui_view_run(t, &v);
	return cv.end;
}

/* Sets up a credential form's lines. */
static void cred_init(struct cred_form *cf, const char *title, const char *intro, bool may_leave,
		      const char *const *labels, const bool *secret, size_t n)
{
	memset(cf, 0, sizeof *cf);
	cf->title = title;
	cf->intro = intro;
	cf->may_leave = may_leave;
	cf->hints = may_leave ? signin_hints : lock_hints;
	cf->nhints = may_leave ? ARRAY_LEN(signin_hints) : ARRAY_LEN(lock_hints);
	cf->n = n;
	for (size_t i = 0; i < n; i++) {
		cf->line[i].label = labels[i];
		cf->line[i].secret = secret[i];
		fedit_init(&cf->line[i].ed, NULL, i == 0 && !secret[0] ? AUTH_LOGIN_MAX : AUTH_PASSWORD_MAX);
	}
}

/* Wipes the secrets and frees the editors. */
static void cred_free(struct cred_form *cf)
{
	for (size_t i = 0; i < cf->n; i++) {
		struct fedit *ed = &cf->line[i].ed;
		if (ed->text)
			memset(ed->text, 0, ed->cap * sizeof *ed->text);
		fedit_free(ed);
	}
}

/* A line's value (caller frees and wipes). */
static char *cred_value(const struct cred_form *cf, size_t i)
{
	return fedit_value(&cf->line[i].ed);
}

/* Frees a secret after overwriting it. */
static void secret_free(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

/* Clears the screen while a password is checked (a deliberately slow hash) or a
 * backup is made, so that nothing typed meanwhile looks like it went nowhere. */
static void please_wait(struct tui *t)
{
	erase();
	tui_title(t, _("Please wait"));
	wnoutrefresh(stdscr);
	doupdate();
}

/* A fresh register: asks for the first administrator's login and password. */
static bool signin_first_admin(struct tui *t)
{
	static const char *const labels[] = { N_("Login:"), N_("Password:"), N_("Again:") };
	static const bool secret[] = { false, true, true };
	struct cred_form cf;
	cred_init(&cf, N_("Sign in: the first administrator"),
		  N_("No operator can sign in to this register yet. Choose the login and password of its first "
		     "administrator, who then adds the other operators (menu 9)."),
		  true, labels, secret, 3);
	bool ok = false;
	while (!ok && cred_run(t, &cf) == CRED_SUBMIT) {
		char *login = cred_value(&cf, 0), *pw = cred_value(&cf, 1), *again = cred_value(&cf, 2), *err = NULL;
		if (strcmp(pw, again) != 0)
			tui_error(t, "%s", _("The two passwords differ: type them again."));
		else if (please_wait(t), auth_first_admin(t->app->st, login, pw, &err) == 0)
			ok = true;
		else
			tui_error(t, "%s", err ? err : "?");
		free(err);
		free(login);
		secret_free(pw);
		secret_free(again);
		if (!ok) {
			fedit_clear(&cf.line[1].ed);
			fedit_clear(&cf.line[2].ed);
			cf.cur = 1;
		}
	}
	cred_free(&cf);
	if (ok)
		tui_message_clear(t);
	return ok;
}

/* A login and password checked (a sign-in, or the lock screen's check of another
 * operator's): AUTH_OK with his operator id. */
typedef enum auth_result cred_check_fn(struct store *st, const char *login, const char *password, int64_t *id,
				       char **msg);

/* The sign-in proper, as a cred_check_fn. */
static enum auth_result sign_in_check(struct store *st, const char *login, const char *password, int64_t *id,
				      char **msg)
{
	enum auth_result r = auth_sign_in(st, login, password, msg);
	*id = r == AUTH_OK ? store_operator_id(st) : 0;
	return r;
}

/* Asks login and password (lines 0 and 1 of cf) until check accepts them, a refusal
 * said and the password typed again; the operator's id, 0 when the clerk went back. */
static int64_t cred_login(struct tui *t, struct cred_form *cf, cred_check_fn *check)
{
	int64_t id = 0;
	while (!id && cred_run(t, cf) == CRED_SUBMIT) {
		char *login = cred_value(cf, 0), *pw = cred_value(cf, 1), *msg = NULL;
		please_wait(t);
		if (check(t->app->st, login, pw, &id, &msg) != AUTH_OK) {
			id = 0;
			tui_error(t, "%s", msg ? msg : "?");
			fedit_clear(&cf->line[1].ed);
			cf->cur = *login ? 1 : 0;
		}
		free(msg);
		free(login);
		secret_free(pw);
	}
	return id;
}

bool tui_signin_run(struct tui *t)
{
	if (auth_needs_first_admin(t->app->st))
		return signin_first_admin(t);
	static const char *const labels[] = { N_("Login:"), N_("Password:") };
	static const bool secret[] = { false, true };
	struct cred_form cf;
	cred_init(&cf, N_("Sign in"), N_("Sign in with your login and password."), true, labels, secret, 2);
	bool ok = cred_login(t, &cf, sign_in_check) != 0;
	cred_free(&cf);
	if (ok)
		tui_message_clear(t);
	return ok;
}

void tui_idle_arm(struct tui *t)
{
	char *v = store_setting(t->app->st, "idle_lock_minutes");
	char *end = NULL;
	long minutes = v ? strtol(v, &end, 10) : 10;
	if (v && (*v == '\0' || *end != '\0' || minutes < 0))
		minutes = 10;
	free(v);
	/* SHANZHI_IDLE_LOCK_SECONDS: tests do not wait minutes */
	const char *env = getenv("SHANZHI_IDLE_LOCK_SECONDS");
	long ms = env && *env ? atol(env) * 1000 : minutes * 60 * 1000;
	t->idle_ms = ms > 0 && ms < 24L * 3600 * 1000 ? (int)ms : 0;
	t->idle_lock = tui_idle_lock;
}

/* The lock screen's F3: another operator's login and password, checked as a sign-in
 * (wrong ones counted and locked out alike). His operator id once right (the
 * current operator's own when he typed his own login), 0 when the clerk went back. */
static int64_t lock_switch(struct tui *t, const char *current)
{
	static const char *const labels[] = { N_("Login:"), N_("Password:") };
	static const bool secret[] = { false, true };
	char *intro = xasprintf(_("Another operator signs in here. What %s left open is kept as his draft and "
				  "offered to him at his next sign-in."), current);
	struct cred_form cf;
	cred_init(&cf, N_("Locked: switch user"), intro, true, labels, secret, 2);
	cf.hints = switch_hints;
	cf.nhints = ARRAY_LEN(switch_hints);
	tui_message_clear(t);
	int64_t id = cred_login(t, &cf, auth_check_signin);
	cred_free(&cf);
	free(intro);
	tui_message_clear(t);
	return id;
}

/* Asks the locked operator's password, or (F3) another operator's login; returns
 * the operator who goes on: the store's own, or another one. */
static int64_t lock_ask(struct tui *t, const char *login)
{
	char *intro = xasprintf(_("The screen is locked after a time without keys. Type the password of %s to go on "
				  "where you were."), login);
	static const char *const labels[] = { N_("Password:") };
	static const bool secret[] = { true };
	struct cred_form cf;
	cred_init(&cf, N_("Locked"), intro, false, labels, secret, 1);
	cf.may_switch = true;
	int64_t who = 0;
	while (!who) {
		if (cred_run(t, &cf) == CRED_SWITCH) {
			who = lock_switch(t, login);
			continue;
		}
		char *pw = cred_value(&cf, 0), *msg = NULL;
		if (auth_reauth(t->app->st, pw, &msg) == AUTH_OK)
			who = store_operator_id(t->app->st);
		else
			tui_error(t, "%s", msg ? msg : "?");
		secret_free(pw);
		free(msg);
		fedit_clear(&cf.line[0].ed);
	}
	cred_free(&cf);
	free(intro);
	return who;
}

/* Gives back the screen as it was before the lock (shown: what the terminal showed,
 * popups too; under: what stdscr held). */
static void lock_restore(WINDOW *shown, WINDOW *under)
{
	if (under)
		overwrite(under, stdscr);
	if (shown) {
		touchwin(shown);
		wnoutrefresh(shown);
	} else {
		touchwin(stdscr);
		wnoutrefresh(stdscr);
	}
	doupdate();
}

void tui_idle_lock(struct tui *t)
{
	WINDOW *shown = dupwin(curscr), *under = dupwin(stdscr);
	char *saved_msg = xstrdup(t->message);
	bool saved_err = t->message_error;
	char *login = auth_current_login(t->app->st);
	tui_message_clear(t);
	int64_t who = lock_ask(t, login ? login : "?");
	free(login);
	if (who == store_operator_id(t->app->st)) {
		free(t->message);
		t->message = saved_msg;
		t->message_error = saved_err;
		lock_restore(shown, under);
	} else {
		/* another operator: nothing of this one's screen comes back; every screen
		 * closes (tui_getkey gives Esc), then tui_run signs the other one in */
		free(saved_msg);
		erase();
		wnoutrefresh(stdscr);
		doupdate();
		tui_output_hold(t);   /* nor a glimpse of it while its screens close */
		t->switch_to = who;
		t->quit = true;
	}
	if (under)
		delwin(under);
	if (shown)
		delwin(shown);
}

bool tui_switch_signed_in(struct tui *t)
{
	if (!t->switch_to)
		return false;
	int64_t id = t->switch_to;
	char *err = NULL;
	t->switch_to = 0;
	t->quit = false;
	tui_message_clear(t);
	erase();
	tui_output_release(t);
	if (auth_switch(t->app->st, id, &err) != 0) {
		/* refused after all (disabled meanwhile): someone signs in again */
		tui_error(t, "%s", err ? err : "?");
		free(err);
		return tui_signin_run(t);
	}
	return true;
}

/* Opens a resident for a draft (0: a new one). */
static void open_resident(struct tui *t, int64_t id)
{
	if (id)
		tui_resident_edit(t, id);
	else
		tui_resident_new(t, 0);
}

/* Opens a household for a draft (0: a new one). */
static void open_household(struct tui *t, int64_t id)
{
	tui_household_form(t, id);
}

/* The screens that resume a draft of their form. */
static const struct draft_opener draft_openers[] = {
	{ "resident", open_resident },
	{ "household", open_household },
};

/* Offers the operator's newest draft: resumed exactly, or discarded on "no". */
static void offer_draft(struct tui *t)
{
	const char *forms[ARRAY_LEN(draft_openers) + 1];
	for (size_t i = 0; i < ARRAY_LEN(draft_openers); i++)
		forms[i] = draft_openers[i].form;
	forms[ARRAY_LEN(draft_openers)] = NULL;
	struct draft dr;
	if (!draft_latest(t->app->st, forms, &dr))
		return;
	const struct draft_opener *op = NULL;
	for (size_t i = 0; i < ARRAY_LEN(draft_openers); i++)
		if (strcmp(draft_openers[i].form, dr.form) == 0)
			op = &draft_openers[i];
	const char *first = dr.n > 0 && dr.values[0] ? dr.values[0] : "";
	for (size_t i = 0; i < dr.n; i++)
		if (strcmp(dr.names[i], "name") == 0 && dr.values[i])
			first = dr.values[i];
	/* "登记新居民 龙发利", or the title alone before a name was typed */
	char *what = *first ? xasprintf("%s %s", _(dr.title ? dr.title : dr.form), first)
			    : xstrdup(_(dr.title ? dr.title : dr.form));
	char when[CIVIL_CLOCK_TEXT];
	civil_clock_text(dr.saved_at, when);
	char *q = xasprintf(_("A form was left unsaved (%s, last typed %s), perhaps when the connection dropped. "
			      "Resume it where you were? (n discards it)"),
			    what, when);
	free(what);
	erase();
	tui_title(t, _("Unsaved form"));
	wnoutrefresh(stdscr);
	bool resume = op && tui_confirm(t, q, true);
	free(q);
	if (t->quit) {
		/* the lock screen let another operator in meanwhile: the draft stays his */
		draft_free(&dr);
		return;
	}
	if (!resume) {
		if (op)
			draft_discard(t->app->st, dr.form, dr.record_id);
		draft_free(&dr);
		return;
	}
	int64_t record = dr.record_id;
	draft_arm(&dr);
	op->open(t, record);
	draft_free(&dr);
}

void tui_signed_in(struct tui *t)
{
	tui_idle_arm(t);
	char *made = NULL, *err = NULL;
	please_wait(t);
	if (backup_daily(t->app->st, &made, &err) != 0)
		tui_error(t, _("Today's backup failed: %s"), err ? err : "?");
	else if (made)
		tui_message(t, _("Today's backup: %s"), made);
	free(made);
	free(err);
	offer_draft(t);
}

char *tui_ask_password(struct tui *t, const char *title, const char *intro, bool confirm)
{
	static const char *const labels[] = { N_("Password:"), N_("Again:") };
	static const bool secret[] = { true, true };
	struct cred_form cf;
	cred_init(&cf, title, intro, true, labels, secret, confirm ? 2 : 1);
	char *pw = NULL;
	while (!pw && cred_run(t, &cf) == CRED_SUBMIT) {
		char *a = cred_value(&cf, 0), *b = confirm ? cred_value(&cf, 1) : NULL, *err = NULL;
		if (confirm && strcmp(a, b) != 0)
			tui_error(t, "%s", _("The two passwords differ: type them again."));
		else if (!auth_password_valid(a, &err))
			tui_error(t, "%s", err);
		else
			pw = xstrdup(a);
		free(err);
		secret_free(a);
		secret_free(b);
		if (!pw) {
			fedit_clear(&cf.line[0].ed);
			if (confirm)
				fedit_clear(&cf.line[1].ed);
			cf.cur = 0;
		}
	}
	cred_free(&cf);
	return pw;
}
