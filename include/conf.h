/* conf.h - the admin's policy file, netjail.conf(5): parsed without side effects. */
#ifndef NETJAIL_CONF_H
#define NETJAIL_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pool.h"

#ifndef NETJAIL_CONF_DIR
#define NETJAIL_CONF_DIR "/etc/netjail"
#endif
#define NETJAIL_CONF_NAME "netjail.conf"

#define CONF_MAX_INTERFACES 64
#define CONF_GLOB_MAX 32	/* a pattern such as "wlp*" or "enp[0-9]s0", NUL included */
#define CONF_MAX_BYTES 65536
/* One user's jails could otherwise take every slot of the pool, root's too. */
#define CONF_DEFAULT_MAX_JAILS_PER_USER 32
#define CONF_MAX_FW_CHAINS 8
#define CONF_FW_NAME_MAX 64	/* a table's or chain's name, NUL included */

/* [firewall] insert_into: a forward chain of another tool's nftables table that netjail may
 * put its two accept rules into (the admin's consent; by default netjail refuses). */
struct conf_fw_chain {
	uint8_t family;		/* NFPROTO_IPV4 ("ip"), NFPROTO_IPV6 ("ip6"), NFPROTO_INET */
	char table[CONF_FW_NAME_MAX];
	char chain[CONF_FW_NAME_MAX];
};

struct netjail_conf {
	struct pool_config pool;
	/* [policy] interfaces: the uplinks unprivileged users may choose.  Without the key any
	 * uplink that is up and not loopback is allowed; with an empty value, none is. */
	bool restricts_interfaces;
	unsigned interface_count;
	char interfaces[CONF_MAX_INTERFACES][CONF_GLOB_MAX];
	/* [policy] max_jails_per_user: how many jails one user other than root may have
	 * running at once (0: none). */
	uint32_t max_jails_per_user;
	unsigned fw_insert_count;
	struct conf_fw_chain fw_insert[CONF_MAX_FW_CHAINS];
	/* [network] ipv6_forwarding: how jails' IPv6 is forwarded.  interface (default):
	 * force_forwarding on the jail's link and the uplink (Linux 6.17), no IPv6 for jails
	 * on older kernels; all: net.ipv6.conf.all.forwarding, guarded (ipv6global.c). */
	enum { CONF_IPV6_INTERFACE, CONF_IPV6_ALL } ipv6_forwarding;
	/* [network] fastpath = no: no flowtable, every packet of a jail on the slow path, so
	 * that the host firewall's forward chains see (count, log, limit) all of them. */
	bool no_fastpath;
};

/* No file: any uplink, CONF_DEFAULT_MAX_JAILS_PER_USER jails a user, the built-in pool. */
void conf_defaults(struct netjail_conf *conf);

/* Parse @text, the contents of the file @name (for messages), over @conf's current values.
 * 0, or -EINVAL with "NAME:LINE: reason" in @why.  Unknown sections and keys, bad values
 * and keys given twice are errors. */
int conf_parse(const char *text, const char *name, struct netjail_conf *conf,
	       char *why, size_t why_len);

/* true if an unprivileged user may use @ifname as an uplink. */
bool conf_allows_interface(const struct netjail_conf *conf, const char *ifname);

/* true if [firewall] insert_into names chain @chain of table @table of @family. */
bool conf_allows_insert(const struct netjail_conf *conf, uint8_t family, const char *table,
			const char *chain);

/* Read NETJAIL_CONF_DIR/NETJAIL_CONF_NAME into @conf (defaults if it does not exist).  The
 * file and its directory must be root's and not writable by group or others, the file a
 * regular file (not a symlink) of at most CONF_MAX_BYTES.  0, or -errno with @why. */
int conf_load(struct netjail_conf *conf, char *why, size_t why_len);

#endif
