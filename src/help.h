/* help.h - each ipgraph command's own help: usage, options, an example. */
#ifndef IPGRAPH_HELP_H
#define IPGRAPH_HELP_H

#include <stdio.h>

/*
 * Print the help of cmd ("import", "export", ...) to fp: its usage lines,
 * what it does, every option it takes and an example.  Returns 0, or -1
 * when there is no such command (nothing is printed then).  cmd
 * "--commands" prints the command names, one a line (for the completion
 * test and scripts).  The option
 * lists are the ones the man page ipgraph(1) must carry
 * (tests/e2e/manpages.sh compares the two).
 */
int	help_command(const char *cmd, FILE *fp);

/*
 * Refuse to write a binary format (a PNG) to a terminal: when out is NULL
 * or "-" and standard output is a terminal, says so naming the command
 * and format, with "use -o FILE or redirect", and exits 2 (EXIT_USAGE).
 * Returns otherwise.
 */
void	help_refuse_tty(const char *cmd, const char *format, const char *out);

#endif /* IPGRAPH_HELP_H */
