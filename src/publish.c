/* publish.c - reserve the host port of -P [ADDR:]HOST_PORT:JAIL_PORT[/tcp|udp] (parsed in
 * util.c with the other untrusted text).
 *
 * A published port takes over connections to the host's port, which is what bind(2) gives
 * a program.  So netjail binds the port itself for as long as the jail runs, with the
 * caller's rights: an ordinary user cannot publish a port below ip_unprivileged_port_start
 * (sshd's 22) nor one another program already uses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "priv.h"
#include "publish.h"

int publish_reserve(const struct publish *p)
{
	struct sockaddr_in where = {
		.sin_family = AF_INET, .sin_port = htons(p->host_port),
		.sin_addr.s_addr = p->has_addr ? p->addr.s_addr : htonl(INADDR_ANY),
	};
	int type = p->proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	int err;

	if (fd < 0)
		return -errno;
	err = priv_bind_as_caller(fd, (const struct sockaddr *)&where, sizeof(where));
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}
