/* floorobj.c - `floor --objects`: every kernel object netjail makes for one jail, made and
 * removed by the cheapest means (see floor.c's header for the list).  The cheapest means:
 * one send per netlink socket and phase, every message of it written at once and its acks
 * read after (the kernel handles a send's messages in order, before the send returns, so a
 * message may use what an earlier one made); the link indexes chosen in the request, so that
 * nothing has to be looked up; one process for all of it: it opens the host's sockets, moves
 * to a new network namespace (unshare, as `unshare -n` does), opens the jail's socket there,
 * and forks only to run CMD, as it must to tear down after CMD.  Bench-only code.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/membarrier.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "floor.h"

#define JAILS_NET 0x0ae80000u		/* 10.232.0.0/16, beside netjail's 10.231/16 */
#define SHARED_TABLE 0x666c0000u	/* "fl": the table all floor jails' ways back are in */
#define JAIL_TABLE (SHARED_TABLE + 1)
#define PEER_INDEX 64			/* the jail end's index in its fresh namespace */

/* One send's messages, and how many acks they ask for. */
struct sendbuf {
	char buf[65536];
	size_t len;
	unsigned acks;
};

static uint32_t seq = 1;
static unsigned round_trips, messages;
static int verbose;

static void fail(const char *what, int err)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(err));
	exit(1);
}

static struct nlmsghdr *put(struct sendbuf *s, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(s->buf + s->len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = seq++;
	s->acks++;
	return nlh;
}

static void done(struct sendbuf *s, struct nlmsghdr *nlh)
{
	s->len += NLMSG_ALIGN(nlh->nlmsg_len);
	messages++;
}

static struct nlmsghdr *link_msg(struct sendbuf *s, int index, unsigned flags, unsigned change)
{
	struct nlmsghdr *nlh = put(s, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_index = index;
	ifi->ifi_flags = flags;
	ifi->ifi_change = change;
	return nlh;
}

static void link_up(struct sendbuf *s, int index, int up)
{
	done(s, link_msg(s, index, up ? IFF_UP : 0, IFF_UP));
}

/* net.ipv4.conf.<link>.forwarding, through rtnetlink as netjail sets it */
static void forwarding(struct sendbuf *s, int index, uint32_t value)
{
	struct nlmsghdr *nlh = link_msg(s, index, 0, 0);
	struct nlattr *spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	struct nlattr *inet = mnl_attr_nest_start(nlh, AF_INET);
	struct nlattr *conf = mnl_attr_nest_start(nlh, IFLA_INET_CONF);

	mnl_attr_put_u32(nlh, IPV4_DEVCONF_FORWARDING, value);
	mnl_attr_nest_end(nlh, conf);
	mnl_attr_nest_end(nlh, inet);
	mnl_attr_nest_end(nlh, spec);
	done(s, nlh);
}

/* No IPv6 link-local address on the host end (netjail's choice: no address, no DAD, no MLD
 * there), set before it goes up. */
static void no_ipv6_address(struct sendbuf *s, int index)
{
	struct nlmsghdr *nlh = link_msg(s, index, 0, 0);
	struct nlattr *spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	struct nlattr *inet6 = mnl_attr_nest_start(nlh, AF_INET6);

	mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
	mnl_attr_nest_end(nlh, inet6);
	mnl_attr_nest_end(nlh, spec);
	done(s, nlh);
}

static void one_queue(struct nlmsghdr *nlh)
{
	mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, 1);
	mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, 1);
}

/* The pair, its peer born in the namespace of @jail_pid */
static void veth(struct sendbuf *s, const struct floor_jail *fj, pid_t jail_pid)
{
	struct nlmsghdr *nlh = put(s, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *linkinfo, *data, *peer;

	ifi->ifi_index = fj->host_veth_index;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, fj->host_veth);
	one_queue(nlh);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = PEER_INDEX;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
	one_queue(nlh);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)jail_pid);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	done(s, nlh);
}

static void addr(struct sendbuf *s, uint16_t type, int index, uint32_t address, uint32_t flags)
{
	struct nlmsghdr *nlh = put(s, type, type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 30;
	ifa->ifa_index = (uint32_t)index;
	mnl_attr_put_u32(nlh, IFA_LOCAL, address);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, address);
	if (flags)
		mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
	done(s, nlh);
}

/* A route in @table: to @dst/@dst_len, via @gateway (0: on link) out of @oif (0: none), or
 * unreachable with @type RTN_UNREACHABLE. */
static void route(struct sendbuf *s, uint16_t msg, uint32_t table, uint32_t dst, uint8_t dst_len,
		  uint32_t gateway, int oif, uint8_t type, uint32_t metric)
{
	struct nlmsghdr *nlh = put(s, msg, msg == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = dst_len;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = gateway || type != RTN_UNICAST ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = type;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	if (dst_len)
		mnl_attr_put_u32(nlh, RTA_DST, dst);
	if (gateway)
		mnl_attr_put_u32(nlh, RTA_GATEWAY, gateway);
	if (oif)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)oif);
	if (metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, metric);
	done(s, nlh);
}

