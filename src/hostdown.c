/* hostdown.c - tearing a jail's host side down, and giving an uplink back.
 *
 * Order matters: the jail is cut off first (its link down), then its accept rules in the
 * host's firewall (fwaccept.c), its routing rules and routes go,
 * then the uplink's settings are put back if it was the last jail there (and the global
 * IPv6 switch, then its guard, if it was the last to use it: ipv6global.c), and only then
 * the uplink's guard, with the jail's nftables table, in one batch.  What the kernel
 * still does after that (freeing the deleted nftables objects a grace period later,
 * removing the veth pair with the jail's namespace) is left to it, and to a child that
 * holds nothing but the nftables socket and the retired link's marker (finish_detached):
 * netjail does not wait for it.  What outlives a netjail killed half-way (by its user,
 * who may) is found again by the next cleanup: a slot's file, an uplink's record, a
 * retired link's marker, the "shared" flag, each made before what it stands for and
 * dropped after it is gone (state.h).
 */
#include <errno.h>
#include <linux/membarrier.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "addr.h"
#include "gate.h"
#include "guard.h"
#include "hostnat.h"
#include "hostnet.h"
#include "ipv6conf.h"
#include "ipv6global.h"
#include "log.h"
#include "route.h"
#include "ruleplace.h"
#include "seal.h"

/* Put back the settings recorded for @uplink if no live jail uses it any more.  1 if it did
 * (then its guard, and after that its record, are to go), 0 if a jail still uses it or
 * nothing was recorded, or -errno. */
static int uplink_restore_if_unused(struct nl *nl, struct state *st, const char *uplink,
				    int own_fd)
{
	struct uplink_record record;
	struct link_info link;
	bool restored6 = false;
	int err = state_uplink_in_use(st, uplink, own_fd);

	if (err)
		return err < 0 ? err : 0;
	err = state_recall_uplink(st, uplink, &record);
	if (err)
		return err == -ENOENT ? 0 : err;
	/* A vanished uplink took its settings with it; only the record is left to drop.  (An
	 * interface that has its name only as an alternative name is another one.) */
	if (link_find(nl, uplink, &link) == 0 && strcmp(link.name, uplink) == 0) {
		uint32_t force_forwarding6;

		err = link_set_inet_conf(nl, link.index, IPV4_DEVCONF_FORWARDING, record.forwarding);
		if (!err)
			err = link_set_inet_conf(nl, link.index, IPV4_DEVCONF_SRC_VMARK,
						 record.src_valid_mark);
		/* Unknown (it could not be read): no jail changed it, nothing to put back. */
		if (!err && record.force_forwarding6 != UPLINK_UNKNOWN &&
		    ipv6_conf_get(uplink, FORCE_FORWARDING, &force_forwarding6) == 0 &&
		    force_forwarding6 != record.force_forwarding6) {
			err = ipv6_conf_set(uplink, FORCE_FORWARDING, record.force_forwarding6);
			restored6 = !err;
		}
		if (err)
			return err;
	}
	/* force_forwarding named only where it was put back: not on a kernel without it. */
	log_verbose("restored forwarding=%u src_valid_mark=%u%s on %s", record.forwarding,
		    record.src_valid_mark, !restored6 ? "" : record.force_forwarding6 ?
		    " force_forwarding(IPv6)=1" : " force_forwarding(IPv6)=0", uplink);
	return 1;
}

int uplink_release_if_unused(struct nl *nl, struct nl *nft, struct state *st, const char *uplink)
{
	int err = uplink_restore_if_unused(nl, st, uplink, -1);

	if (err <= 0)
		return err;
	/* Only now that forwarding is back as it was. */
	err = unguard_uplink(nft, uplink);
	if (err)
		return err;
	state_forget_uplink(st, uplink);
	return 0;
}

