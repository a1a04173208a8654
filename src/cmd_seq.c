/* cmd_seq.c - the seq command: one exchange from several capture points. */

#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "addr.h"
#include "capture.h"
#include "cmd.h"
#include "decode.h"
#include "export_seq.h"
#include "help.h"
#include "log.h"
#include "names.h"
#include "seq.h"
#include "sniff.h"
#include "zread.h"

/*
 * More packets than this make no readable diagram and would only fill
 * memory; the user is told to narrow the input instead.
 */
#define SEQ_MAX_PACKETS	200000

/* A flow given with --flow; either direction matches. */
struct seq_flowsel {
	int	 set;
	int	 ver;
	uint8_t	 a[16], b[16];
	int	 aport, bport;		/* -1: any */
};

/* One compiled --filter per link type met (pcapng may mix them). */
struct seq_bpf {
	int			 linktype;
	struct sniff_match	*match;
};

struct seq_cmd {
	const char		*filter;
	struct seq_bpf		*bpf;
	size_t			 nbpf;
	struct seq_flowsel	 flow;
	struct names		*global;
	struct names		*per[SEQ_MAX_POINTS];
	char			*argname[SEQ_MAX_POINTS];
	int			 nargs;
	struct seq		*s;
	size_t			 total;
};

/* --- names ------------------------------------------------------------------ */

static const char *
seq_cmd_name(void *arg, int point, int ver, const uint8_t *b)
{
	struct seq_cmd *c = arg;
	const char *n = NULL;

	if (point >= 0 && point < SEQ_MAX_POINTS && c->per[point] != NULL)
		n = names_lookup(c->per[point], ver, b, ver == 4 ? 32 : 128);
	if (n == NULL)
		n = names_lookup(c->global, ver, b, ver == 4 ? 32 : 128);
	return n;
}

/*
 * --name [CAPTURE:]ADDR=NAME.  An IPv6 address holds colons too, so the
 * prefix counts only when it is exactly one of the CAPTURE operands and
 * the rest is an address: no guessing where the file name ends.
 */
static void
seq_cmd_name_arg(struct seq_cmd *c, const char *arg)
{
	char *dup, *eq, *left, *colon, *addr, why[256];
	uint8_t b[16];
	int ver, i, point = -1;

	if ((dup = strdup(arg)) == NULL)
		fatal("strdup");
	if ((eq = strchr(dup, '=')) == NULL || eq[1] == '\0')
		fatalx("--name %s: expected ADDRESS=NAME or "
		    "CAPTURE:ADDRESS=NAME", arg);
	*eq = '\0';
	left = addr = dup;
	if (addr_parse(left, &ver, b) < 0) {
		for (colon = strchr(left, ':'); colon != NULL && point < 0;
		    colon = strchr(colon + 1, ':')) {
			*colon = '\0';
			for (i = 0; i < c->nargs; i++)
				if ((strcmp(left, c->argname[i]) == 0 ||
				    strcmp(left, seq_point_name(c->s, i)) ==
				    0) &&
				    addr_parse(colon + 1, &ver, b) == 0) {
					point = i;
					addr = colon + 1;
					break;
				}
			if (point < 0)
				*colon = ':';
		}
		if (point < 0)
			fatalx("--name %s: '%s' is neither an address nor "
			    "CAPTURE:ADDRESS with CAPTURE one of the files "
			    "given", arg, left);
		if (c->per[point] == NULL &&
		    (c->per[point] = names_new()) == NULL)
			fatal("names_new");
	}
	if (names_add(point < 0 ? c->global : c->per[point], addr, eq + 1,
	    why, sizeof(why)) < 0)
		fatalx("--name %s: %s", arg, why);
	free(dup);
}

/*
 * Like packetseq, ask for the names still missing, but only when a person
 * is there to answer: standard input a terminal.  Prompts go to stderr so
 * a diagram written to stdout stays clean.
 */
