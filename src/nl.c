/* nl.c - netlink plumbing shared by rtnetlink (link, addr, route, rule) and nftables.
 *
 * Every request asks for an ack, and answers are matched on sequence number and port id
 * by libmnl, so a stray message can never be taken for our answer.  NETLINK_EXT_ACK makes
 * the kernel explain its errors ("Nexthop has invalid gateway"); we keep that text for the
 * one line the caller prints.
 */
#include <errno.h>
#include <limits.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nl.h"

/* Large enough for the biggest dump part the kernel sends (32 KiB, libmnl 1.0.5's
 * MNL_SOCKET_DUMP_SIZE); a smaller buffer would truncate messages. */
#define NL_RECEIVE_BUFFER 32768

static char error_text[256];

const char *nl_error_text(void)
{
	return error_text;
}

const char *nl_reason(int err)
{
	static char text[320];

	snprintf(text, sizeof(text), "%s%s%s", strerror(-err), error_text[0] ? ": " : "",
		 error_text);
	return text;
}

int nl_open(struct nl *nl, int bus)
{
	int on = 1;

	nl->sock = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		nl_close(nl);
		return err;
	}
	/* Both are best effort: old kernels answer without the text, which is fine. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &on, sizeof(on));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &on, sizeof(on));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = 1;
	nl->batch = NULL;
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
	free(nl->batch);
	nl->batch = NULL;
}

struct nlmsghdr *nl_msg(struct nl *nl, char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	/* libmnl leaves attribute padding as it finds it: never send stack garbage. */
	memset(buf, 0, MNL_SOCKET_BUFFER_SIZE);
	nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = nl->seq++;
	return nlh;
}

static int ext_ack_attr(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		*(const char **)data = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

/* The error code of an NLMSG_ERROR message (0 for an ack), keeping the kernel's text. */
static int error_message_code(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const char *text = NULL;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
		return -EBADMSG;
	if (err->error == 0)
		return 0;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		/* With NETLINK_CAP_ACK the request is not echoed: TLVs follow the header. */
		size_t offset = sizeof(*err);

		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			offset += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
		mnl_attr_parse(nlh, (unsigned)offset, ext_ack_attr, &text);
	}
	snprintf(error_text, sizeof(error_text), "%s", text ? text : "");
	return err->error;
}

/* NLMSG_ERROR carries both acks (error 0, the end of a request) and failures. */
static int on_error_message(const struct nlmsghdr *nlh, void *data)
{
	int code = error_message_code(nlh);

	(void)data;
	if (code == 0)
		return MNL_CB_STOP;
	errno = -code;
	return MNL_CB_ERROR;
}

static int on_noop(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

static int on_done(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_STOP;
}

/* true if @buf (@len bytes) holds the end of the dump to @seq. */
static bool holds_dump_end(const char *buf, ssize_t len, uint32_t seq)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int left = (int)len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left))
		if (nlh->nlmsg_seq == seq &&
		    (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR))
			return true;
	return false;
}

/* Read what is left of an interrupted dump to @seq, whose last read is in @buf, up to its
 * end, so that no stale part of it answers the next request. */
static void drain_dump(struct nl *nl, uint32_t seq, char *buf, size_t size, ssize_t len)
{
	while (len > 0 && !holds_dump_end(buf, len, seq))
		len = mnl_socket_recvfrom(nl->sock, buf, size);
}

/* Read answers to @seq until the callbacks stop; 0 or -errno.  -EINTR: the kernel marked
 * a dump interrupted (NLM_F_DUMP_INTR: the objects changed while it was read, another
 * jail's setup say), so what was read may be inconsistent; its rest is drained and the
 * caller may start again. */