/* Take the host end of the veth down and out of the way.  Down, not deleted: deleting a
 * link waits for an RCU barrier (~20 ms), while the kernel removes the pair anyway, in the
 * background, with the jail's namespace.  A down link takes no packet from the jail, and
 * the kernel drops its routes at once.  Renamed, without its alias or address: the name,
 * the /30 and the slot are free for the next jail at once, and --list and --cleanup do
 * not take it for a jail.  If processes outlive COMMAND in the jail, its namespace stays;
 * finish_detached() deletes the link then.  Returns the index of the link left for
 * finish_detached(), with its marker's held lock in @mark_fd (state_mark_retired), 0
 * (gone, or deleted here because it could not be renamed or marked), or -errno if it is
 * still there as the jail's. */
static int retire_link(struct jail_host *jh, struct nl *nl, struct state *st, int *mark_fd)
{
	char name[IFNAMSIZ + 16];
	int err = link_set_down(nl, jh->host_index);

	*mark_fd = -1;
	if (err == -ENODEV)
		return 0;
	snprintf(name, sizeof(name), RETIRED_PREFIX "%d", jh->host_index);
	/* Its address too: the next jail looks for a /30 no address of the host is in.  (A down
	 * link keeps its IPv4 addresses; the kernel removes the IPv6 ones.) */
	if (!err)
		err = addr_delete(nl, jh->host_index, jh->net.host_addr, JAIL_PREFIX);
	/* Marked first: once renamed, only the marker says it is ours to delete, should its
	 * deleter (this netjail, then finish_detached's child; the user can kill both) die. */
	if ((!err || err == -EADDRNOTAVAIL) && strlen(name) < IFNAMSIZ &&
	    (*mark_fd = state_mark_retired(st, jh->host_index)) >= 0) {
		if (link_retire(nl, jh->host_index, name) == 0)
			return jh->host_index;
		close(*mark_fd);
		*mark_fd = -1;
		err = link_delete(nl, jh->host_index);
		if (!err || err == -ENODEV)
			state_unmark_retired(st, jh->host_index);
	} else {
		err = link_delete(nl, jh->host_index);
	}
	if (err && err != -ENODEV) {
		log_error("cannot remove %s: %s", jh->net.host_veth, strerror(-err));
		return err;
	}
	return 0;
}

/* Close every descriptor but those in @keep (-1: none). */
static void close_all_but(const int *keep, size_t count)
{
	int high = -1;

	for (size_t i = 0; i < count; i++)
		high = keep[i] > high ? keep[i] : high;
	for (int fd = 0; fd < high; fd++) {
		bool kept = false;

		for (size_t i = 0; i < count; i++)
			kept |= keep[i] == fd;
		if (!kept)
			close(fd);
	}
	close_range((unsigned)(high + 1), ~0u, 0);
}

/* What is left once the jail is cut off and its table and rules are gone is the kernel's
 * to finish, and waiting for it would double netjail's run time: the last close of a
 * NETLINK_NETFILTER socket waits, holding nftables' commit mutex, until the objects its
 * batches deleted are freed an RCU grace period later (nft_rcv_nl_event flushes the
 * destroy work), and deleting a link waits for an RCU barrier.  A child holding nothing
 * but the nftables socket (and the state directory and the lock of the retired link's
 * marker, @mark_fd, to drop it) does it instead: it waits out a grace period holding no lock
 * (membarrier), so its close finds nothing left to wait for and does not stall the next
 * jail's interface (nf_tables_netdev_event takes the same mutex); then, if processes that
 * outlived COMMAND keep the jail's namespace alive, it deletes the retired link
 * @retired.  Killed before that (it runs as the user), it leaves the marker unlocked, for
 * cleanup_dead_jails.  Only for a socket that owns no table any more: an owner's close
 * removes its table, and that must happen before netjail exits. */