/* A policy rule at @pref: "to @dst/16 lookup @table", "iif @iif lookup @table",
 * "iif @iif goto @target" or "nop" (@table and @target 0). */
static void rule(struct sendbuf *s, uint16_t msg, uint32_t pref, uint32_t table, const char *iif,
		 uint32_t dst, uint32_t target)
{
	struct nlmsghdr *nlh = put(s, msg, msg == RTM_NEWRULE ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));

	frh->family = AF_INET;
	frh->action = target ? FR_ACT_GOTO : table ? FR_ACT_TO_TBL : FR_ACT_NOP;
	mnl_attr_put_u32(nlh, FRA_PRIORITY, pref);
	if (table)
		mnl_attr_put_u32(nlh, FRA_TABLE, table);
	if (target)
		mnl_attr_put_u32(nlh, FRA_GOTO, target);
	if (iif)
		mnl_attr_put_strz(nlh, FRA_IIFNAME, iif);
	if (dst) {
		frh->dst_len = 16;
		mnl_attr_put_u32(nlh, FRA_DST, dst);
	}
	done(s, nlh);
}

/* netjail's four: the way back to every jail, the host's own lookups past the jails', the
 * jail's own table, the nop that the goto lands on (gate.c, hostnet.c).  netjail's jails
 * share all but the third, so a lone jail makes them all; two floors at once would clash
 * on them (EEXIST): the bench runs one at a time. */
static void rules(struct sendbuf *s, uint16_t msg, const struct floor_jail *fj)
{
	rule(s, msg, 98, SHARED_TABLE, NULL, htonl(JAILS_NET), 0);
	rule(s, msg, 99, 0, "lo", 0, 101);
	rule(s, msg, 100, JAIL_TABLE, fj->host_veth, 0, 0);
	rule(s, msg, 101, 0, NULL, 0, 0);
}

static int nl_socket(int protocol)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
	struct timeval limit = { .tv_sec = 5 };

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit)))
		fail("netlink socket", errno);
	return fd;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* One round trip: the messages in one send (to the kernel: the socket's default peer).  The
 * kernel does their work before the send returns: with -v, its time is printed. */
static void send_all(int fd, struct sendbuf *s, const char *what)
{
	double t0 = now_us();

	if (send(fd, s->buf, s->len, 0) != (ssize_t)s->len)
		fail(what, errno);
	round_trips++;
	if (verbose)
		fprintf(stderr, "floor: %s: %u messages, %.0f us\n", what, s->acks, now_us() - t0);
}

/* Read @s's acks; the first error is fatal, named by @what. */
static void read_acks(int fd, struct sendbuf *s, const char *what)
{
	static char buf[16384];

	while (s->acks) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;

		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			fail(what, errno);
		for (int left = (int)len; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			if (e->error)
				fail(what, -e->error);
			s->acks--;
		}
	}
	s->len = 0;
}

/* The last close of an nftables socket waits, holding nftables' commit mutex, until the
 * objects its batches deleted are freed an RCU grace period later (nf_tables_api.c
 * nft_rcv_nl_event flushes the destroy work): 10-150 ms on this loaded machine.  netjail
 * leaves that to a child (hostdown.c finish_detached), and so does the floor: one that
 * holds nothing else (not the caller's pipe), waits out a grace period holding no lock
 * (membarrier), then closes it. */
static void close_detached(int nfnl)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (nfnl > 0)
			close_range(0, (unsigned)nfnl - 1, 0);
		close_range((unsigned)nfnl + 1, ~0u, 0);
		syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
		_exit(close(nfnl) != 0);
	}
	close(nfnl);	/* without a child (fork failed), this close waits instead */
}

/* net.ipv4.conf.UPLINK.forwarding now, to put it back as it was (netjail records it). */
static uint32_t uplink_forwarding(const char *uplink)
{
	char path[96], value[4] = "0";
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/forwarding", uplink);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, value, sizeof(value) - 1) < 1)
		fail(path, errno);
	close(fd);
	return value[0] == '1';
}

static uint32_t parse_addr(const char *text)
{
	struct in_addr a;

	if (inet_pton(AF_INET, text, &a) != 1)
		fail(text, EINVAL);
	return a.s_addr;
}

