/* seq.h - packets seen at several capture points merged into one exchange. */
#ifndef IPGRAPH_SEQ_H
#define IPGRAPH_SEQ_H

#include <stddef.h>
#include <stdint.h>

#include "packet.h"

/*
 * The model behind `ipgraph seq` and the seq.{diag,mmd,svg} exports.
 * Packets go in per capture point (a capture file, or a sensor); seq_merge
 * recognises the same packet seen at several points, estimates how far
 * each point's clock is off, and leaves one time-ordered list of events
 * between participants (hosts, named or not).  No I/O, no globals: the
 * readers and the writers live elsewhere.
 */

/* A point set is a bit mask, so at most this many capture points. */
#define SEQ_MAX_POINTS	32

/* Longest text kept from a text export's Info column, in bytes. */
#define SEQ_INFO_MAX	512

/* How much of a packet's summary to show (packetseq's -i levels). */
enum seq_level {
	SEQ_LEVEL_SUMMARY,	/* flags only: [SYN, ACK] */
	SEQ_LEVEL_DEFAULT,	/* flags, relative seq/ack, length */
	SEQ_LEVEL_FULL		/* ports, raw seq/ack, IP ID, frame length */
};

/* How seq_merge treats clocks. */
struct seq_opts {
	int	no_skew;	/* take every clock as right */
};

/*
 * Per capture point, what seq_merge found out about its clock: offset_us
 * is how far its clock was ahead of the reference point's clock (the
 * first point) and was subtracted from its times.  how says on what the
 * estimate rests.
 */
enum seq_skew_how {
	SEQ_SKEW_REFERENCE,	/* the reference point itself */
	SEQ_SKEW_BOTH_WAYS,	/* packets matched in both directions */
	SEQ_SKEW_ONE_WAY,	/* only one direction: within the latency */
	SEQ_SKEW_NONE,		/* no packet shared with a corrected point */
	SEQ_SKEW_OFF		/* --no-skew */
};

struct seq_skew {
	int64_t		 offset_us;
	enum seq_skew_how how;
	int		 from;		/* the point it was measured against */
	unsigned	 matched;	/* packets seen at both */
};

/*
 * One arrow: a packet, seen at one or more points.  ts_us is the first
 * sighting on the reference clock and hop_us the time between the first
 * and the last sighting.  rel_seq/rel_ack are relative to the first
 * sequence number of the flow (of the opposite flow for ack), as
 * Wireshark shows them; has_rel_ack is 0 when that flow was never seen.
 */
struct seq_event {
	int64_t		 ts_us;
	int64_t		 hop_us;
	uint32_t	 points;	/* bit i: point i saw it */
	int		 first_point;	/* the point that saw it first */
	int		 src;		/* participant indexes */
	int		 dst;
	uint32_t	 rel_seq;
	uint32_t	 rel_ack;
	int		 has_rel_ack;
	struct packet	 pkt;		/* as the first point saw it */
	/* its journey (see seq_sighting, seq_hop) */
	size_t		 seen_off;	/* first sighting, for seq_sighting */
	int		 nseen;		/* sightings, in time order */
	int		 lost_from;	/* last point on its path that saw it, */
	int		 lost_to;	/* and the next, which did not; -1, -1 */
	long		 retrans_of;	/* the lost event it resends, or -1 */
	int		 repeat;	/* the same packet again at a point that
					   saw it already: not judged lost */
	int		 slow_from;	/* a hop far above its p95, or -1 */
	int		 slow_to;
	int64_t		 slow_us;	/* that hop's transit */
};

/* Where and when (on the reference clock) one point saw an event. */
struct seq_sight {
	int		 point;
	int64_t		 ts_us;
};

/*
 * Transit times of packets between two capture points, from_point first
 * (packets seen at both, consecutive in the order they were seen), on the
 * corrected clocks: nearest-rank median and 95th percentile, the most.
 */
struct seq_hop {
	int		 from_point;
	int		 to_point;
	unsigned	 count;
	int64_t		 median_us;
	int64_t		 p95_us;
	int64_t		 max_us;
};

struct seq;

/* An empty model; NULL when out of memory.  Free with seq_free. */
struct seq	*seq_new(void);
void		 seq_free(struct seq *);

/*
 * Add a capture point named name (a file name, a sensor): its index, or
 * -1 when there are SEQ_MAX_POINTS already or memory ran out.
 */
int	 seq_add_point(struct seq *, const char *name);
const char *seq_point_name(const struct seq *, int point);
int	 seq_npoints(const struct seq *);

/*
 * Add a packet seen at point.  Fields are copied (info and proto_name
 * too).  0, or -1 when out of memory or point is unknown.  Packets may
 * come in any order; seq_merge sorts them.
 */
int	 seq_add_packet(struct seq *, int point, const struct packet *);

