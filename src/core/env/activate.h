/* Activation scripts: rendering the templates in templates/ for one env, with
 * every value quoted for the shell that will read it.
 *
 * The templates are real files embedded at build time (core/embedded.h), with
 * placeholders __CVENV_<VALUE>_<SHELL>__ (ENV_SH, PROMPT_FISH, ...; the list is
 * in activate.c) that each stand for one value as a complete quoted literal. A
 * value that no shell could carry safely (a newline or ':' in the env path,
 * which would break PATH; control characters) is refused before anything is
 * written. Nothing in a path or prompt can ever be executed by a shell that
 * sources the scripts. */
#ifndef CVENV_ACTIVATE_H
#define CVENV_ACTIVATE_H

#include "util/common.h"

struct buf;

struct activate_vars {
	const char *env_dir;  /* absolute path of the env, as VIRTUAL_ENV will say */
	const char *bin_name; /* "bin" */
	const char *prompt;   /* the prompt name, undecorated: "myproj" (shown as "(myproj) ") */
	bool relocatable;     /* the env's path computed when sourced (sh: bash and zsh;
				 fish; PowerShell), not written in */
};

/* Checks that env_dir and prompt can be carried by every shell. Reports the
 * problem with error() (naming the subject and the character) and returns -1. */
int activate_check(const struct activate_vars *v);
/* Whether name is one of the activation scripts written into bin/. */
bool activate_is_script(const char *name);

/* Writes every activation script (activate, activate.fish, activate.csh,
 * Activate.ps1, activate.nu) into bin_dir (which must exist), each file
 * atomically, mode 0644 -- or, when fresh (bin_dir is new and private to
 * this run), directly. Checks the values first. Returns -1 with error() on
 * failure. */
int activate_write_scripts(const char *bin_dir, const struct activate_vars *v, bool fresh);

/* The name of the i-th script activate_write_scripts writes; NULL past the
 * last. */
const char *activate_script_name(size_t i);

/* Renders one script (by template name, e.g. "activate.fish"), appending it
 * to out. Checks the values first (-1 with error() when refused). */
int activate_render(const char *name, const struct activate_vars *v, struct buf *out);

/* Per-shell quoting of one value as a complete literal word/string that the
 * shell reads back as exactly the bytes of s (s passed activate_check).
 * Appended to out. Exposed for unit tests. */
void quote_posix_sh(struct buf *out, const char *s);  /* bash, zsh, dash, ksh */
void quote_fish(struct buf *out, const char *s);
void quote_csh(struct buf *out, const char *s);
void quote_powershell(struct buf *out, const char *s);
void quote_nu(struct buf *out, const char *s);

#endif
