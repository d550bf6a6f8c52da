/* floor.c - the kernel's floor for a jail's network: what it costs to make and unmake, through
 * netlink, the objects of a jail and nothing else.  bench/run.sh times it next to
 * `unshare -n true` and netjail.
 *
 *   floor            a child in a new network namespace; the pair made with its peer born
 *                    there (one RTM_NEWLINK); the host end deleted (RTM_DELLINK); the child
 *                    exits
 *   floor --lazy     the same, but the pair is left to go with the namespace, as netjail
 *                    leaves it (its host end down)
 *   floor --objects [--shared] [-v] [UPLINK GATEWAY UPLINK_ADDR] [-- CMD...]
 *                    (default up0 192.0.2.1 192.0.2.2, the bench's lab) every kernel object
 *                    netjail makes for one jail, by the cheapest means (floorobj.c); then
 *                    CMD in the jail's namespace (forked, as root; none: nothing run); once
 *                    it has exited, the objects removed as netjail removes them:
 *       host, one send:  the veth pair (peer born in the jail's namespace, both indexes
 *                        chosen so that nothing has to be asked), no IPv6 address on the
 *                        host end, its IPv4 address (no prefix route), forwarding on it and
 *                        on the uplink, the host end up, its route in the jails' shared
 *                        table, the jail's table (default via GATEWAY, unreachable
 *                        default), the four policy rules (to the jails' /16, iif lo goto,
 *                        iif <host end>, nop)
 *       jail, one send:  lo up, the jail end's address, the jail end up, its default route
 *                        (through a socket opened there: the floor itself moves to the new
 *                        namespace once it has opened the host's sockets)
 *       nftables, one batch: the jail's table (floornft.c); with --shared also the three
 *                        tables netjail's jails share, which a lone jail makes too
 *       teardown, two sends: host end down, its address, the rules, the jail's table's routes,
 *                        the uplink's forwarding as it was; the nftables tables.  The pair,
 *                        the shared table's route and the jail's side go with the namespace.
 *                    Every send's messages are written at once and their acks read after
 *                    (pipelined).  -v prints each send's kernel time, the round trips (sends)
 *                    and the messages.
 *
 * Bench-only code, run as root inside the bench's lab.  Exit status 0 (--objects: CMD's), or 1
 * with a message.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "floor.h"

static struct mnl_socket *sock;
static unsigned seq = 1;
static char host_name[IFNAMSIZ];	/* floor<pid>: a lazy run's link may still be there */

static void die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Send @nlh and read its ack; 0 or -errno. */
static int request(struct nlmsghdr *nlh)
{
	static char buf[8192];
	ssize_t len;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = seq++;
	if (mnl_socket_sendto(sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	len = mnl_socket_recvfrom(sock, buf, sizeof(buf));
	if (len < 0)
		return -errno;
	if (mnl_cb_run(buf, (size_t)len, nlh->nlmsg_seq, mnl_socket_get_portid(sock), NULL, NULL) < 0)
		return -errno;
	return 0;
}

static void one_queue(struct nlmsghdr *nlh)
{
	mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, 1);
	mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, 1);
}

static int add_veth(pid_t peer_pid)
{
	static char buf[8192];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *linkinfo, *data, *peer;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, host_name);
	one_queue(nlh);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	memset(ifi, 0, sizeof(*ifi));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
	one_queue(nlh);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)peer_pid);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return request(nlh);
}

static int link_change(uint16_t type, unsigned flags)
{
	static char buf[8192];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_change = type == RTM_NEWLINK ? IFF_UP : 0;
	ifi->ifi_flags = flags;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, host_name);
	return request(nlh);
}

int main(int argc, char **argv)
{
	int lazy = argc > 1 && strcmp(argv[1], "--lazy") == 0;
	int ready[2], go[2], err, status;
	char byte = 0;
	pid_t child;

	if (argc > 1 && strcmp(argv[1], "--objects") == 0)
		return floor_objects(argc - 2, argv + 2);
	snprintf(host_name, sizeof(host_name), "floor%d", (int)getpid());
	if (pipe(ready) || pipe(go))
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		close(ready[0]);
		close(go[1]);
		if (unshare(CLONE_NEWNET))
			_exit(1);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &byte, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	if (read(ready[0], &byte, 1) != 1) {
		errno = ECHILD;
		die("the child");
	}
	sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!sock || mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink");
	err = add_veth(child);
	if (!err)
		err = link_change(RTM_NEWLINK, IFF_UP);
	if (!err)
		err = lazy ? link_change(RTM_NEWLINK, 0) : link_change(RTM_DELLINK, 0);
	close(go[1]);
	waitpid(child, &status, 0);
	mnl_socket_close(sock);
	if (err) {
		errno = -err;
		die("veth");
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
