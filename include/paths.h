/* paths: where the database, the forms and the translations are.
 * Running from the build folder finds the source tree's forms/ and the freshly built
 * catalogues, so `./build/shanzhi` works without installing. */
#ifndef SZ_PATHS_H
#define SZ_PATHS_H

/* --db, else $SHANZHI_DB, else $XDG_DATA_HOME/shanzhi/shanzhi.db (~/.local/share/...);
 * creates the parent folder of the default. Run by sudo (run_by_sudo), always
 * ~/.local/share/shanzhi/shanzhi.db in the service account's home (sudo sets $HOME). Caller frees. */
char *paths_database(const char *option);
/* Shipped forms: $SHANZHI_FORMS, else the installed data folder, else the source tree. */
const char *paths_forms(void);
/* Local override folder: $SHANZHI_FORMS_LOCAL, else $XDG_CONFIG_HOME/shanzhi/forms. Caller frees. */
char *paths_forms_local(void);
/* Translations: $SHANZHI_LOCALEDIR, else the build tree's, else the installed ones. */
const char *paths_localedir(void);

#endif