static void
seq_cmd_prompt(struct seq_cmd *c)
{
	const struct seq_addr *ad;
	char abuf[ADDR_STRLEN], line[256], why[256];
	size_t i, n, len, asked = 0;

	if (!isatty(STDIN_FILENO))
		return;
	if ((ad = seq_addresses(c->s, &n)) == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (seq_cmd_name(c, ad[i].point, ad[i].ver, ad[i].b) != NULL)
			continue;
		if (asked++ == 0)
			fprintf(stderr, "Name the hosts (Enter keeps the "
			    "address, '.' stops asking):\n");
		fprintf(stderr, "%s (first seen in %s) name> ",
		    addr_format(ad[i].ver, ad[i].b, abuf),
		    seq_point_name(c->s, ad[i].point));
		fflush(stderr);
		if (fgets(line, sizeof(line), stdin) == NULL)
			break;
		len = strcspn(line, "\r\n");
		line[len] = '\0';
		if (strcmp(line, ".") == 0)
			break;
		if (len == 0)
			continue;
		if (names_add(c->global, abuf, line, why, sizeof(why)) < 0)
			fprintf(stderr, "%s; keeping the address\n", why);
	}
}

/* --- --flow and --filter ---------------------------------------------------- */

/* "ADDR:PORT" or "[V6ADDR]:PORT"; PORT may be '*'. */
static int
seq_cmd_endpoint(char *s, int *ver, uint8_t b[16], int *port)
{
	char *colon, *end;
	unsigned long v;

	if (*s == '[') {
		if ((colon = strstr(s, "]:")) == NULL)
			return -1;
		*colon = '\0';
		s++;
		colon++;
	} else if ((colon = strrchr(s, ':')) == NULL)
		return -1;
	*colon = '\0';
	if (addr_parse(s, ver, b) < 0)
		return -1;
	if (strcmp(colon + 1, "*") == 0) {
		*port = -1;
		return 0;
	}
	errno = 0;
	v = strtoul(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || errno != 0 ||
	    v > 65535)
		return -1;
	*port = (int)v;
	return 0;
}

static void
seq_cmd_flow_arg(struct seq_flowsel *f, const char *arg)
{
	char *dup, *dash;
	int v2;

	if ((dup = strdup(arg)) == NULL)
		fatal("strdup");
	/* IPv6 addresses have no '-', so the first one splits the ends */
	if ((dash = strchr(dup, '-')) == NULL)
		goto bad;
	*dash = '\0';
	if (seq_cmd_endpoint(dup, &f->ver, f->a, &f->aport) < 0 ||
	    seq_cmd_endpoint(dash + 1, &v2, f->b, &f->bport) < 0)
		goto bad;
	if (v2 != f->ver)
		fatalx("--flow %s: one end is IPv4, the other IPv6", arg);
	f->set = 1;
	free(dup);
	return;
bad:
	fatalx("--flow %s: expected SRC:SPORT-DST:DPORT, e.g. "
	    "10.0.0.1:43512-10.0.0.2:80 or [2001:db8::1]:443-[2001:db8::2]:*",
	    arg);
}

static int
seq_cmd_end_match(const uint8_t *fa, int fport, const uint8_t *a, int port,
    int has_port)
{
	if (memcmp(fa, a, 16) != 0)
		return 0;
	return fport < 0 || !has_port || fport == port;
}

static int
seq_cmd_flow_match(const struct seq_flowsel *f, const struct packet *p)
{
	int l4 = PACKET_HAS_L4(p);

	if (!f->set)
		return 1;
	if (p->ipver != f->ver)
		return 0;
	return (seq_cmd_end_match(f->a, f->aport, p->src, p->sport, l4) &&
	    seq_cmd_end_match(f->b, f->bport, p->dst, p->dport, l4)) ||
	    (seq_cmd_end_match(f->a, f->aport, p->dst, p->dport, l4) &&
	    seq_cmd_end_match(f->b, f->bport, p->src, p->sport, l4));
}

