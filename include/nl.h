/* nl.h - one netlink socket and the request/ack and dump helpers around it. */
#ifndef NETJAIL_NL_H
#define NETJAIL_NL_H

#include <libmnl/libmnl.h>
#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>

struct nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	/* Between nl_batch_begin and nl_batch_commit: requests are queued here. */
	char *batch;
	size_t batch_len;
	unsigned batch_count;
	uint32_t batch_first_seq;
	int batch_err;
	unsigned batch_shared_from;	/* requests from this one on may answer EEXIST */
};

/* Open and bind a close-on-exec netlink socket of @bus with extended acks.  0 or -errno. */
int nl_open(struct nl *nl, int bus);
void nl_close(struct nl *nl);

/* Start a request of @type with @flags (NLM_F_REQUEST added) in @buf (MNL_SOCKET_BUFFER_SIZE). */
struct nlmsghdr *nl_msg(struct nl *nl, char *buf, uint16_t type, uint16_t flags);

/* Send @nlh with NLM_F_ACK and wait for its ack.  0 or -errno; the kernel's text, if it
 * gave one, is then in nl_error_text().  Inside a batch, only queue it (and return 0). */
int nl_request(struct nl *nl, struct nlmsghdr *nlh);

/* Queue the requests (nl_request) that follow, to send them in one message when the
 * batch is committed: one system call and one wake-up for all, instead of one each.
 * Queries and dumps are not batched.  0 or -ENOMEM. */
int nl_batch_begin(struct nl *nl);
/* Send the queued requests and read every ack.  The kernel carries on after a request
 * fails (rtnetlink has no atomic batches), so the caller must be able to undo a partial
 * result.  0 or the first -errno (with its text in nl_error_text()). */
int nl_batch_commit(struct nl *nl);
/* The requests queued from now on make objects that other processes make too (every jail
 * adds the same rule): for them, -EEXIST counts as done. */
void nl_batch_shared(struct nl *nl);

/* Like nl_request, calling @cb for the answer that comes before the ack (a GET). */
int nl_query(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/* Send dump request @nlh and call @cb for every message of the answer.  0 or -errno;
 * -EINTR if the kernel marked the dump interrupted (what @cb saw may be inconsistent; the
 * rest of it is drained, so the caller may start again). */
int nl_dump(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);
/* How often a reader starts a dump again that nl_dump said was interrupted (-EINTR). */
#define NL_DUMP_TRIES 5

/* Read acks for @count messages sent together (nftables batch).  0 or the first -errno. */
int nl_read_acks(struct nl *nl, uint32_t first_seq, unsigned count);

/* Replace the socket's classic BPF filter with @code: the kernel runs it on every message
 * before queueing it, and drops those it returns 0 for.  0 or -errno. */
int nl_attach_filter(struct nl *nl, const struct sock_filter *code, unsigned short len);

/* Join multicast @groups (RTNLGRP_*) to hear of changes.  0 or -errno. */
int nl_subscribe(struct nl *nl, const unsigned *groups, size_t count);
/* Read and discard every event waiting on a subscribed socket, without blocking.  true if
 * any was not caused by a request of the socket whose port id is @own_portid (or the
 * kernel had to drop some). */
bool nl_drain_events(struct nl *nl, uint32_t own_portid);
/* The same, counting only the events @matters says matter (it sees every one not caused
 * by @own_portid, in order). */
typedef bool (*nl_event_filter_fn)(const struct nlmsghdr *nlh, void *data);
bool nl_drain_events_matching(struct nl *nl, uint32_t own_portid, nl_event_filter_fn matters,
			      void *data);

/* "strerror(-err): the kernel's text" for the last failure, for a one-line message. */
const char *nl_reason(int err);

/* The kernel's extended-ack message for the last failure, or "" if none. */
const char *nl_error_text(void);

#endif
