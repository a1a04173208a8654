/* live.h - /api/v1/live: the daemon's open window as server-sent events. */
#ifndef IPGRAPH_LIVE_H
#define IPGRAPH_LIVE_H

#include <stddef.h>

struct MHD_Connection;
struct MHD_Response;
struct api_args;
struct api_reply;
struct daemon_hooks;
struct live;

/*
 * The live streams of one server.  With hooks that give a live document
 * (ipgraphd) a thread resumes waiting streams a few times a second;
 * without (ipgraph serve) every request is a 404.  NULL with err.
 */
struct live	*live_new(const struct daemon_hooks *, char *err, size_t errlen);

/* A stream's response, or NULL with r set to the error. */
struct MHD_Response *live_response(struct live *, struct MHD_Connection *,
		    const struct api_args *, struct api_reply *r);

/*
 * Stop: every stream ends at its next read.  Call before stopping the
 * HTTP daemons, and live_free after.
 */
void		 live_stop(struct live *);
void		 live_free(struct live *);

#endif /* IPGRAPH_LIVE_H */