/*
 * The filter compiled for a link type, with libpcap's own compiler on a
 * dead handle, so a filter means here what it means to tcpdump.  Our
 * pcapng reader reports LINKTYPE_ values; the only common one that
 * differs from its DLT_ value is raw IP.
 */
static const struct sniff_match *
seq_cmd_bpf(struct seq_cmd *c, int linktype)
{
	struct seq_bpf *nb;
	char err[1024];
	size_t i;
	int dlt = linktype == 101 ? DLT_RAW : linktype;

	for (i = 0; i < c->nbpf; i++)
		if (c->bpf[i].linktype == linktype)
			return c->bpf[i].match;
	if ((nb = realloc(c->bpf, (c->nbpf + 1) * sizeof(*nb))) == NULL)
		fatal("realloc");
	c->bpf = nb;
	if ((c->bpf[c->nbpf].match = sniff_match_dlt(dlt, c->filter, err,
	    sizeof(err))) == NULL)
		fatalx("--filter %s", err);
	c->bpf[c->nbpf].linktype = linktype;
	return c->bpf[c->nbpf++].match;
}

/* --- reading captures ------------------------------------------------------- */

static int
seq_cmd_add(struct seq_cmd *c, int point, const struct packet *p,
    const char *file)
{
	if (++c->total > SEQ_MAX_PACKETS) {
		log_warnx("%s: more than %d packets in all: too many for a "
		    "sequence diagram; pick one exchange with --flow or "
		    "--filter", file, SEQ_MAX_PACKETS);
		return -1;
	}
	if (seq_add_packet(c->s, point, p) < 0)
		fatalx("out of memory");
	return 0;
}

