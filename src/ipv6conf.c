/* ipv6conf.c - net.ipv6.conf.IFNAME.* through /proc/sys.
 *
 * rtnetlink reads IPv6 per-interface settings (IFLA_INET6_CONF) but cannot set them
 * (inet6_set_link_af takes only the token and the address generation mode), so these go
 * through /proc/sys/net, which shows the network namespace of the process that opens it.
 * The interface name is checked first; the file is the kernel's, opened as the caller
 * (CAP_NET_ADMIN is what lets a net sysctl be written, whatever the fsuid).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ipv6conf.h"
#include "util.h"

static int open_conf(const char *ifname, const char *key, int flags)
{
	char path[128];
	int fd;

	if (!ifname_is_valid(ifname) || strchr(key, '/'))
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname, key);
	fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? -errno : fd;
}

int ipv6_conf_get(const char *ifname, const char *key, uint32_t *value)
{
	int fd = open_conf(ifname, key, O_RDONLY);

	return fd < 0 ? fd : read_u32_fd(fd, UINT32_MAX, value);
}

int ipv6_conf_set(const char *ifname, const char *key, uint32_t value)
{
	char text[16];
	int len = snprintf(text, sizeof(text), "%u", value);
	int fd = open_conf(ifname, key, O_WRONLY);
	int err = 0;

	if (fd < 0)
		return fd;
	if (write(fd, text, (size_t)len) != len)
		err = -errno;
	close(fd);
	return err;
}
