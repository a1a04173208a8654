/* cmd.h - the ipgraph subcommands, one entry point each. */
#ifndef IPGRAPH_CMD_H
#define IPGRAPH_CMD_H

#include <stdint.h>

#include <stdio.h>

/* Exit status for a command line that makes no sense. */
#define EXIT_USAGE	2

/* Where the commands keep their edges unless --db says otherwise. */
#define DEFAULT_DB	"ipgraph.db"

/*
 * Each takes the arguments after the command name (argv[0] is the command
 * name itself), returns the process exit status, and may exit on a usage
 * error.
 */
int	cmd_export(int argc, char **argv);	/* cmd_export.c */
int	cmd_top(int argc, char **argv);		/* cmd_export.c */
int	cmd_diff(int argc, char **argv);	/* cmd_export.c */
int	cmd_new(int argc, char **argv);		/* cmd_new.c */
int	cmd_names(int argc, char **argv);	/* cmd_names.c */
int	cmd_export_ipfix(int argc, char **argv); /* cmd_ipfix.c */
int	cmd_info(int argc, char **argv);	/* cmd_info.c */
int	cmd_seq(int argc, char **argv);		/* cmd_seq.c */
int	cmd_serve(int argc, char **argv);	/* cmd_serve.c */

/* The helpers below live in cmd.c, which calls none of the commands. */

/* The command summary (cmd.c). */
void		usage(FILE *fp);

/* Parse a whole number in [lo, hi] for option name; exits on error. */
unsigned long	number_arg(const char *name, const char *s, unsigned long lo,
		    unsigned long hi);

#endif /* IPGRAPH_CMD_H */
