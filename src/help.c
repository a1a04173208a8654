/* help.c - each ipgraph command's own help: usage, options, an example. */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "export.h"
#include "help.h"
#include "log.h"

/*
 * One entry per command.  Texts, not a table of options: the options are
 * grouped and explained as a person reads them, and the man page carries
 * the same lists (a test compares the option names both ways, so adding
 * an option here without documenting it there fails `make check`).
 */
struct help_entry {
	const char	*name;
	const char	*usage;		/* the lines after "usage: " */
	const char	*about;		/* what it does, a few lines */
	const char	*options;	/* one option a line, indented */
	const char	*example;	/* command lines, one a line */
	int		 formats;	/* list the export formats */
};

/* The export filters: export and top take every one of them. */
#define HELP_FILTERS \
"\nfilters (the HTTP API takes the same names):\n" \
"  --from TIME, --to TIME    windows overlapping [from, to], both inclusive\n" \
"  --src A|CIDR, --dst A|CIDR, --host A|CIDR\n" \
"                            source, destination, either end (IPv4 or IPv6)\n" \
"  --pair A:B                both directions between A and B ([A]:[B] or A,B\n" \
"                            for IPv6)\n" \
"  --port N                  either port (ICMP: type or code)\n" \
"  --proto P                 tcp, udp, icmp, icmpv6, sctp or a number\n" \
"  --sensor NAME             one capture point\n" \
"  --top N                   the N heaviest edges and their hosts\n" \
"  --max-nodes N             at most N hosts (pictures: 100 unless told)\n" \
"  --min-weight W            drop edges lighter than W\n" \
"  --metric packets|bytes    what \"heaviest\" and the weights mean\n" \
"  --group /24|/64|/24,/64|site|zone|asn|country\n" \
"                            hosts folded into blocks, into the sites or\n" \
"                            zones of --sites, or into autonomous systems\n" \
"                            or countries (libloc; IPGRAPH_LOCATION_DB)\n" \
"  --tier raw|hour|day|auto  which windows to read (default auto)\n" \
"  --names FILE              ADDRESS = NAME lines for the labels\n" \
"  --rdns                    name the hosts shown that nothing else names\n" \
"                            by reverse DNS (PTR), from /etc/resolv.conf's\n" \
"                            servers\n" \
"  --rdns-server ADDR        ask this one (ADDR, ADDR:PORT, [ADDR6]:PORT)\n" \
"  --rdns-timeout MS         wait at most MS for the names (default 1000)\n" \
"  --sites FILE              CIDR = NAME, zone=Z, colour=#RRGGBB lines\n" \
"  --baseline-from TIME, --baseline-to TIME\n" \
"                            compare with this span: every host and edge\n" \
"                            marked new, gone, grown, shrunk or same\n" \
"  --baseline -1d            the span (--from, --to or now) shifted back\n" \
"  --change-ratio R          grown: at least R times the baseline's weight;\n" \
"                            shrunk: at most 1/R of it (default 2)\n"

#define HELP_TIME \
"TIME: ISO 8601 (2009-01-16T00:03:00Z), epoch seconds, relative (-15m, -2h,\n" \
"-7d, now), or 2009-1-16-00-03-00.\n"

