/* pathcomp: a file name completed as a shell's Tab completes it: the entries of the
 * typed name's folder that start with its last part, and the longest beginning they
 * share. It reads the folder and nothing else (no screen): the file prompts
 * (tui_prompt_path) call it on Tab.
 *
 * The folder is found as the prompts read paths: "~/" at the start is the home
 * folder, and a second root inside the text ("//" or "/~/", typed after the folder a
 * prompt starts with) starts the path again; the completion keeps the text as typed. */
#ifndef SZ_PATHCOMP_H
#define SZ_PATHCOMP_H

#include <stddef.h>

struct pathcomp {
	char *completed;   /* the text completed as far as the matches agree */
	char **names;      /* the matching entries, sorted; folders end in '/' */
	size_t n;
};

/* Completes typed (UTF-8) into *out; returns the number of matches. With one match
 * the text is completed to it (a folder with its '/'); with none, completed is typed. */
size_t pathcomp_complete(const char *typed, struct pathcomp *out);
void pathcomp_free(struct pathcomp *pc);
/* The matches on one line of at most cols display columns, for the message line
 * ("a.csv  b.csv  data/" or, when they do not fit, the first ones and how many more).
 * Caller frees. */
char *pathcomp_list(const struct pathcomp *pc, int cols);

#endif
