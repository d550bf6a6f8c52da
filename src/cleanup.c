/* cleanup.c - find and remove the remains of dead jails.
 *
 * Most of a jail dies with its netjail: the nftables table is owned by its socket, the
 * veth pair goes with the jail's namespace.  Rules and routes do not, nor do the uplink
 * settings.  A slot is dead when its lock can be taken: the kernel released it when the
 * netjail holding it died, so a running jail (whoever started it) is never touched.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cleanup.h"
#include "hostnet.h"
#include "link.h"
#include "log.h"
#include "route.h"
#include "rule.h"

struct remains {
	const struct pool_config *cfg;
	unsigned slots;
	unsigned char *seen;	/* by slot: something of it exists */
	int *link_index;	/* by slot: its veth, if still there */
};

static int note_rule(const struct rule_info *rule, void *data)
{
	struct remains *r = data;
	unsigned slot = pool_slot_of_table(r->cfg, rule->table);

	/* Any priority: a running jail moves its rules ahead of rules added after it. */
	if (slot)
		r->seen[slot] = 1;
	return 0;
}

static int note_route(const struct route_info *route, void *data)
{
	struct remains *r = data;
	unsigned slot = pool_slot_of_table(r->cfg, route->table);

	if (slot)
		r->seen[slot] = 1;
	return 0;
}

static int note_link(const struct link_info *link, void *data)
{
	struct remains *r = data;
	unsigned slot = pool_slot_of_veth(r->cfg, link->name);
	char uplink[IFNAMSIZ];
	pid_t pid;

	/* Only our veths: the right name, kind and alias (a user's "nj3" is left alone).  A
	 * torn-down jail's link is no longer one of them (retire_link renamed it). */
	if (!slot || strcmp(link->kind, "veth") != 0 || jail_alias_parse(link->alias, &pid, uplink))
		return 0;
	r->seen[slot] = 1;
	r->link_index[slot] = link->index;
	return 0;
}

static void remove_slot(struct remains *r, struct nl *nl, unsigned slot)
{
	struct jail_net net;
	struct rule_info rule = { 0 };	/* priority 0: any */
	int err;

	pool_slot(r->cfg, slot, &net);
	/* The link first, as in jail_host_teardown(): processes left in a dead jail must not
	 * send through its routes once they are half gone. */
	if (r->link_index[slot]) {
		err = link_delete(nl, r->link_index[slot]);
		if (err && err != -ENODEV)
			log_error("cannot remove %s: %s", net.host_veth, strerror(-err));
	}
	rule.table = net.table;
	/* Rules are matched by table alone here: whatever priority or selector they had. */
	while (rule_delete(nl, &rule) == 0)
		;
	rule.family = AF_INET6;
	while (rule_delete(nl, &rule) == 0)
		;
	err = route_flush_table(nl, net.table);
	if (err)
		log_error("cannot flush routing table %u: %s", net.table, strerror(-err));
	log_verbose("removed the remains of dead jail %s (table %u)", net.host_veth, net.table);
}

struct release {
	struct nl *nl;
	struct nl nft;		/* opened when first needed */
	struct state *st;
};

static int release_uplink(const char *uplink, void *data)
{
	struct release *release = data;
	int err = release->nft.sock ? 0 : nl_open(&release->nft, NETLINK_NETFILTER);

	if (!err)
		err = uplink_release_if_unused(release->nl, &release->nft, release->st, uplink);

	if (err)
		log_error("cannot restore the settings of %s: %s", uplink, strerror(-err));
	return 0;
}

int cleanup_dead_jails(struct nl *nl, struct state *st, const struct pool_config *cfg)
{
	struct remains r = { .cfg = cfg, .slots = pool_slot_count(cfg) };
	struct release release = { .nl = nl, .st = st };
	int err, cleaned = 0;

	r.seen = calloc(r.slots + 1, 1);
	r.link_index = calloc(r.slots + 1, sizeof(int));
	err = r.seen && r.link_index ? 0 : -ENOMEM;
	if (!err)
		err = rule_for_each(nl, note_rule, &r);
	if (!err)
		err = route_for_each(nl, note_route, &r);
	if (!err)
		err = link_for_each(nl, note_link, &r);
	for (unsigned slot = 1; !err && slot <= r.slots; slot++) {
		int fd;

		if (!r.seen[slot])
			continue;
		fd = state_claim_slot(st, slot);
		if (fd == -EBUSY)
			continue;	/* alive */
		if (fd < 0) {
			err = fd;
			break;
		}
		remove_slot(&r, nl, slot);
		close(fd);
		cleaned++;
	}
	if (!err)
		err = state_for_each_uplink(st, release_uplink, &release);
	nl_close(&release.nft);
	free(r.seen);
	free(r.link_index);
	return err ? err : cleaned;
}