/* Returns 0, 1 when the file was read only in part, -1 on error. */
static int
seq_cmd_read_capture(struct seq_cmd *c, int point, const char *path)
{
	struct cap_packet cp;
	struct packet p;
	struct capfile *cf;
	char err[1024];
	int rc;

	if ((cf = capfile_open(path, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		return -1;
	}
	while ((rc = capfile_next(cf, &cp)) == 1) {
		if (c->filter != NULL && !sniff_match(seq_cmd_bpf(c,
		    cp.linktype), cp.data, cp.caplen, cp.wirelen))
			continue;
		if (decode_packet(cp.linktype, cp.data, cp.caplen, &p) !=
		    DECODE_OK)
			continue;
		p.ts_us = cp.ts_us;
		p.wirelen = cp.wirelen;
		if (!seq_cmd_flow_match(&c->flow, &p))
			continue;
		if (seq_cmd_add(c, point, &p, path) < 0) {
			capfile_close(cf);
			return -1;
		}
	}
	if (rc < 0)
		log_warnx("%s (the packets before it are drawn)",
		    capfile_error(cf));
	capfile_close(cf);
	return rc < 0 ? 1 : 0;
}

/*
 * A Wireshark CSV export: RFC 4180 fields, quoted fields may hold commas,
 * doubled quotes and newlines.  Columns are found by their header names,
 * not by position, and only the header row is taken for a header (the
 * packetseq bug dropped every row containing "No").
 */
enum { COL_TIME, COL_SRC, COL_DST, COL_PROTO, COL_LEN, COL_INFO, NCOL };
static const char *seq_cmd_colnames[NCOL] = {
	"Time", "Source", "Destination", "Protocol", "Length", "Info"
};

#define CSV_MAXF	64

/*
 * Split one record from *buf (growing it with more lines while a quote is
 * open) into fields, unquoted in place.  Returns the field count, 0 at the
 * end of the file, -1 on an unterminated quote at the end.
 */
static int
seq_csv_record(FILE *fp, char **buf, size_t *cap, char *f[CSV_MAXF],
    unsigned *line)
{
	size_t len = 0, n;
	char *r, *w;
	int inq = 0, nf = 0;
	ssize_t got;
	char *more = NULL;
	size_t mcap = 0;

	if ((got = getline(buf, cap, fp)) <= 0)
		return 0;
	(*line)++;
	len = (size_t)got;
	for (;;) {
		/* is a quote still open at the end? */
		inq = 0;
		for (n = 0; n < len; n++)
			if ((*buf)[n] == '"')
				inq = !inq;
		if (!inq)
			break;
		if ((got = getline(&more, &mcap, fp)) <= 0) {
			free(more);
			return -1;
		}
		(*line)++;
		if (len + (size_t)got + 1 > *cap) {
			if ((r = realloc(*buf, len + (size_t)got + 1)) == NULL)
				fatal("realloc");
			*buf = r;
			*cap = len + (size_t)got + 1;
		}
		memcpy(*buf + len, more, (size_t)got + 1);
		len += (size_t)got;
	}
	free(more);
	while (len > 0 && ((*buf)[len - 1] == '\n' || (*buf)[len - 1] == '\r'))
		(*buf)[--len] = '\0';
	r = w = *buf;
	f[nf++] = w;
	inq = 0;
	for (; *r != '\0'; r++) {
		if (inq) {
			if (*r == '"' && r[1] == '"')
				*w++ = *r++;
			else if (*r == '"')
				inq = 0;
			else
				*w++ = *r;
		} else if (*r == '"')
			inq = 1;
		else if (*r == ',') {
			*w++ = '\0';
			if (nf == CSV_MAXF)
				break;
			f[nf++] = w;
		} else
			*w++ = *r;
	}
	*w = '\0';
	return nf;
}

/* "2016-08-27 11:14:45.000001" (any fraction digits) as UTC; 0 or -1. */
static int
seq_csv_time(const char *s, int64_t *us)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, n = 0, digits = 0;
	int64_t frac = 0;
	time_t t;

	if (sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi,
	    &sec, &n) != 6 || n != 19)
		return -1;
	s += n;
	if (*s == '.' || *s == ',') {
		for (s++; *s >= '0' && *s <= '9'; s++, digits++)
			if (digits < 6)
				frac = frac * 10 + (*s - '0');
		if (digits == 0)
			return -1;
		for (; digits < 6; digits++)
			frac *= 10;
	}
	if (*s != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	*us = (int64_t)t * 1000000 + frac;
	return 0;
}

/* Ports from the start of a TCP or UDP Info: "53833 > 3128" or "→". */
static int
seq_csv_ports(const char *info, uint16_t *sp, uint16_t *dp)
{
	unsigned long a, b;
	char *end;

	while (*info == ' ')
		info++;
	if (*info < '0' || *info > '9')
		return -1;
	a = strtoul(info, &end, 10);
	while (*end == ' ')
		end++;
	if (*end == '>')
		end++;
	else if (strncmp(end, "\xe2\x86\x92", 3) == 0)
		end += 3;
	else
		return -1;
	while (*end == ' ')
		end++;
	if (*end < '0' || *end > '9')
		return -1;
	b = strtoul(end, &end, 10);
	if (a > 65535 || b > 65535 || (*end != ' ' && *end != '\0'))
		return -1;
	*sp = (uint16_t)a;
	*dp = (uint16_t)b;
	return 0;
}

/* The TCP flags of the first "[...]" of Info that names only flags. */
static int
seq_csv_flags(const char *info, uint8_t *flags)
{
	const char *b, *e;

	for (b = strchr(info, '['); b != NULL; b = strchr(e, '[')) {
		if ((e = strchr(b, ']')) == NULL)
			return -1;
		if (seq_flags_parse(b + 1, (size_t)(e - b - 1), flags) == 0)
			return 0;
	}
	return -1;
}

static int
seq_cmd_read_csv(struct seq_cmd *c, int point, const char *path)
{
	static const struct { const char *n; uint8_t p; } protos[] = {
		{ "TCP", IPG_PROTO_TCP }, { "UDP", IPG_PROTO_UDP },
		{ "ICMP", IPG_PROTO_ICMP }, { "ICMPv6", IPG_PROTO_ICMPV6 },
		{ "SCTP", IPG_PROTO_SCTP },
	};
	char *buf = NULL, *f[CSV_MAXF], *end;
	int col[NCOL], nf, i, v2, rc = -1;
	unsigned line = 0, used = 0, skipped = 0, skipline = 0;
	size_t cap = 0, k;
	unsigned long len;
	struct packet p;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		log_warnx("%s: %s", path, strerror(errno));
		return -1;
	}
	if ((nf = seq_csv_record(fp, &buf, &cap, f, &line)) <= 0) {
		log_warnx("%s: empty, or not a CSV file", path);
		goto done;
	}
	for (i = 0; i < NCOL; i++) {
		col[i] = -1;
		for (k = 0; k < (size_t)nf; k++)
			if (strcmp(f[k], seq_cmd_colnames[i]) == 0)
				col[i] = (int)k;
	}
	if (col[COL_TIME] < 0 || col[COL_SRC] < 0 || col[COL_DST] < 0) {
		log_warnx("%s: not a Wireshark CSV export: its first row must "
		    "name the columns No., Time, Source, Destination, "
		    "Protocol, Length, Info", path);
		goto done;
	}
	while ((nf = seq_csv_record(fp, &buf, &cap, f, &line)) != 0) {
		if (nf < 0) {
			log_warnx("%s:%u: a quoted field is not closed before "
			    "the end of the file", path, line);
			goto done;
		}
		if (nf == 1 && f[0][0] == '\0')
			continue;	/* blank line */
		for (i = 0; i < NCOL; i++)
			if (col[i] >= nf) {
				log_warnx("%s:%u: %d fields, the header has "
				    "more; is the file cut short?", path, line,
				    nf);
				goto done;
			}
		memset(&p, 0, sizeof(p));
		if (seq_csv_time(f[col[COL_TIME]], &p.ts_us) < 0) {
			log_warnx("%s:%u: the time '%.40s' is not a date and "
			    "time of day; in Wireshark choose View > Time "
			    "Display Format > Date and Time of Day (or UTC "
			    "Date and Time of Day) and export again", path,
			    line, f[col[COL_TIME]]);
			goto done;
		}
		if (addr_parse(f[col[COL_SRC]], &i, p.src) < 0 ||
		    addr_parse(f[col[COL_DST]], &v2, p.dst) < 0 || i != v2) {
			/* ARP, LLDP, or resolved names: no IP to draw */
			if (skipped++ == 0)
				skipline = line;
			continue;
		}
		p.ipver = (uint8_t)i;
		p.info = col[COL_INFO] >= 0 ? f[col[COL_INFO]] : "";
		p.proto_name = col[COL_PROTO] >= 0 ? f[col[COL_PROTO]] : "";
		for (k = 0; k < sizeof(protos) / sizeof(protos[0]); k++)
			if (strcmp(p.proto_name, protos[k].n) == 0)
				p.proto = protos[k].p;
		if (col[COL_LEN] >= 0) {
			len = strtoul(f[col[COL_LEN]], &end, 10);
			if (*end == '\0' && len < UINT32_MAX)
				p.wirelen = (uint32_t)len;
		}
		if (seq_csv_ports(p.info, &p.sport, &p.dport) < 0)
			p.notes |= PACKET_NO_PORTS;
		if (seq_csv_flags(p.info, &p.tcp_flags) == 0)
			p.proto = IPG_PROTO_TCP;
		if (!seq_cmd_flow_match(&c->flow, &p))
			continue;
		if (seq_cmd_add(c, point, &p, path) < 0)
			goto done;
		used++;
	}
	if (skipped > 0 && used == 0) {
		log_warnx("%s: no row has IP addresses in Source and "
		    "Destination (line %u, for one); export again with name "
		    "resolution off", path, skipline);
		goto done;
	}
	if (skipped > 0)
		log_info("%s: %u rows without IP addresses left out (the "
		    "first on line %u)", path, skipped, skipline);
	rc = 0;
done:
	free(buf);
	fclose(fp);
	return rc;
}

