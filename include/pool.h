/* pool.h - where each jail's addresses, fwmark and routing table come from. */
#ifndef NETJAIL_POOL_H
#define NETJAIL_POOL_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

/* Tunables that must not collide with other tools' (wg-quick: mark/table 51820, Tailscale:
 * marks 0xff0000 and rules 5210-5270, Mullvad: 0x6d6f6c65).  Defaults in pool.c. */
struct pool_config {
	struct in_addr pool_base;	/* network of the jail-link pool */
	unsigned pool_prefix;		/* its length; each jail takes a /30 of it */
	uint32_t mark_mask;		/* the fwmark bits netjail owns; other bits are kept */
	uint32_t table_base;		/* jail in slot N routes through table table_base + N */
	uint32_t rule_priority;		/* before VPN catch-alls */
};

/* One jail's share of the pool: slot N >= 1. */
struct jail_net {
	unsigned slot;
	char host_veth[IFNAMSIZ];	/* "nj<N>" on the host */
	struct in_addr subnet;		/* the /30 */
	struct in_addr host_addr;	/* .1 of the /30, the jail's gateway */
	struct in_addr jail_addr;	/* .2 of the /30 */
	uint32_t mark;			/* inside mark_mask */
	uint32_t table;
	uint32_t jails_table;		/* table_base: every jail's way back in (gate.c) */
	/* IPv6, when the uplink has it: fd6e:6a00:0:N::/64, host ::1, jail ::2 (ULA, RFC 4193;
	 * the jail's /64 is its slot, so jails never overlap). */
	struct in6_addr subnet6, host_addr6, jail_addr6;
};

/* Every jail's host veth is named this and its slot: "nj<N>". */
#define JAIL_VETH_PREFIX "nj"

#define JAIL_PREFIX6 64

#define JAIL_PREFIX 30
/* Keeps table_base + slot inside 32 bits for any table_base netjail.conf accepts. */
#define POOL_MAX_SLOTS 65535u

extern const struct pool_config pool_defaults;

/* Number of usable slots: limited by the pool's size and by the mark bits. */
unsigned pool_slot_count(const struct pool_config *cfg);

/* Fill @net for slot @slot (1..pool_slot_count).  Returns 0 or -ERANGE. */
int pool_slot(const struct pool_config *cfg, unsigned slot, struct jail_net *net);

/* The whole pool: IPv4 (pool_base/pool_prefix) and IPv6 (fd6e:6a00::/48, every jail's /64). */
#define POOL_PREFIX6 48
struct in_addr pool_network(const struct pool_config *cfg);
void pool_network6(struct in6_addr *net);

/* The slot whose routing table is @table, or 0 if @table is not a jail's. */
unsigned pool_slot_of_table(const struct pool_config *cfg, uint32_t table);

/* The slot whose host veth is named @name ("nj<N>", exactly as pool_slot() spells it), or 0. */
unsigned pool_slot_of_veth(const struct pool_config *cfg, const char *name);

/* true if the prefixes a/alen and b/blen share any address. */
bool prefixes_overlap(struct in_addr a, unsigned alen, struct in_addr b, unsigned blen);

#endif
