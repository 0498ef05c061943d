/* i18n: gettext macros. Message ids are English; locale/zh_CN.po translates them.
 * _() at draw time, N_() inside static tables. */
#ifndef SZ_I18N_H
#define SZ_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Sets LC_ALL from the environment and binds the text domain; lang is "zh", "en"
 * or NULL (environment decides, Chinese when it says nothing usable). */
void i18n_init(const char *lang);

#endif