/* pcap, pcapng, or text (a CSV export): by the first bytes. */
static int
seq_cmd_is_capture(const char *path)
{
	unsigned char m[6];
	FILE *fp;
	size_t n;

	if (strcmp(path, "-") == 0 || (fp = fopen(path, "rb")) == NULL)
		return 1;	/* capfile_open says what is wrong */
	n = fread(m, 1, sizeof(m), fp);
	fclose(fp);
	if (n < 4 || zread_detect(m, n) != ZREAD_NONE)
		return 1;	/* compressed: capfile_open unpacks it */
	return (m[0] == 0xa1 && m[1] == 0xb2) || (m[0] == 0xd4 &&
	    m[1] == 0xc3) || (m[0] == 0x4d && m[1] == 0x3c) ||
	    (m[0] == 0x3c && m[1] == 0x4d) || (m[0] == 0xa1 &&
	    m[1] == 0xb2) || (m[0] == 0x0a && m[1] == 0x0d &&
	    m[2] == 0x0d && m[3] == 0x0a) || m[0] < 0x09;
}

/* --- the command ------------------------------------------------------------ */

/* "client" for "dir/client.pcap": what the diagram calls a capture point. */
static char *
seq_cmd_point_name(const char *path)
{
	const char *base, *dot, *p;
	char *n;

	if (strcmp(path, "-") == 0)
		return strdup("stdin");
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	dot = strrchr(base, '.');
	if (dot == NULL || dot == base)
		dot = base + strlen(base);
	/* client.pcap.gz is "client" too */
	else if (strcmp(dot, ".gz") == 0 || strcmp(dot, ".xz") == 0 ||
	    strcmp(dot, ".zst") == 0) {
		for (p = dot - 1; p > base && *p != '.'; p--)
			;
		if (p > base)
			dot = p;
	}
	if ((n = malloc((size_t)(dot - base) + 1)) == NULL)
		return NULL;
	memcpy(n, base, (size_t)(dot - base));
	n[dot - base] = '\0';
	return n;
}

