/* cleanup.c - find and remove the remains of dead jails.
 *
 * Most of a jail dies with its netjail: the nftables table is owned by its socket, the
 * veth pair goes with the jail's namespace.  Rules and routes do not, nor do the uplink
 * settings, nor its accept rules in the host's firewall (found by their comment).  A slot
 * is dead when its lock can be taken: the kernel released it when the netjail holding it
 * died, so a running jail (whoever started it) is never touched.
 * A jail that ends cleanly drops its slot's file (state_forget_slot), so the slots to
 * look at are those whose file is there and whose lock is free: what is removed is then
 * looked up by that slot's name and table alone, never by reading every jail's links,
 * routes and rules.  The same for what outlives a jail's slot: a retired link whose
 * deleter died (its marker's lock is free), and the objects all jails share (while the
 * "shared" flag says they may exist and no slot is left).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cleanup.h"
#include "fwaccept.h"
#include "gate.h"
#include "hostnat.h"
#include "hostnet.h"
#include "ipv6global.h"
#include "link.h"
#include "log.h"
#include "route.h"
#include "rule.h"
#include "ruleplace.h"
#include "seal.h"

/* A dead jail's accept rules in the host's firewall (fwaccept.c), found by their comment. */
static void remove_firewall_rules(const char *host_veth)
{
	struct nl nft;
	int err = nl_open(&nft, NETLINK_NETFILTER);

	if (!err) {
		err = fw_remove_orphans(&nft, host_veth);
		nl_close(&nft);
	}
	if (err < 0)
		log_error("cannot remove %s's rules from the host's firewall: %s", host_veth,
			  nl_reason(err));
}

/* Remove what is left of dead slot @slot, and its file. */
static void remove_slot(const struct pool_config *cfg, struct nl *nl, struct state *st,
			unsigned slot)
{
	struct jail_net net;
	struct rule_info rule = { 0 };	/* priority 0: any */
	struct link_info link;
	char uplink[IFNAMSIZ];
	pid_t pid;
	int err;

	pool_slot(cfg, slot, &net);
	/* The link first, as in jail_host_teardown(): processes left in a dead jail must not
	 * send through its routes once they are half gone.  Only our veth: the right name,
	 * kind and alias (a user's "nj3" is left alone). */
	if (link_find(nl, net.host_veth, &link) == 0 && strcmp(link.kind, "veth") == 0 &&
	    jail_alias_parse(link.alias, &pid, uplink) == 0) {
		err = link_delete(nl, link.index);
		if (err && err != -ENODEV)
			log_error("cannot remove %s: %s", net.host_veth, strerror(-err));
	}
	remove_firewall_rules(net.host_veth);
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
	else
		state_forget_slot(st, slot);
	log_verbose("removed the remains of dead jail %s (table %u)", net.host_veth, net.table);
}

/* Delete retired link @index, whose deleter died (hostdown.c, finish_detached), if it is
 * still there as ours: a veth of that index named njgone<index>.  Then its marker. */
static void remove_retired(struct nl *nl, struct state *st, int index)
{
	char name[IFNAMSIZ + 16];
	struct link_info link;
	int err;

	snprintf(name, sizeof(name), RETIRED_PREFIX "%d", index);
	if (link_find(nl, name, &link) == 0 && link.index == index &&
	    strcmp(link.kind, "veth") == 0) {
		err = link_delete(nl, index);
		if (err && err != -ENODEV) {
			log_error("cannot remove %s: %s", name, strerror(-err));
			return;
		}
		log_verbose("removed %s, a dead jail's retired link", name);
	}
	state_unmark_retired(st, index);
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
	unsigned slots = pool_slot_count(cfg);
	struct release release = { .nl = nl, .st = st };
	struct state_retired retired = { .count = 0 };
	int *dead = calloc(slots + 1, sizeof(*dead));
	int err, cleaned = 0;

	err = dead ? state_claim_dead_slots(st, slots, dead, &retired) : -ENOMEM;
	for (unsigned slot = 1; dead && slot <= slots; slot++) {
		if (dead[slot] < 0)
			continue;
		if (!err) {
			remove_slot(cfg, nl, st, slot);
			cleaned++;
		}
		close(dead[slot]);
	}
	for (unsigned i = 0; i < retired.count; i++) {
		if (retired.fd[i] < 0)
			continue;
		remove_retired(nl, st, retired.index[i]);
		close(retired.fd[i]);
	}
	if (!err)
		err = state_for_each_uplink(st, release_uplink, &release);
	/* The global IPv6 switch a dead jail left on (ipv6global.c). */
	if (!err) {
		int restored = ipv6_all_release_if_unused(&release.nft, st, -1);

		if (restored < 0)
			log_error("cannot restore net.ipv6.conf.all.forwarding: %s", nl_reason(restored));
		else if (restored)
			log_verbose("restored the host's IPv6 forwarding and accept_ra values");
	}
	/* The dead were the last, or the last jail died between its last slot going and
	 * the shared objects (the "shared" flag, made before them, outlives them): their
	 * gate and the host's NAT shortcut go too (jail_host_teardown does it for the
	 * living). */
	if (!err && (cleaned || state_marked(st, STATE_SHARED)) && !state_has_slots(st, 0)) {
		ruleplace_others(nl, cfg, true);	/* as jail_host_teardown does */
		err = gate_remove(nl, cfg);
		if (!err)
			err = release.nft.sock ? 0 : nl_open(&release.nft, NETLINK_NETFILTER);
		if (!err)
			err = hostnat_remove(&release.nft);
		if (!err)
			err = seal_remove(&release.nft);
		if (!err)
			state_unmark(st, STATE_SHARED);
	}
	nl_close(&release.nft);
	free(dead);
	return err ? err : cleaned;
}
