/* cmd_serve.c - the serve command: the HTTP API over a database, no capture. */

#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "help.h"
#include "http.h"
#include "log.h"
#include "names.h"
#include "rdns.h"
#include "services.h"

static void
serve_usage(FILE *fp)
{
	fputs(
"usage: ipgraph serve [--db FILE] [--listen ADDR]... [--threads N]\n"
"                     [--www DIR] [--token-file FILE] [--tls-cert FILE\n"
"                     --tls-key FILE] [--cors ORIGIN] [--names FILE]\n"
"                     [--max-rows N] [--max-nodes N] [--timeout SECONDS]\n"
"                     [--max-connections N] [--per-ip N]\n"
"                     [--header-timeout SECONDS] [--services FILE]\n"
"                     [--rdns] [--rdns-server ADDR] [--rdns-timeout MS]\n"
"                     [--picture-cache SIZE]\n"
"ADDR: 127.0.0.1:8080 (the default), [::1]:8080, *:8080, or a port;\n"
"port 0 picks a free one (the address is logged).\n", fp);
}

/* Replace a config string (the config frees it). */
static void
serve_set(char **field, const char *v)
{
	free(*field);
	if ((*field = strdup(v)) == NULL)
		fatalx("out of memory");
}

int
cmd_serve(int argc, char **argv)
{
	enum {
		O_DB = 256, O_LISTEN, O_THREADS, O_WWW, O_TOKEN, O_CERT, O_KEY,
		O_CORS, O_NAMES, O_SITES, O_ROWS, O_NODES, O_TIMEOUT, O_CONNS, O_PERIP,
		O_HDRTIME, O_SERVICES, O_RDNS, O_RDNS_SERVER, O_RDNS_TIMEOUT,
		O_PICCACHE
	};
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, O_DB },
		{ "listen", required_argument, NULL, O_LISTEN },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "www", required_argument, NULL, O_WWW },
		{ "token-file", required_argument, NULL, O_TOKEN },
		{ "tls-cert", required_argument, NULL, O_CERT },
		{ "tls-key", required_argument, NULL, O_KEY },
		{ "cors", required_argument, NULL, O_CORS },
		{ "names", required_argument, NULL, O_NAMES },
		{ "sites", required_argument, NULL, O_SITES },
		{ "max-rows", required_argument, NULL, O_ROWS },
		{ "max-nodes", required_argument, NULL, O_NODES },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "max-connections", required_argument, NULL, O_CONNS },
		{ "per-ip", required_argument, NULL, O_PERIP },
		{ "header-timeout", required_argument, NULL, O_HDRTIME },
		{ "services", required_argument, NULL, O_SERVICES },
		{ "rdns", no_argument, NULL, O_RDNS },
		{ "rdns-server", required_argument, NULL, O_RDNS_SERVER },
		{ "rdns-timeout", required_argument, NULL, O_RDNS_TIMEOUT },
		{ "picture-cache", required_argument, NULL, O_PICCACHE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct config *c;
	struct http *h;
	const char *db = DEFAULT_DB;
	char err[1024];
	sigset_t set;
	size_t i, nlisten = 0;
	int ch, sig;

	if ((c = config_new()) == NULL)
		fatalx("out of memory");
	while ((ch = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
		case O_DB: db = optarg; break;
		case O_LISTEN:
			if (nlisten == 0) {
				for (i = 0; i < c->nlisten; i++)
					free(c->listen[i]);
				c->nlisten = 0;
			}
			if (nlisten == CONFIG_MAX_LISTEN)
				fatalx("--listen: at most %d addresses",
				    CONFIG_MAX_LISTEN);
			c->listen[nlisten] = NULL;
			serve_set(&c->listen[nlisten], optarg);
			c->nlisten = ++nlisten;
			break;
		case O_THREADS:
			c->threads = (unsigned)number_arg("--threads", optarg,
			    1, 64);
			break;
		case O_WWW: serve_set(&c->www_root, optarg); break;
		case O_TOKEN: serve_set(&c->token_file, optarg); break;
		case O_CERT: serve_set(&c->tls_cert, optarg); break;
		case O_KEY: serve_set(&c->tls_key, optarg); break;
		case O_CORS: serve_set(&c->cors_origin, optarg); break;
		case O_SITES: serve_set(&c->sites, optarg); break;
		case O_NAMES:
			/* into the config, as ipgraphd's [names] section */
			if (names_load(c->names, optarg, err, sizeof(err)) < 0)
				fatalx("--names: %s", err);
			break;
		case O_ROWS:
			c->max_rows = (unsigned)number_arg("--max-rows", optarg,
			    1, 4000000000UL);
			break;
		case O_NODES:
			c->max_nodes = (unsigned)number_arg("--max-nodes",
			    optarg, 2, 100000);
			break;
		case O_TIMEOUT:
			c->timeout = (unsigned)number_arg("--timeout", optarg,
			    1, 86400);
			break;
		case O_CONNS:
			c->max_connections = (unsigned)number_arg(
			    "--max-connections", optarg, 1, 100000);
			break;
		case O_PERIP:
			c->per_ip_connections = (unsigned)number_arg(
			    "--per-ip", optarg, 0, 100000);
			break;
		case O_HDRTIME:
			c->header_timeout = (unsigned)number_arg(
			    "--header-timeout", optarg, 1, 3600);
			break;
		case O_SERVICES:
			/* as ipgraphd's [names] services */
			if (services_add_file(optarg, err, sizeof(err)) < 0)
				fatalx("--services: %s", err);
			break;
		/* as ipgraphd's [names] reverse_dns keys */
		case O_RDNS: c->rdns = 1; break;
		case O_RDNS_SERVER:
			if (rdns_server_check(optarg) < 0)
				fatalx("--rdns-server: '%s' is not an address "
				    "(ADDR, ADDR:PORT or [ADDR6]:PORT)", optarg);
			serve_set(&c->rdns_server, optarg);
			c->rdns = 1;
			break;
		case O_RDNS_TIMEOUT:
			c->rdns_timeout = (unsigned)number_arg(
			    "--rdns-timeout", optarg, 1, 60000);
			c->rdns = 1;
			break;
		case O_PICCACHE:
			if (config_parse_size(optarg, &c->picture_cache) < 0 ||
			    c->picture_cache > (1u << 30))
				fatalx("--picture-cache: '%s' is not a size from "
				    "0 to 1G (e.g. 0, 512k, 32M)", optarg);
			break;
		case 'h': help_command("serve", stdout); exit(0);
		default: serve_usage(stderr); exit(EXIT_USAGE);
		}
	}
	if (optind != argc) {
		log_warnx("serve: unexpected argument '%s'", argv[optind]);
		serve_usage(stderr);
		return EXIT_USAGE;
	}
	if (access(db, R_OK) != 0)
		fatalx("%s: no such database (create one with ipgraph import)",
		    db);
	serve_set(&c->db, db);

	/* the workers inherit the mask: only sigwait below sees these */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((h = http_start(c, NULL, NULL, err, sizeof(err))) == NULL)
		fatalx("serve: %s", err);
	log_info("serving %s", db);
	do {
		if (sigwait(&set, &sig) != 0)
			sig = SIGTERM;
	} while (sig == SIGHUP);
	log_info("serve: %s: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
	http_stop(h);
	config_free(c);
	return 0;
}
