/* i18n: locale and catalogue set-up. */
#include "i18n.h"

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

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
	/* the terminal's codeset, not UTF-8: ncursesw and stdio both speak the locale */
	bind_textdomain_codeset("shanzhi", nl_langinfo(CODESET));
}