int floor_objects(int argc, char **argv)
{
	static struct sendbuf host, jail, nft;
	int shared = 0, status, rtnl, jail_rtnl, nfnl, uplink_index;
	const char *uplink = "up0", *gateway_text = "192.0.2.1", *nat_text = "192.0.2.2";
	uint32_t gateway, host_addr, old_forwarding, nft_seq;
	struct floor_jail fj = { .prefix = "fl" };
	pid_t child, pid = getpid();
	unsigned slot = (unsigned)pid % 16383 + 1;
	char **cmd = argv + argc;	/* empty: no command */

	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			cmd = argv + i + 1;
			argc = i;
			break;
		}
	for (; argc > 0 && argv[0][0] == '-'; argc--, argv++) {
		shared |= strcmp(argv[0], "--shared") == 0;
		verbose |= strcmp(argv[0], "-v") == 0;
	}
	if (argc == 3)
		uplink = argv[0], gateway_text = argv[1], nat_text = argv[2];
	else if (argc)
		fail("usage: floor --objects [--shared] [-v] [UPLINK GATEWAY UPLINK_ADDR] [-- CMD...]",
		     EINVAL);
	gateway = parse_addr(gateway_text);
	fj.nat_addr = parse_addr(nat_text);
	host_addr = htonl(JAILS_NET + slot * 4 + 1);
	fj.jail_addr = htonl(JAILS_NET + slot * 4 + 2);
	snprintf(fj.host_veth, sizeof(fj.host_veth), "fl%d", (int)pid);
	snprintf(fj.uplink, sizeof(fj.uplink), "%s", uplink);
	snprintf(fj.table, sizeof(fj.table), "floor%d", (int)pid);
	fj.host_veth_index = 0x100000 + (int)slot;
	uplink_index = (int)if_nametoindex(uplink);
	if (!uplink_index)
		fail(uplink, errno);
	old_forwarding = uplink_forwarding(uplink);

	/* The host's sockets stay in the host's namespace; the rest of this process moves to
	 * the jail's, where its socket and, after the setup, CMD's process are born. */
	rtnl = nl_socket(NETLINK_ROUTE);
	nfnl = nl_socket(NETLINK_NETFILTER);
	if (unshare(CLONE_NEWNET))
		fail("unshare", errno);
	jail_rtnl = nl_socket(NETLINK_ROUTE);

	veth(&host, &fj, pid);	/* its namespace is the jail's now */
	no_ipv6_address(&host, fj.host_veth_index);
	addr(&host, RTM_NEWADDR, fj.host_veth_index, host_addr, IFA_F_NOPREFIXROUTE);
	forwarding(&host, fj.host_veth_index, 1);
	link_up(&host, fj.host_veth_index, 1);
	forwarding(&host, uplink_index, 1);
	route(&host, RTM_NEWROUTE, SHARED_TABLE, fj.jail_addr & htonl(~3u), 30, 0, fj.host_veth_index,
	      RTN_UNICAST, 0);
	route(&host, RTM_NEWROUTE, JAIL_TABLE, 0, 0, gateway, uplink_index, RTN_UNICAST, 0);
	route(&host, RTM_NEWROUTE, JAIL_TABLE, 0, 0, 0, 0, RTN_UNREACHABLE, UINT32_MAX);
	rules(&host, RTM_NEWRULE, &fj);
	send_all(rtnl, &host, "the host's side");

	link_up(&jail, 1, 1);
	addr(&jail, RTM_NEWADDR, PEER_INDEX, fj.jail_addr, 0);
	link_up(&jail, PEER_INDEX, 1);
	route(&jail, RTM_NEWROUTE, RT_TABLE_MAIN, 0, 0, host_addr, PEER_INDEX, RTN_UNICAST, 0);
	send_all(jail_rtnl, &jail, "the jail's side");

	nft_seq = seq;
	nft.len = floor_nft_setup(nft.buf, sizeof(nft.buf), &fj, shared, &nft_seq, &nft.acks);
	if (!nft.len)
		fail("nftables batch", E2BIG);
	messages += nft.acks;
	send_all(nfnl, &nft, "nftables");

	read_acks(rtnl, &host, "the host's side");
	read_acks(jail_rtnl, &jail, "the jail's side");
	read_acks(nfnl, &nft, "nftables");
	child = fork();
	if (child < 0)
		fail("fork", errno);
	if (child == 0) {
		if (!*cmd)
			_exit(0);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	if (waitpid(child, &status, 0) < 0)
		fail("waitpid", errno);

	/* What netjail removes, once the command is over; the rest goes with the namespace,
	 * which this process is in until it exits. */
	link_up(&host, fj.host_veth_index, 0);
	addr(&host, RTM_DELADDR, fj.host_veth_index, host_addr, 0);
	rules(&host, RTM_DELRULE, &fj);
	route(&host, RTM_DELROUTE, JAIL_TABLE, 0, 0, gateway, uplink_index, RTN_UNICAST, 0);
	route(&host, RTM_DELROUTE, JAIL_TABLE, 0, 0, 0, 0, RTN_UNREACHABLE, UINT32_MAX);
	forwarding(&host, uplink_index, old_forwarding);
	send_all(rtnl, &host, "the host's teardown");
	nft.len = floor_nft_teardown(nft.buf, sizeof(nft.buf), &fj, shared, &nft_seq, &nft.acks);
	messages += nft.acks;
	send_all(nfnl, &nft, "nftables teardown");
	read_acks(rtnl, &host, "the host's teardown");
	read_acks(nfnl, &nft, "nftables teardown");
	close(jail_rtnl);
	close_detached(nfnl);
	close(rtnl);
	if (verbose)
		fprintf(stderr, "floor: %u round trips (sends), %u messages\n", round_trips, messages);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
