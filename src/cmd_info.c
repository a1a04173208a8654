/* cmd_info.c - the info command: what a database holds, for a person or
 * as the JSON of GET /api/v1/info. */

#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "help.h"
#include "info.h"
#include "log.h"
#include "store.h"

int
cmd_info(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct buf out = BUF_INIT;
	struct store *st;
	const char *db = DEFAULT_DB;
	char err[1024];
	int ch, json = 0, rc;

	while ((ch = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'j': json = 1; break;
		case 'h': help_command("info", stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		log_warnx("info: unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (access(db, F_OK) != 0) {
		log_warnx("%s: no such database (create one with ipgraph "
		    "import)", db);
		return 1;
	}
	if ((st = store_open(db, 1, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		return 1;
	}
	rc = json ? info_json(st, &out, err, sizeof(err)) :
	    info_text(st, &out, err, sizeof(err));
	store_close(st);
	if (rc == 0 && (fwrite(out.data, 1, out.len, stdout) != out.len ||
	    fflush(stdout) != 0)) {
		snprintf(err, sizeof(err), "standard output: write error");
		rc = -1;
	}
	buf_free(&out);
	if (rc < 0) {
		log_warnx("info: %s", err);
		return 1;
	}
	return 0;
}