static int run_answers(struct nl *nl, uint32_t seq, mnl_cb_t cb, void *data)
{
	char buf[NL_RECEIVE_BUFFER];
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_NOOP] = on_noop,
		[NLMSG_ERROR] = on_error_message,
		[NLMSG_DONE] = on_done,
	};

	for (;;) {
		ssize_t len = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		int ret;

		if (len < 0)
			return -errno;
		ret = mnl_cb_run2(buf, (size_t)len, seq, nl->portid, cb, data, ctl, NLMSG_MIN_TYPE);
		if (ret < 0 && errno == EINTR) {
			drain_dump(nl, seq, buf, sizeof(buf), len);
			return -EINTR;
		}
		if (ret < 0)
			return errno ? -errno : -EPROTO;
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

int nl_query(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	error_text[0] = '\0';
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return run_answers(nl, nlh->nlmsg_seq, cb, data);
}

/* Large enough for a jail's setup: a dozen small requests. */
#define NL_BATCH_SIZE 16384

int nl_request(struct nl *nl, struct nlmsghdr *nlh)
{
	if (!nl->batch)
		return nl_query(nl, nlh, NULL, NULL);
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (nl->batch_len + NLMSG_ALIGN(nlh->nlmsg_len) > NL_BATCH_SIZE) {
		nl->batch_err = -ENOBUFS;	/* reported by the commit; nothing is sent */
		return 0;
	}
	if (!nl->batch_count)
		nl->batch_first_seq = nlh->nlmsg_seq;
	memcpy(nl->batch + nl->batch_len, nlh, nlh->nlmsg_len);
	nl->batch_len += NLMSG_ALIGN(nlh->nlmsg_len);
	nl->batch_count++;
	return 0;
}

int nl_batch_begin(struct nl *nl)
{
	nl->batch = calloc(1, NL_BATCH_SIZE);
	nl->batch_len = 0;
	nl->batch_count = 0;
	nl->batch_err = 0;
	nl->batch_shared_from = UINT_MAX;
	return nl->batch ? 0 : -ENOMEM;
}

void nl_batch_shared(struct nl *nl)
{
	nl->batch_shared_from = nl->batch_count;
}

int nl_batch_commit(struct nl *nl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	char *batch = nl->batch;
	unsigned acked = 0;
	int first_err = nl->batch_err;

	nl->batch = NULL;	/* from here on, requests go out one by one again */
	error_text[0] = '\0';
	if (first_err || !nl->batch_count)
		goto out;
	if (mnl_socket_sendto(nl->sock, batch, nl->batch_len) < 0) {
		first_err = -errno;
		goto out;
	}
	/* Every request is answered, failed or not: read them all, so that no stale ack is
	 * left for the next request. */
	while (acked < nl->batch_count) {
		ssize_t len = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		int remaining = (int)len;

		if (len < 0) {
			if (!first_err)
				first_err = -errno;
			break;
		}
		for (; mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining)) {
			const struct nlmsgerr *ack = mnl_nlmsg_get_payload(nlh);

			if (!mnl_nlmsg_portid_ok(nlh, nl->portid) || nlh->nlmsg_type != NLMSG_ERROR ||
			    nlh->nlmsg_seq - nl->batch_first_seq >= nl->batch_count)
				continue;
			acked++;
			if (ack->error == -EEXIST &&
			    nlh->nlmsg_seq - nl->batch_first_seq >= nl->batch_shared_from)
				continue;
			if (!first_err && ack->error)
				first_err = error_message_code(nlh);
		}
	}
out:
	free(batch);
	return first_err;
}

int nl_dump(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	error_text[0] = '\0';
	nlh->nlmsg_flags |= NLM_F_DUMP;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return run_answers(nl, nlh->nlmsg_seq, cb, data);
}

/* Throw away whatever answers are still queued on @nl.  The kernel answers a batch while
 * processing the send, so after the first answer all of them are queued: reading without
 * waiting until there is nothing left leaves no stale answer for the next request (whose
 * sequence check would take it for a protocol error). */
static void discard_queued(struct nl *nl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	while (recv(mnl_socket_get_fd(nl->sock), buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

int nl_read_acks(struct nl *nl, uint32_t first_seq, unsigned count)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned acked = 0;

	error_text[0] = '\0';
	/* A batch gets one answer per message; a failed batch is aborted whole, and its
	 * first error is all the caller needs. */
	while (acked < count) {
		ssize_t len = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		int remaining = (int)len;

		if (len < 0)
			return -errno;
		for (; mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining)) {
			int code;

			if (!mnl_nlmsg_portid_ok(nlh, nl->portid) || nlh->nlmsg_seq < first_seq ||
			    nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			code = error_message_code(nlh);
			if (code) {
				discard_queued(nl);
				return code;
			}
			acked++;
		}
	}
	return 0;
}

int nl_attach_filter(struct nl *nl, const struct sock_filter *code, unsigned short len)
{
	struct sock_fprog prog = { .len = len, .filter = (struct sock_filter *)code };

	if (setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_ATTACH_FILTER, &prog,
		       sizeof(prog)))
		return -errno;
	return 0;
}

int nl_subscribe(struct nl *nl, const unsigned *groups, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		unsigned group = groups[i];

		if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0)
			return -errno;
	}
	return 0;
}

bool nl_drain_events_matching(struct nl *nl, uint32_t own_portid, nl_event_filter_fn matters,
			      void *data)
{
	char buf[NL_RECEIVE_BUFFER];
	bool any = false;

	for (;;) {
		ssize_t len = recv(mnl_socket_get_fd(nl->sock), buf, sizeof(buf), MSG_DONTWAIT);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int remaining = (int)len;

		/* A notification names the socket whose request caused it: our own changes are
		 * no news (kernel-made ones, such as routes flushed with a link, carry 0).  Every
		 * message goes to @matters, which may keep notes, even once one counted. */
		for (; len > 0 && mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining))
			if (nlh->nlmsg_pid != own_portid && (!matters || matters(nlh, data)))
				any = true;
		if (len > 0)
			continue;
		/* ENOBUFS: the kernel dropped events for us; something happened all the same. */
		if (len < 0 && errno == ENOBUFS) {
			any = true;
			continue;
		}
		if (len < 0 && errno == EINTR)
			continue;
		return any;
	}
}

bool nl_drain_events(struct nl *nl, uint32_t own_portid)
{
	return nl_drain_events_matching(nl, own_portid, NULL, NULL);
}
