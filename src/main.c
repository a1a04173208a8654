/* main.c - the ipgraph command: import captures, export and query edges. */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

#include "addr.h"
#include "cmd.h"
#include "help.h"
#include "importer.h"
#include "log.h"
#include "progress.h"
#include "store.h"
#include "timefmt.h"
#include "window.h"

static int
cmd_import(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "window", required_argument, NULL, 'w' },
		{ "sensor", required_argument, NULL, 's' },
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "stats", no_argument, NULL, 'S' },
		{ "no-names", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct import_opts opts = { "default", 60, 5, 0, NULL, NULL, 0 };
	struct import_summary sum;
	struct progress pg;
	const char *db = DEFAULT_DB;
	struct store *st;
	char err[1024];
	int ch, i, quiet = 0, stats = 0, failed = 0, rc;

	while ((ch = getopt_long(argc, argv, "d:w:s:fqh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'w':
			opts.window = (unsigned)number_arg("--window", optarg,
			    1, WINDOW_MAX_SECONDS);
			break;
		case 's':
			if (*optarg == '\0')
				fatalx("--sensor: the name must not be empty");
			opts.sensor = optarg;
			break;
		case 'f': opts.force = 1; break;
		case 'q': quiet = 1; break;
		case 'S': stats = 1; break;
		case 'N': opts.no_names = 1; break;
		case 'h': help_command("import", stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		log_warnx("import: no capture file given");
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((st = store_open(db, 0, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		return 1;
	}
	if (!quiet && progress_init(&pg, stderr) == 0) {
		opts.progress = progress_import;
		opts.progress_arg = &pg;
	}
	for (i = 0; i < argc; i++) {
		rc = import_file(st, argv[i], &opts, &sum, err, sizeof(err));
		if (rc != IMPORT_COMPLETE) {
			log_warnx("%s", err);
			failed = 1;
		}
		if (!quiet && rc != IMPORT_DUPLICATE && sum.frames > 0)
			import_print_summary(strcmp(argv[i], "-") == 0 ?
			    "(standard input)" : argv[i], &sum, stderr);
		if (stats && rc != IMPORT_DUPLICATE)
			import_print_stats(&sum, stderr);
	}
	store_close(st);
	return failed;
}

/*
 * Compute every pending roll-up, whole or not: for an archive whose last
 * hours an import left marked (see importer.c), before long-span queries.
 */
static int
cmd_rollup(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = DEFAULT_DB;
	struct store *st;
	char err[1024];
	int ch, rc = 0;

	while ((ch = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'h': help_command("rollup", stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		log_warnx("rollup: unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((st = store_open(db, 0, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		return 1;
	}
	if (store_rollup(st, INT64_MAX) < 0) {
		log_warnx("%s", store_error(st));
		rc = 1;
	}
	store_close(st);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *cmd;

	log_init("ipgraph", 0, 0);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	argc--;
	argv++;
	optind = 1;
	if (strcmp(cmd, "import") == 0)
		return cmd_import(argc, argv);
	if (strcmp(cmd, "rollup") == 0)
		return cmd_rollup(argc, argv);
	if (strcmp(cmd, "export") == 0)
		return cmd_export(argc, argv);
	if (strcmp(cmd, "top") == 0)
		return cmd_top(argc, argv);
	if (strcmp(cmd, "diff") == 0)
		return cmd_diff(argc, argv);
	if (strcmp(cmd, "new") == 0)
		return cmd_new(argc, argv);
	if (strcmp(cmd, "names") == 0)
		return cmd_names(argc, argv);
	if (strcmp(cmd, "info") == 0)
		return cmd_info(argc, argv);
	if (strcmp(cmd, "seq") == 0)
		return cmd_seq(argc, argv);
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(argc, argv);
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("ipgraph %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "-h") == 0) {
		if (argc < 2)
			usage(stdout);
		else if (help_command(argv[1], stdout) < 0) {
			log_warnx("help: unknown command '%s'", argv[1]);
			return EXIT_USAGE;
		}
		return 0;
	}
	log_warnx("unknown command '%s'", cmd);
	usage(stderr);
	return EXIT_USAGE;
}