static void finish_detached(struct nl *nft, struct state *st, int retired, int mark_fd)
{
	int keep[] = { nft->sock ? mnl_socket_get_fd(nft->sock) : -1, st->dir_fd, mark_fd };
	pid_t pid = fork();

	if (pid == 0) {
		char name[IFNAMSIZ + 16];
		struct link_info link;
		struct nl nl;
		int gone = -1;

		close_all_but(keep, sizeof(keep) / sizeof(keep[0]));
		syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
		nl_close(nft);
		snprintf(name, sizeof(name), RETIRED_PREFIX "%d", retired);
		if (retired && nl_open(&nl, NETLINK_ROUTE) == 0) {
			gone = link_find(&nl, name, &link);
			if (gone == 0 && link.index == retired)
				gone = link_delete(&nl, retired);
			nl_close(&nl);
		}
		/* Its marker goes with it; its lock goes with this process. */
		if (mark_fd >= 0 && (gone == 0 || gone == -ENODEV))
			state_unmark_retired(st, retired);
		_exit(0);
	}
	nl_close(nft);	/* without a child (fork failed), this close waits instead */
	if (pid < 0 && retired) {
		struct nl nl;

		if (nl_open(&nl, NETLINK_ROUTE) == 0) {
			int err = link_delete(&nl, retired);

			if (mark_fd >= 0 && (!err || err == -ENODEV))
				state_unmark_retired(st, retired);
			nl_close(&nl);
		}
	}
	if (mark_fd >= 0)
		close(mark_fd);	/* the child holds the marker's lock now */
}

/* Delete the jail's table (if @table), the guards in @guards (if any) and, if @hostnat,
 * the host's NAT shortcut and the seal (seal.c) in one batch. */
static int delete_nft(struct jail_host *jh, bool table, const struct guard_found *guards,
		      bool hostnat)
{
	char name[32];
	struct nft_batch b;
	int err;

	if (!table && (!guards || !guards->matches) && !hostnat)
		return 0;
	err = nftb_start(&b, &jh->nft);
	if (err)
		return err;
	snprintf(name, sizeof(name), "netjail%u", jh->net.slot);
	if (table)
		nftb_delete_table(&b, name);
	if (guards)
		guard_remove(&b, guards);
	if (hostnat) {
		hostnat_queue_removal(&b);
		seal_queue_removal(&b);
	}
	return nftb_commit(&b);
}

/* The jail's table, if @unguard the uplink's guard, and if @last the host's NAT shortcut,
 * in one commit: deleting nftables objects costs an RCU grace period when the socket
 * closes (nl_close_detached), and one commit pays it once for all. */
static int remove_nft(struct jail_host *jh, bool unguard, bool last)
{
	struct guard_found guards = { .matches = 0 };
	int err = unguard ? guard_find(&jh->nft, jh->uplink.name, &guards) : 0;

	if (!err)
		err = delete_nft(jh, jh->has_table, &guards, last);
	if (!err) {
		jh->has_table = false;
		return 0;
	}
	/* A batch fails whole (the shortcut may have been flushed away): one on its own each,
	 * so that none keeps the others. */
	err = jh->has_table ? delete_nft(jh, true, NULL, false) : 0;
	if (!err)
		jh->has_table = false;
	if (guards.matches) {
		int unguarded = delete_nft(jh, false, &guards, false);

		err = err ? err : unguarded;
	}
	if (last) {
		int gone = hostnat_remove(&jh->nft), unsealed = seal_remove(&jh->nft);

		err = err ? err : gone ? gone : unsealed;
	}
	return err;
}