/* Packets added at point so far; its first and last capture time. */
size_t	 seq_point_packets(const struct seq *, int point);
int	 seq_point_span(const struct seq *, int point, int64_t *first,
	    int64_t *last);

/*
 * Distinct addresses of every packet in order of first appearance (by
 * capture time, then point), for asking names; *n is set to the count.
 * The array stays valid until the next seq_add_packet.
 */
struct seq_addr {
	uint8_t	ver;
	uint8_t	b[16];
	int	point;		/* where it was first seen */
};
const struct seq_addr *seq_addresses(struct seq *, size_t *n);

/*
 * A participant's name for an address seen at a point, or NULL to use the
 * address itself.  Addresses with the same name are one participant.
 */
typedef const char *(*seq_name_fn)(void *arg, int point, int ver,
    const uint8_t *b);

/*
 * Match, correct clocks, order and name: fills the event list and the
 * participants (in order of first appearance).  May be called again after
 * adding packets.  Returns 0, or -1 with a message in err: out of memory,
 * or a point whose packets do not overlap any other point's in time and
 * share none with them (two captures of different moments).
 */
int	 seq_merge(struct seq *, const struct seq_opts *, seq_name_fn name,
	    void *arg, char *err, size_t errlen);

size_t	 seq_nevents(const struct seq *);
const struct seq_event *seq_event(const struct seq *, size_t i);
int	 seq_nparticipants(const struct seq *);
const char *seq_participant(const struct seq *, int i);
const struct seq_skew *seq_point_skew(const struct seq *, int point);
/*
 * After seq_merge: when there are more than keep + 1 participants, keep
 * the keep that sent and received the most bytes (frame lengths; ties:
 * the first seen) in their order and put every other one into one last
 * participant called name, so events between two of them run from that
 * lane to itself.  Returns how many were folded (0: none), or -1 when
 * out of memory (s unchanged).  seq_nfolded says it again later.
 */
int	 seq_fold_participants(struct seq *, int keep, const char *name);
int	 seq_nfolded(const struct seq *);

/* The k-th sighting of an event (0 <= k < e->nseen), in time order. */
const struct seq_sight *seq_sighting(const struct seq *,
	    const struct seq_event *, int k);

/* Hops measured by seq_merge, by from_point then to_point. */
size_t	 seq_nhops(const struct seq *);
const struct seq_hop *seq_hop(const struct seq *, size_t i);
/* The hop between two points, or NULL when none was measured. */
const struct seq_hop *seq_hop_find(const struct seq *, int from, int to);

/* Events marked lost between two points. */
size_t	 seq_nlost(const struct seq *);

/*
 * What seq_merge could not measure or had to decide, one sentence each
 * (no packet in common, a path that changed, a clock skewed by more than
 * the exchange lasts, a packet named differently at two points).
 */
size_t	 seq_nnotes(const struct seq *);
const char *seq_note(const struct seq *, size_t i);

/* "client to proxy: 20 packets, median 20.112 ms, p95 ..., max ..." */
char	*seq_hop_text(const struct seq *, const struct seq_hop *, char *buf,
	    size_t len);

/*
 * What happened to an event on its journey, for a note beside its arrow:
 * "lost between client and proxy", "resends the packet lost at
 * 10:00:01.000200", "client to proxy took 45.000 ms (p95 20.100 ms)";
 * an empty string when nothing did.
 */
char	*seq_journey_text(const struct seq *, const struct seq_event *,
	    char *buf, size_t len);

/* Events that stand for packets seen at more than one point. */
size_t	 seq_nmerged(const struct seq *);

/*
 * A packet's summary at a level, as shown on its arrow, into buf (always
 * terminated).  Returns buf.
 */
char	*seq_describe(const struct seq_event *, enum seq_level, char *buf,
	    size_t len);

/*
 * packetseq's colour for the packet by its TCP flags: SYN blue, SYN/ACK
 * red, ACK green, FIN navy, FIN/ACK maroon, RST purple, RST/ACK fuchsia,
 * URG olive, PSH orange, anything else gray.  The name is a CSS and
 * seqdiag colour name; rgb, when not NULL, gets 0xRRGGBB.
 */
const char *seq_color(const struct seq_event *, uint32_t *rgb);

/* "[SYN, ACK]" for a TCP flags byte, into buf; returns buf. */
char	*seq_flags_text(uint8_t flags, char *buf, size_t len);

/* Parse "[SYN, ACK]"-style flag names (with or without commas): 0 or -1. */
int	 seq_flags_parse(const char *s, size_t n, uint8_t *flags);

/* "10:00:01.000123" or with the date "2024-05-01 10:00:01.000123". */
char	*seq_time_text(int64_t us, int with_date, char *buf, size_t len);

/* "client.pcap, proxy.pcap +0.120 ms": where an event was seen. */
char	*seq_seen_text(const struct seq *, const struct seq_event *,
	    char *buf, size_t len);

#endif /* IPGRAPH_SEQ_H */
