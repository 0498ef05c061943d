/* i18n: locale and catalogue set-up. */
#include "i18n.h"

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "paths.h"

void i18n_init(const char *lang)
{
	if (!setlocale(LC_ALL, "") || strcmp(nl_langinfo(CODESET), "ANSI_X3.4-1968") == 0)
		setlocale(LC_ALL, "C.UTF-8");  /* plain C cannot show a single Chinese character */
	/* LANGUAGE outranks LC_MESSAGES for gettext, so --lang works in any locale */
	if (lang && strcmp(lang, "en") == 0)
		setenv("LANGUAGE", "en", 1);
	else if (lang || !getenv("LANGUAGE") || !*getenv("LANGUAGE"))
		setenv("LANGUAGE", "zh_CN", 1);
	bindtextdomain("shanzhi", paths_localedir());
	textdomain("shanzhi");
	/* UTF-8 inside: the screens hand ncursesw wide characters and the command line
	 * converts at the edge (console.c), so the catalogue is read as UTF-8 */
	bind_textdomain_codeset("shanzhi", "UTF-8");
	console_init();
}