void jail_host_teardown(struct jail_host *jh, struct nl *nl, struct state *st,
			const struct pool_config *cfg)
{
	struct rule_info rules[JAIL_RULES];
	int err, count, released, retired = 0, mark_fd = -1;
	bool clean = true;	/* nothing left: the slot's file can go */
	bool last, hostnat_gone = false;

	/* Cut the jail off first: while its link is up, a process left in it could still
	 * send, and without the nftables table that would leave the uplink un-NATed. */
	if (jh->host_index) {
		retired = retire_link(jh, nl, st, &mark_fd);
		clean = retired >= 0;
		if (retired < 0)
			retired = 0;
		jh->host_index = 0;
	}
	/* Its accept rules in the host's firewall: found by their comment where they went. */
	if (jh->fw_rules.count && jh->nft.sock) {
		err = fw_release(&jh->nft, jh->net.host_veth, &jh->fw_rules);
		if (err) {
			log_error("cannot remove the jail's rules from the host's firewall: %s",
				  nl_reason(err));
			clean = false;
		}
	}
	count = jail_host_rules(jh, cfg, rules);
	for (int i = 0; i < count; i++) {
		err = rule_delete(nl, &rules[i]);
		if (err && err != -ENOENT) {
			log_error("cannot remove routing rule for table %u: %s", rules[i].table,
				  strerror(-err));
			clean = false;
		}
	}
	err = route_flush_table(nl, jh->net.table);
	if (err) {
		log_error("cannot flush routing table %u: %s", jh->net.table, strerror(-err));
		clean = false;
	}
	released = uplink_restore_if_unused(nl, st, jh->uplink.name,
					    jh->joined_uplink ? jh->uplink_fd : -1);
	if (released < 0) {
		log_error("cannot restore the settings of %s: %s", jh->uplink.name,
			  strerror(-released));
		clean = false;
	}
	/* Then the global IPv6 switch, if this was its last user (ipv6global.c). */
	if (jh->ipv6_all) {
		err = ipv6_all_release_if_unused(&jh->nft, st, jh->joined_ipv6_all ?
						 jh->ipv6_all_fd : -1);
		if (err < 0) {
			log_error("cannot restore net.ipv6.conf.all.forwarding: %s", nl_reason(err));
			clean = false;
		} else if (err > 0) {
			log_verbose("restored the host's IPv6 forwarding and accept_ra values");
		}
	}
	if (jh->joined_ipv6_all)
		close(jh->ipv6_all_fd);
	jh->joined_ipv6_all = false;
	if (released > 0 && !jh->nft.sock) {
		err = nl_open(&jh->nft, NETLINK_NETFILTER);
		if (err) {
			log_error("cannot remove the guard of %s: %s", jh->uplink.name, strerror(-err));
			clean = false;
		}
	}
	/* The last jail takes the host's NAT shortcut with it (a jail that got as far as
	 * nftables wrote it).  A dead jail's slot keeps it, as it keeps the gate, until
	 * cleanup_dead_jails() removes both. */
	last = jh->nft.sock && !state_has_slots(st, jh->net.slot);
	err = jh->nft.sock ? remove_nft(jh, released > 0, last) : 0;
	hostnat_gone = last && !err;
	if (err) {
		log_error("cannot remove the nftables table, the guard of %s or the NAT shortcut: %s",
			  jh->uplink.name, nl_reason(err));
		clean = false;
	} else if (released > 0) {
		state_forget_uplink(st, jh->uplink.name);
	}
	/* Given back before finish_detached() forks: its child would hold what this process
	 * holds until it runs (the next jail on the uplink, finding the users' lock still
	 * taken, failed with EAGAIN). */
	if (jh->joined_uplink)
		close(jh->uplink_fd);
	jh->joined_uplink = false;
	if (jh->slot_fd >= 0) {
		if (clean)
			state_forget_slot(st, jh->net.slot);
		close(jh->slot_fd);
	}
	jh->slot_fd = -1;
	/* A table still there (its removal failed) goes when its owner socket closes: here,
	 * before netjail exits, and so does the link then. */
	if (jh->has_table) {
		nl_close(&jh->nft);
		if (retired) {
			err = link_delete(nl, retired);
			if (!err || err == -ENODEV)
				state_unmark_retired(st, retired);
		}
		if (mark_fd >= 0)
			close(mark_fd);
	} else if (jh->nft.sock || retired) {
		if (!jh->nft.sock)
			nl_open(&jh->nft, NETLINK_NETFILTER);	/* if not, the child has none */
		finish_detached(&jh->nft, st, retired, mark_fd);
	}
	/* The last jail out takes the gate with it (a dead one's slot keeps it for cleanup),
	 * and then the flag that says the shared objects may exist: until they are all gone,
	 * it makes cleanup_dead_jails look for them, should this netjail die meanwhile. */
	if (!state_has_slots(st, 0)) {
		/* Rules the kernel put in front of the gate while no supervisor moved them (one
		 * was stopped, say) would stay there without it: they go first (ruleplace.c). */
		ruleplace_others(nl, cfg, true);
		err = gate_remove(nl, cfg);
		if (err)
			log_error("cannot remove the jails' routing rules: %s", strerror(-err));
		else if (hostnat_gone)
			state_unmark(st, STATE_SHARED);
	}
}