static const struct help_entry help_table[] = {
	{ "import",
	  "ipgraph import [--db FILE] [--window SECONDS] [--sensor NAME]\n"
	  "                      [--force] [--quiet] [--stats] [--no-names]\n"
	  "                      CAPTURE...\n",
	  "Read capture files into windows of edges in the database.  CAPTURE\n"
	  "is a pcap or pcapng file, plain or compressed with gzip, xz or zstd\n"
	  "(told by its first bytes), or - for standard input.  A capture\n"
	  "already imported (same first MiB, decompressed) is refused unless\n"
	  "--force.  On a terminal a progress line shows the file, the share\n"
	  "read, packets per second and the time left.\n",
	  "  -d, --db FILE             the database (default ipgraph.db)\n"
	  "  -w, --window SECONDS      window length, 1 to 86400 (default 60)\n"
	  "  -s, --sensor NAME         the capture point (default \"default\")\n"
	  "  -f, --force               import a capture imported before again\n"
	  "  -q, --quiet               no summary and no progress line\n"
	  "  --stats                   flow table and store figures per file\n"
	  "  --no-names                keep no names from the traffic (DNS\n"
	  "                            answers, TLS SNI, HTTP Host)\n"
	  "  -h, --help                this help\n",
	  "ipgraph import --db net.db --window 10 monday.pcap tuesday.pcapng.zst\n"
	  "tcpdump -w - -i eth0 | ipgraph import --db net.db -\n", 0 },
	{ "export",
	  "ipgraph export FORMAT [--db FILE] [-o FILE|DIR] [filters]\n"
	  "                      [options]\n",
	  "Write what the database holds, filtered, in one format, to standard\n"
	  "output or -o FILE (written beside it and renamed into place).\n"
	  "Binary formats (png, histogram, ports...) are not written to a\n"
	  "terminal: use -o FILE or redirect.\n",
	  "  -d, --db FILE             the database (default ipgraph.db)\n"
	  "  -o, --output FILE|DIR     where to write (DIR for circos-bundle and\n"
	  "                            ploticus); - is standard output\n"
	  "  --layout dot|neato|fdp|sfdp|circo|twopi\n"
	  "                            png, svg: the graph layout\n"
	  "  --keep-senders            circos: keep hosts that only send\n"
	  "  --keep-receivers          circos: keep hosts that only receive\n"
	  "  --diagonal                circos: self traffic instead of \"-\"\n"
	  "  --peers N                 histogram: bars drawn (default 10)\n"
	  "  --services FILE           more port names (services(5) form) for\n"
	  "                            csv and ports, after /etc/services\n"
	  "  --send HOST:PORT          ipfix: UDP to a collector, not -o\n"
	  "  --other                   with --top, --max-nodes, --min-weight: the\n"
	  "                            rest folded into a node \"other\" (totals\n"
	  "                            unchanged)\n"
	  "  -h, --help                this help\n"
	  HELP_FILTERS,
	  "ipgraph export svg --db net.db --from -1h --top 50 -o net.svg\n"
	  "ipgraph export csv --db net.db --host 10.0.0.0/8 --proto udp\n", 1 },
	{ "top",
	  "ipgraph top [--db FILE] [-n N] [filters]\n",
	  "Print the heaviest address pairs (or blocks, with --group) with\n"
	  "their packets and bytes, heaviest first by --metric.\n",
	  "  -d, --db FILE             the database (default ipgraph.db)\n"
	  "  -n N                      how many pairs (default 10); the same as\n"
	  "                            --top N\n"
	  "  -h, --help                this help\n"
	  HELP_FILTERS,
	  "ipgraph top --db net.db -n 20 --from -1d --metric bytes\n", 0 },
	{ "diff",
	  "ipgraph diff [--db FILE] [--all] [filters]\n",
	  "Compare the span (--from, --to) with a baseline span: a table of\n"
	  "edges and hosts new, gone, grown, shrunk and same with both spans'\n"
	  "weights, then the changed edges, most changed class first (--all:\n"
	  "the same ones too).  A baseline is required, apart from the span;\n"
	  "one where the filters match no traffic is an error.\n",
	  "  -d, --db FILE             the database (default ipgraph.db)\n"
	  "  -a, --all                 list the edges that stayed the same too\n"
	  "  -h, --help                this help\n"
	  HELP_FILTERS,
	  "ipgraph diff --db net.db --from -1d --baseline -1w\n"
	  "ipgraph export svg --db net.db --from -1h --baseline -1d -o new.svg\n",
	  0 },
	{ "new",
	  "ipgraph new [--db FILE] --since TIME [--until TIME] [--sensor NAME]\n",
	  "List the edges first seen in [since, until] (until defaults to now),\n"
	  "oldest first, as CSV: first_seen,sensor,proto,src,dst,dport.  An\n"
	  "edge is (sensor, protocol, source, destination, destination port);\n"
	  "its first time is kept after its windows are deleted by retention.\n",
	  "  -d, --db FILE             the database (default ipgraph.db)\n"
	  "  --since TIME              the span's start (required)\n"
	  "  --until TIME              the span's end (default now)\n"
	  "  --sensor NAME             one capture point\n"
	  "  -h, --help                this help\n",
	  "ipgraph new --db net.db --since -1h\n", 0 },
	{ "names",
	  "ipgraph names [--db FILE] [--from TIME] [--to TIME] [--host CIDR]\n"
	  "                     [--sensor NAME]\n",
	  "List the names clients were told for addresses (DNS answers, TLS\n"
	  "SNI and HTTP Host seen in the traffic), oldest first, as CSV:\n"
	  "time,sensor,client,address,name,ttl,source.  A row is kept the first\n"
	  "time a client is told a name for an address in each window.\n",
	  "  -d, --db FILE             the database (default ipgraph.db)\n"
	  "  --from TIME               the span's start (default: the first)\n"
	  "  --to TIME                 the span's end (default: now)\n"
	  "  --host CIDR               addresses or clients in a block\n"
	  "  --sensor NAME             one capture point\n"
	  "  -h, --help                this help\n",
	  "ipgraph names --db net.db --from -1d --host 10.0.0.7\n", 0 },
	{ "info",
	  "ipgraph info [--db FILE] [--json]\n",
	  "Describe a database: per sensor and tier the span covered (first\n"
	  "window start, last window end, UTC), window lengths, windows and\n"
	  "edges; distinct hosts, file size, schema version, the last capture\n"
	  "and the last import.  --json prints what GET /api/v1/info answers.\n",
	  "  -d, --db FILE             the database (default ipgraph.db)\n"
	  "  --json                    the JSON document instead of text\n"
	  "  -h, --help                this help\n",
	  "ipgraph info --db net.db\n"
	  "ipgraph info --db net.db --json | jq .spans\n", 0 },
	{ "rollup",
	  "ipgraph rollup [--db FILE]\n",
	  "Compute every pending hour and day roll-up (an import leaves the\n"
	  "hour its traffic ends in marked), before long-span queries.\n",
	  "  -d, --db FILE             the database (default ipgraph.db)\n"
	  "  -h, --help                this help\n",
	  "ipgraph rollup --db net.db\n", 0 },
	{ "seq",
	  "ipgraph seq [--names FILE] [--name [CAPTURE:]ADDR=NAME]...\n"
	  "                   [--filter BPF] [--flow SRC:SPORT-DST:DPORT]\n"
	  "                   [--info summary|default|full]\n"
	  "                   [--format seqdiag|mermaid|svg|png|text|json]\n"
	  "                   [--limit N] [--no-skew] [--quiet] [-o FILE]\n"
	  "                   CAPTURE...\n",
	  "Draw one exchange seen at several capture points as one sequence\n"
	  "diagram, merged by time, clocks corrected.  CAPTURE is a pcap or\n"
	  "pcapng file (compressed or not), a Wireshark CSV export, or - for\n"
	  "standard input.\n",
	  "  --names FILE              ADDRESS = NAME lines\n"
	  "  --name [CAPTURE:]A=N      name one address (in one capture only)\n"
	  "  --filter BPF              tcpdump's filter syntax\n"
	  "  --flow S:P-D:P            one connection, either direction\n"
	  "  --info summary|default|full\n"
	  "                            how much each arrow says\n"
	  "  --format F                seqdiag (default, or from -o's\n"
	  "                            extension), mermaid, svg, png, text,\n"
	  "                            json (hops, losses, sightings)\n"
	  "  -o, --output FILE         where to write (default standard output)\n"
	  "  --limit N                 rows drawn in svg and png (default 1000)\n"
	  "  --no-skew                 take every clock as it is\n"
	  "  -q, --quiet               no clock estimates, hops or notes on\n"
	  "                            stderr\n"
	  "  -h, --help                this help\n",
	  "ipgraph seq --name 10.0.0.1=client client.pcap proxy.pcap \\\n"
	  "    server.pcap -o exchange.svg\n", 0 },
	{ "serve",
	  "ipgraph serve [--db FILE] [--listen ADDR]... [--threads N]\n"
	  "                     [--www DIR] [--token-file FILE]\n"
	  "                     [--tls-cert FILE --tls-key FILE] [--cors ORIGIN]\n"
	  "                     [--names FILE] [--sites FILE] [--max-rows N]\n"
	  "                     [--max-nodes N]\n"
	  "                     [--timeout SECONDS] [--max-connections N]\n"
	  "                     [--per-ip N] [--header-timeout SECONDS]\n"
	  "                     [--services FILE] [--rdns] [--rdns-server ADDR]\n"
	  "                     [--rdns-timeout MS] [--picture-cache SIZE]\n",
	  "Serve a database over HTTP with ipgraphd's routes and dashboard, no\n"
	  "capture.  SIGTERM or SIGINT stops it.\n",
	  "  -d, --db FILE             the database (default ipgraph.db)\n"
	  "  --listen ADDR             127.0.0.1:8080 (default), [::1]:8080,\n"
	  "                            *:8080 or a port; 0 picks a free one;\n"
	  "                            up to 8 times\n"
	  "  --threads N               connection and query threads, 1 to 64\n"
	  "                            each (default 4)\n"
	  "  --www DIR                 the dashboard's files\n"
	  "  --token-file FILE         ask for \"Authorization: Bearer TOKEN\"\n"
	  "  --tls-cert FILE           PEM certificate (with --tls-key)\n"
	  "  --tls-key FILE            PEM private key\n"
	  "  --cors ORIGIN             allow this origin (CORS)\n"
	  "  --names FILE              ADDRESS = NAME lines for the labels\n"
	  "  --sites FILE              the site file for group=site|zone\n"
	  "  --services FILE           more port names (services(5) form) for\n"
	  "                            csv and ports, after /etc/services\n"
	  "  --rdns                    name the hosts a graph shows that nothing\n"
	  "                            else names by reverse DNS (PTR)\n"
	  "  --rdns-server ADDR        ask this server, not /etc/resolv.conf's\n"
	  "  --rdns-timeout MS         a request waits at most MS for names\n"
	  "                            (1000); later ones find them cached\n"
	  "  --max-rows N              stored rows a query may read (1000000)\n"
	  "  --max-nodes N             nodes drawn in graph.png/svg (400)\n"
	  "  --timeout SECONDS         idle connection timeout (30)\n"
	  "  --max-connections N       connections at once (256)\n"
	  "  --per-ip N                connections per client address (32)\n"
	  "  --header-timeout SECONDS  a request's headers must be whole in\n"
	  "                            this time, however they trickle (10)\n"
	  "  --picture-cache SIZE      bytes of drawn pictures kept, so a\n"
	  "                            picture asked again is not laid out\n"
	  "                            again; 0 keeps none (32M)\n"
	  "  -h, --help                this help\n",
	  "ipgraph serve --db net.db --listen 8080 --www /usr/share/ipgraph/www\n",
	  0 },
	{ "version",
	  "ipgraph version\n"
	  "       ipgraph --version\n",
	  "Print the version.\n",
	  "",
	  "ipgraph --version\n", 0 },
	{ "help",
	  "ipgraph help [COMMAND]\n"
	  "       ipgraph COMMAND --help\n",
	  "Print the summary of every command, or one command's help.\n",
	  "",
	  "ipgraph help export\n", 0 },
};
#define HELP_N	(sizeof(help_table) / sizeof(help_table[0]))

