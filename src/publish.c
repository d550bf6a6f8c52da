/* publish.c - reserve the host port of -P [ADDR:]HOST_PORT:JAIL_PORT[/tcp|udp] (parsed in
 * util.c with the other untrusted text).
 *
 * A published port takes over connections to the host's port, which is what bind(2) gives
 * a program.  So netjail binds the port itself for as long as the jail runs, with the
 * caller's rights: an ordinary user cannot publish a port below ip_unprivileged_port_start
 * (sshd's 22) nor one another program already uses.
 *
 * bind(2) is no test of the address, though: it takes a broadcast or multicast address,
 * and with net.ipv4.ip_nonlocal_bind any address at all, and a DNAT rule for such an
 * address would divert other people's traffic into the jail.  So ADDR must be one the
 * kernel lists as an interface's own (RTM_GETADDR), and a unicast one; the rule itself
 * also matches only packets to a local address (nft.c), in case ADDR goes away later.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "priv.h"
#include "publish.h"

struct own_address_search {
	struct in_addr wanted;
	bool found;
};

static int find_own_address(const struct addr_info *addr, void *data)
{
	struct own_address_search *search = data;

	if (addr->local.s_addr == search->wanted.s_addr)
		search->found = true;
	return 0;
}

/* Not 0.0.0.0/8, 255.255.255.255 nor multicast, even if one is configured on an
 * interface: a connection to them is never to this host alone. */
static bool is_unicast(struct in_addr addr)
{
	uint32_t host_order = ntohl(addr.s_addr);

	return (host_order >> 24) != 0 && host_order != INADDR_BROADCAST &&
	       !IN_MULTICAST(host_order);
}

int publish_check_address(struct nl *nl, const struct publish *p)
{
	struct own_address_search search = { .wanted = p->addr };
	int err;

	if (!p->has_addr)
		return 0;
	if (!is_unicast(p->addr))
		return -EADDRNOTAVAIL;
	err = addr_for_each(nl, find_own_address, &search);
	if (err)
		return err;
	return search.found ? 0 : -EADDRNOTAVAIL;
}

int publish_reserve(struct nl *nl, const struct publish *p)
{
	struct sockaddr_in where = {
		.sin_family = AF_INET, .sin_port = htons(p->host_port),
		.sin_addr.s_addr = p->has_addr ? p->addr.s_addr : htonl(INADDR_ANY),
	};
	int type = p->proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
	int fd, err = publish_check_address(nl, p);

	if (err)
		return err;
	fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	err = priv_bind_as_caller(fd, (const struct sockaddr *)&where, sizeof(where));
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

void publish_explain(const struct publish *p, int err, char *why, size_t why_len)
{
	const char *proto = p->proto == IPPROTO_UDP ? "udp" : "tcp";
	char addr[INET_ADDRSTRLEN];

	if (err == -EADDRNOTAVAIL)
		snprintf(why, why_len, "cannot publish port %u/%s on %s: it is not a unicast "
			 "address of this host", p->host_port, proto,
			 inet_ntop(AF_INET, &p->addr, addr, sizeof(addr)));
	else if (err == -EACCES)
		snprintf(why, why_len, "cannot publish port %u/%s: ports below "
			 "net.ipv4.ip_unprivileged_port_start are root's", p->host_port, proto);
	else if (err == -EADDRINUSE)
		snprintf(why, why_len, "cannot publish port %u/%s: it is in use on the host",
			 p->host_port, proto);
	else
		snprintf(why, why_len, "cannot publish port %u/%s: %s", p->host_port, proto,
			 strerror(-err));
}