static void
seq_cmd_report(const struct seq_cmd *c)
{
	const struct seq_skew *sk;
	int p, np = seq_npoints(c->s);
	char buf[512];
	size_t i;

	log_info("%zu packets drawn, %zu of them seen at more than one "
	    "capture point", seq_nevents(c->s), seq_nmerged(c->s));
	for (p = 0; p < np && np > 1; p++) {
		sk = seq_point_skew(c->s, p);
		switch (sk->how) {
		case SEQ_SKEW_REFERENCE:
			log_info("clock of %s: the reference", c->argname[p]);
			break;
		case SEQ_SKEW_BOTH_WAYS:
		case SEQ_SKEW_ONE_WAY:
			log_info("clock of %s: %+.6f s against %s, from %u "
			    "packets seen at both%s; corrected",
			    c->argname[p], (double)sk->offset_us / 1e6,
			    c->argname[sk->from], sk->matched,
			    sk->how == SEQ_SKEW_ONE_WAY ? " (one direction "
			    "only: accurate to the one-way delay)" : "");
			break;
		case SEQ_SKEW_NONE:
			log_info("clock of %s: no packet in common with the "
			    "other captures; taken as it is", c->argname[p]);
			break;
		case SEQ_SKEW_OFF:
			log_info("clock of %s: not corrected (--no-skew)",
			    c->argname[p]);
			break;
		}
	}
	for (i = 0; i < seq_nhops(c->s); i++)
		log_info("hop %s", seq_hop_text(c->s, seq_hop(c->s, i), buf,
		    sizeof(buf)));
	if (seq_nlost(c->s) > 0)
		log_info("%zu packet%s lost between capture points",
		    seq_nlost(c->s), seq_nlost(c->s) == 1 ? "" : "s");
	for (i = 0; i < seq_nnotes(c->s); i++)
		log_info("note: %s", seq_note(c->s, i));
}