static void
help_formats(FILE *fp)
{
	const struct export_format *f;

	fputs("formats:\n", fp);
	for (f = export_formats(); f->name != NULL; f++)
		fprintf(fp, "  %-24s  %s\n", f->name, f->about);
	/* not a row of the table: it sends (cmd_ipfix.c) */
	fprintf(fp, "  %-24s  %s\n", "ipfix", "IPFIX messages to -o FILE, "
	    "or to a collector with --send");
}

/* Each line of text, indented by two spaces. */
static void
help_indent(const char *text, FILE *fp)
{
	size_t n;

	while (*text != '\0') {
		n = strcspn(text, "\n");
		fprintf(fp, "  %.*s\n", (int)n, text);
		text += n + (text[n] == '\n');
	}
}

static void
help_commands(FILE *fp)
{
	size_t i;

	for (i = 0; i < HELP_N; i++)
		fprintf(fp, "%s\n", help_table[i].name);
}

int
help_command(const char *cmd, FILE *fp)
{
	const struct help_entry *h;
	size_t i;

	if (strcmp(cmd, "--commands") == 0) {
		help_commands(fp);
		return 0;
	}
	for (i = 0; i < HELP_N; i++)
		if (strcmp(help_table[i].name, cmd) == 0)
			break;
	if (i == HELP_N)
		return -1;
	h = &help_table[i];
	fprintf(fp, "usage: %s\n%s", h->usage, h->about);
	if (h->options[0] != '\0')
		fprintf(fp, "\noptions:\n%s", h->options);
	if (h->formats) {
		fputc('\n', fp);
		help_formats(fp);
	}
	if (strstr(h->options, "TIME") != NULL)
		fprintf(fp, "\n%s", HELP_TIME);
	fputs("\nexample:\n", fp);
	help_indent(h->example, fp);
	return 0;
}

void
help_refuse_tty(const char *cmd, const char *format, const char *out)
{
	if ((out == NULL || strcmp(out, "-") == 0) && isatty(STDOUT_FILENO)) {
		log_warnx("%s: %s is a binary format, not for a terminal: use "
		    "-o FILE or redirect", cmd, format);
		exit(EXIT_USAGE);
	}
}
