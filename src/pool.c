/* pool.c - pure arithmetic from a slot number to a jail's network identity.
 *
 * A slot is claimed elsewhere (state.c, by a lock file; link.c, by the veth name); here we
 * only derive what the slot means, so that every process agrees without talking.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pool.h"
#include "util.h"

const struct pool_config pool_defaults = {
	.pool_base = { .s_addr = 0 },	/* 0: 10.231.0.0, see pool_base_host_order() */
	.pool_prefix = 16,
	.mark_mask = 0xff000000u,
	.table_base = 0x6e6a0000u,	/* "nj": far from 51820, 52, 0x6d6f6c65 */
	.rule_priority = 100,
};

static uint32_t prefix_mask(unsigned len)
{
	return len == 0 ? 0 : 0xffffffffu << (32 - len);
}

static uint32_t pool_base_host_order(const struct pool_config *cfg)
{
	/* 10.231.0.0/16 unless configured: rarely used by home routers, VPNs or Docker. */
	if (cfg->pool_base.s_addr == 0)
		return 0x0ae70000u;
	return ntohl(cfg->pool_base.s_addr);
}

unsigned pool_slot_count(const struct pool_config *cfg)
{
	uint32_t mark_values, subnets;

	if (!cfg->mark_mask || cfg->pool_prefix > JAIL_PREFIX)
		return 0;
	mark_values = cfg->mark_mask >> __builtin_ctz(cfg->mark_mask);
	/* Slot 0 would be the pool's network address and mark value 0: unused. */
	subnets = (1u << (JAIL_PREFIX - cfg->pool_prefix)) - 1;
	if (subnets > POOL_MAX_SLOTS)
		subnets = POOL_MAX_SLOTS;
	return mark_values < subnets ? mark_values : subnets;
}

int pool_slot(const struct pool_config *cfg, unsigned slot, struct jail_net *net)
{
	uint32_t subnet;

	if (slot == 0 || slot > pool_slot_count(cfg))
		return -ERANGE;
	subnet = (pool_base_host_order(cfg) & prefix_mask(cfg->pool_prefix)) + (slot << 2);
	net->slot = slot;
	snprintf(net->host_veth, sizeof(net->host_veth), JAIL_VETH_PREFIX "%u", slot);
	net->subnet.s_addr = htonl(subnet);
	net->host_addr.s_addr = htonl(subnet + 1);
	net->jail_addr.s_addr = htonl(subnet + 2);
	net->mark = (uint32_t)slot << __builtin_ctz(cfg->mark_mask);
	net->table = cfg->table_base + slot;
	net->jails_table = cfg->table_base;
	pool_network6(&net->subnet6);
	net->subnet6.s6_addr[6] = (uint8_t)(slot >> 8);
	net->subnet6.s6_addr[7] = (uint8_t)slot;
	net->host_addr6 = net->jail_addr6 = net->subnet6;
	net->host_addr6.s6_addr[15] = 1;
	net->jail_addr6.s6_addr[15] = 2;
	return 0;
}

struct in_addr pool_network(const struct pool_config *cfg)
{
	return (struct in_addr){ htonl(pool_base_host_order(cfg) & prefix_mask(cfg->pool_prefix)) };
}

void pool_network6(struct in6_addr *net)
{
	memset(net, 0, sizeof(*net));
	net->s6_addr[0] = 0xfd;
	net->s6_addr[1] = 0x6e;
	net->s6_addr[2] = 0x6a;
}

unsigned pool_slot_of_table(const struct pool_config *cfg, uint32_t table)
{
	unsigned slots = pool_slot_count(cfg);

	if (table <= cfg->table_base || table - cfg->table_base > slots)
		return 0;
	return table - cfg->table_base;
}

unsigned pool_slot_of_veth(const struct pool_config *cfg, const char *name)
{
	struct jail_net net;
	uint32_t slot;

	if (strncmp(name, JAIL_VETH_PREFIX, strlen(JAIL_VETH_PREFIX)) != 0 ||
	    parse_u32(name + strlen(JAIL_VETH_PREFIX), 1, pool_slot_count(cfg), &slot))
		return 0;
	/* Only the canonical spelling: "nj07" or "nj0x7" are somebody else's. */
	pool_slot(cfg, slot, &net);
	return strcmp(net.host_veth, name) == 0 ? slot : 0;
}

bool prefixes_overlap(struct in_addr a, unsigned alen, struct in_addr b, unsigned blen)
{
	uint32_t mask = prefix_mask(alen < blen ? alen : blen);

	return (ntohl(a.s_addr) & mask) == (ntohl(b.s_addr) & mask);
}
