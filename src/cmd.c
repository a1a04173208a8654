/* cmd.c - what the ipgraph subcommands share: the summary, number options. */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "log.h"

void
usage(FILE *fp)
{
	fputs(
"usage: ipgraph import [--db FILE] [--window SECONDS] [--sensor NAME]\n"
"                      [--force] [--quiet] [--stats] CAPTURE...\n"
"       ipgraph rollup [--db FILE]\n"
"       ipgraph export FORMAT [--db FILE] [filters] [-o FILE]\n"
"                      (ipgraph export --help lists formats and filters)\n"
"       ipgraph top [--db FILE] [-n N] [export filters]\n"
"       ipgraph diff [--db FILE] [--all] --baseline -1d|--baseline-from TIME\n"
"                    --baseline-to TIME [export filters]\n"
"       ipgraph new [--db FILE] --since TIME [--until TIME] [--sensor NAME]\n"
"       ipgraph names [--db FILE] [--from TIME] [--to TIME] [--host CIDR]\n"
"       ipgraph info [--db FILE] [--json]\n"
"       ipgraph seq [--names FILE] [--name ADDR=NAME] [--format F] CAPTURE...\n"
"       ipgraph serve [--db FILE] [--listen ADDR]... [--www DIR] (see serve -h)\n"
"       ipgraph version\n"
"       ipgraph help COMMAND   (or ipgraph COMMAND --help)\n"
"CAPTURE: pcap or pcapng, - for standard input.\n"
"TIME: ISO 8601, epoch seconds, -15m/-2h/-7d, or 2009-1-16-00-03-00.\n",
	    fp);
}

unsigned long
number_arg(const char *name, const char *s, unsigned long lo,
    unsigned long hi)
{
	char *end;
	unsigned long v;

	errno = 0;
	if (*s < '0' || *s > '9')
		fatalx("%s: '%s' is not a whole number", name, s);
	v = strtoul(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < lo || v > hi)
		fatalx("%s: '%s' is not a whole number from %lu to %lu", name,
		    s, lo, hi);
	return v;
}
