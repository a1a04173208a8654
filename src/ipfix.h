/* ipfix.h - IPFIX (RFC 7011) messages for our fixed templates: encoding. */
#ifndef IPGRAPH_IPFIX_H
#define IPGRAPH_IPFIX_H

#include <stddef.h>
#include <stdint.h>

/*
 * Template IDs (data sets carry them as set IDs).  Every record of one
 * template has one fixed length, so a message is a header, maybe the
 * template sets, then data sets of fixed-length records.
 *
 *   256  IPv4 edge:  flowStartMilliseconds(152) flowEndMilliseconds(153)
 *        sourceIPv4Address(8) destinationIPv4Address(12)
 *        sourceTransportPort(7) destinationTransportPort(11)
 *        protocolIdentifier(4) tcpControlBits(6, 2 bytes)
 *        flowEndReason(136) octetDeltaCount(1) packetDeltaCount(2)
 *        observationPointId(138, 4 bytes)                       52 bytes
 *   257  IPv6 edge:  the same with sourceIPv6Address(27) and
 *        destinationIPv6Address(28)                             76 bytes
 *   258  options, scope observationDomainId(149): one per window, its
 *        loss: flowStartMilliseconds(152) flowEndMilliseconds(153)
 *        packetTotalCount(86) = frames seen, octetTotalCount(85) = their
 *        bytes, ignoredPacketTotalCount(164) = kernel drops,
 *        droppedPacketTotalCount(135) = interface drops,
 *        notSentPacketTotalCount(167) = overflow packets    60 bytes
 */
#define IPFIX_TID_V4		256
#define IPFIX_TID_V6		257
#define IPFIX_TID_LOSS		258

#define IPFIX_VERSION		10
#define IPFIX_HDR_LEN		16
#define IPFIX_REC_V4_LEN	52
#define IPFIX_REC_V6_LEN	76
#define IPFIX_REC_LOSS_LEN	60
/* Largest message we build: under a 1500-byte path MTU with IP and UDP. */
#define IPFIX_MSG_MAX		1400
/* flowEndReason: active timeout (RFC 5102): the window ended. */
#define IPFIX_END_ACTIVE	2

/* One edge of one window, as exported. */
struct ipfix_flow {
	int64_t		start_ms;	/* the window */
	int64_t		end_ms;
	int		ipver;		/* 4 or 6 */
	uint8_t		proto;
	uint8_t		tcp_flags;
	uint16_t	sport;
	uint16_t	dport;
	uint8_t		src[16];	/* 4 bytes used for IPv4 */
	uint8_t		dst[16];
	uint64_t	packets;
	uint64_t	bytes;
	uint32_t	obs_point;
};

/* One window's completeness (the options record). */
struct ipfix_loss {
	int64_t		start_ms;
	int64_t		end_ms;
	uint64_t	frames;
	uint64_t	bytes;
	uint64_t	kernel_drop;
	uint64_t	if_drop;
	uint64_t	overflow;
};

/*
 * Called with each finished message (data[0..len), len <= IPFIX_MSG_MAX);
 * returns 0, or -1 when it could not be sent (counted by the caller; the
 * sequence number still advances: a collector then sees the gap).
 */
typedef int	(*ipfix_send_fn)(void *arg, const uint8_t *data, size_t len);

/*
 * An exporter for one observation domain: sequence number (data records
 * sent before the message, RFC 7011 section 3.1), the message being
 * built, and when templates go out.  Calls no I/O of its own.
 * Free with ipfix_exp_free.
 */
struct ipfix_exp;

struct ipfix_exp *ipfix_exp_new(uint32_t domain, ipfix_send_fn send,
	    void *arg);
void	ipfix_exp_free(struct ipfix_exp *);

/*
 * The export time (seconds since 1970) put in the messages built from now
 * on.  When templates were last sent refresh_s or more before now (or
 * never), the next message starts with them.  refresh_s 0: only once.
 */
void	ipfix_exp_time(struct ipfix_exp *, int64_t now_s, unsigned refresh_s);

/* Put the templates in the next message whatever the time. */
void	ipfix_exp_resend_templates(struct ipfix_exp *);

/* Append a record; full messages are sent as they fill.  0 or -1 (send). */
int	ipfix_exp_flow(struct ipfix_exp *, const struct ipfix_flow *);
int	ipfix_exp_loss(struct ipfix_exp *, const struct ipfix_loss *);

/* Send the message being built, if any.  0 or -1. */
int	ipfix_exp_flush(struct ipfix_exp *);

/* Messages and data records handed to send, and sends that failed. */
void	ipfix_exp_counts(const struct ipfix_exp *, uint64_t *messages,
	    uint64_t *records, uint64_t *failed);

/* The observation domain used for a sensor name: FNV-1a of the name. */
uint32_t ipfix_domain_of(const char *sensor);

#endif /* IPGRAPH_IPFIX_H */