static enum seq_format
seq_cmd_format_of(const char *out)
{
	const char *dot;
	int f;

	if (out == NULL || (dot = strrchr(out, '.')) == NULL ||
	    (f = export_seq_format(dot + 1)) < 0)
		return SEQ_FMT_SEQDIAG;
	return (enum seq_format)f;
}

static void
seq_cmd_usage(FILE *fp)
{
	fputs("usage: ipgraph seq [--names FILE] [--name [CAPTURE:]ADDR=NAME]"
	    "...\n"
	    "                  [--filter BPF] [--flow SRC:SPORT-DST:DPORT]\n"
	    "                  [--info summary|default|full]\n"
	    "                  [--format seqdiag|mermaid|svg|png|text|json]\n"
	    "                  [--limit N] [--no-skew] [--quiet] [-o FILE]"
	    " CAPTURE...\n", fp);
}

int
cmd_seq(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "names", required_argument, NULL, 'N' },
		{ "name", required_argument, NULL, 'n' },
		{ "filter", required_argument, NULL, 'f' },
		{ "flow", required_argument, NULL, 'F' },
		{ "info", required_argument, NULL, 'i' },
		{ "format", required_argument, NULL, 'T' },
		{ "output", required_argument, NULL, 'o' },
		{ "limit", required_argument, NULL, 'l' },
		{ "no-skew", no_argument, NULL, 'S' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct export_seq_opts eo = { SEQ_LEVEL_DEFAULT, 0, NULL };
	struct seq_opts so = { 0 };
	struct seq_cmd c;
	const char *out = NULL, **nameargs = NULL, **namefiles = NULL;
	char err[PATH_MAX + 1024], tmp[PATH_MAX], *pn;
	int ch, i, j, fmt = -1, quiet = 0, nnames = 0, nfiles = 0, rc = 0, r;
	FILE *fp = stdout;

	memset(&c, 0, sizeof(c));
	if ((nameargs = calloc((size_t)argc, sizeof(*nameargs))) == NULL ||
	    (namefiles = calloc((size_t)argc, sizeof(*namefiles))) == NULL ||
	    (c.global = names_new()) == NULL || (c.s = seq_new()) == NULL)
		fatal("out of memory");
	while ((ch = getopt_long(argc, argv, "o:qh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'N': namefiles[nfiles++] = optarg; break;
		case 'n': nameargs[nnames++] = optarg; break;
		case 'f': c.filter = optarg; break;
		case 'F': seq_cmd_flow_arg(&c.flow, optarg); break;
		case 'i':
			if (strcmp(optarg, "summary") == 0)
				eo.level = SEQ_LEVEL_SUMMARY;
			else if (strcmp(optarg, "default") == 0)
				eo.level = SEQ_LEVEL_DEFAULT;
			else if (strcmp(optarg, "full") == 0 ||
			    strcmp(optarg, "info") == 0)
				eo.level = SEQ_LEVEL_FULL;
			else
				fatalx("--info: '%s' is not summary, default "
				    "or full", optarg);
			break;
		case 'T':
			if ((fmt = export_seq_format(optarg)) < 0)
				fatalx("--format: '%s' is not seqdiag, "
				    "mermaid, svg, png, text or json", optarg);
			break;
		case 'o': out = optarg; break;
		case 'l':
			eo.limit = number_arg("--limit", optarg, 1, 1000000);
			break;
		case 'S': so.no_skew = 1; break;
		case 'q': quiet = 1; break;
		case 'h': help_command("seq", stdout); exit(0);
		default: seq_cmd_usage(stderr); exit(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		log_warnx("seq: no capture given");
		seq_cmd_usage(stderr);
		rc = EXIT_USAGE;
		goto done;
	}
	if (argc > SEQ_MAX_POINTS)
		fatalx("seq: at most %d captures", SEQ_MAX_POINTS);
	if (fmt < 0)
		fmt = (int)seq_cmd_format_of(out);
	if (fmt == SEQ_FMT_PNG)
		help_refuse_tty("seq", "png", out);
	for (i = 0; i < argc; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(argv[i], argv[j]) == 0)
				fatalx("seq: %s is given twice", argv[i]);
		c.argname[i] = argv[i];
	}
	c.nargs = argc;
	/* capture points, named after their files ("client") */
	for (i = 0; i < argc; i++) {
		if ((pn = seq_cmd_point_name(argv[i])) == NULL)
			fatal("out of memory");
		for (j = 0; j < i; j++)
			if (strcmp(seq_point_name(c.s, j), pn) == 0)
				break;
		if (seq_add_point(c.s, j < i ? argv[i] : pn) < 0)
			fatal("out of memory");
		free(pn);
	}
	for (i = 0; i < nfiles; i++)
		if (names_load(c.global, namefiles[i], err, sizeof(err)) < 0)
			fatalx("%s (each line is ADDRESS = NAME; fix the line "
			    "or leave the file out)", err);
	for (i = 0; i < nnames; i++)
		seq_cmd_name_arg(&c, nameargs[i]);
	for (i = 0; i < argc; i++) {
		if (seq_cmd_is_capture(argv[i]))
			r = seq_cmd_read_capture(&c, i, argv[i]);
		else if (c.filter != NULL) {
			log_warnx("%s: a CSV export cannot take --filter (a "
			    "BPF filter needs the packets); filter it in "
			    "Wireshark or give the capture", argv[i]);
			r = -1;
		} else
			r = seq_cmd_read_csv(&c, i, argv[i]);
		if (r < 0) {
			rc = 1;
			goto done;
		}
		if (r > 0)
			rc = 1;
		if (seq_point_packets(c.s, i) == 0) {
			if (c.flow.set || c.filter != NULL)
				log_warnx("%s: no packet of this capture "
				    "matches %s%s%s; leave it out, or check "
				    "the addresses and ports", argv[i],
				    c.flow.set ? "--flow" : "",
				    c.flow.set && c.filter ? " and " : "",
				    c.filter ? "--filter" : "");
			else
				log_warnx("%s: no IP packet in it; leave it "
				    "out", argv[i]);
			rc = 1;
			goto done;
		}
	}
	seq_cmd_prompt(&c);
	if (seq_merge(c.s, &so, seq_cmd_name, &c, err, sizeof(err)) < 0) {
		log_warnx("%s", err);
		rc = 1;
		goto done;
	}
	if (!quiet)
		seq_cmd_report(&c);

	/* write beside the target and rename: never a half-written file */
	if (out != NULL && strcmp(out, "-") != 0) {
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp%ld", out,
		    (long)getpid()) >= sizeof(tmp))
			fatalx("-o: path too long");
		if ((fp = fopen(tmp, "wb")) == NULL)
			fatal("%s", tmp);
	}
	r = export_seq(c.s, (enum seq_format)fmt, &eo, fp, err, sizeof(err));
	if (fp != stdout) {
		if (fclose(fp) != 0 && r == 0) {
			snprintf(err, sizeof(err), "%s: %s", tmp,
			    strerror(errno));
			r = -1;
		}
		if (r == 0 && rename(tmp, out) != 0) {
			snprintf(err, sizeof(err), "%s: %s", out,
			    strerror(errno));
			r = -1;
		}
		if (r != 0)
			unlink(tmp);
	} else if (fflush(stdout) != 0 && r == 0) {
		snprintf(err, sizeof(err), "standard output: %s",
		    strerror(errno));
		r = -1;
	}
	if (r != 0) {
		log_warnx("seq: %s", err);
		rc = 1;
	}
done:
	for (i = 0; i < SEQ_MAX_POINTS; i++)
		names_free(c.per[i]);
	names_free(c.global);
	for (i = 0; (size_t)i < c.nbpf; i++)
		sniff_match_free(c.bpf[i].match);
	free(c.bpf);
	seq_free(c.s);
	free(nameargs);
	free(namefiles);
	return rc;
}
