/* tui: the full-screen interface: starts the terminal, runs the main menu (each
 * screen it opens runs nested, so the screen stack is the call stack), stops. */
#include "tui.h"

#include <stdio.h>
#include <stdlib.h>

#include "app.h"
#include "console.h"
#include "form.h"
#include "i18n.h"
#include "tui-core.h"
#include "tui-screens.h"
#include "tui-signin.h"

int tui_run(struct app *app)
{
	struct tui t;
	char *err = NULL;
	if (!form_get(app->forms, "resident") || !form_get(app->forms, "household")) {
		console_printf(stderr, "shanzhi: %s\n", _("the resident and household form definitions are missing"));
		return 1;
	}
	if (!tui_core_start(&t, app, &err)) {
		console_printf(stderr, "shanzhi: %s\n", err);
		free(err);
		return 1;
	}
	if (tui_signin_run(&t)) {
		/* once more for each operator the lock screen let in */
		do {
			tui_signed_in(&t);
			if (!t.quit)   /* unless the lock screen switched during the draft's offer */
				tui_menu_run(&t);
		} while (tui_switch_signed_in(&t));
	}
	tui_core_stop(&t);
	return 0;
}
