/* lastout.c - the exit of a netjail that cannot get the state lock in time.
 *
 * Teardown needs the state lock (statelock.c): without it, it would race another netjail's
 * changes to what jails share.  A netjail whose exit gives up waiting (a holder stopped by
 * its user, or hundreds of jails ending at once, each holding the lock for a while) cuts
 * its jail off and leaves the rest for later, as a netjail killed there would.  "Later"
 * must come even if no netjail ever starts again: if this was the last jail on its uplink,
 * the uplink's recorded settings (forwarding, src_valid_mark, IPv6 force_forwarding), its
 * guard, the gate, the host's NAT shortcut and the seal are to be put back or removed, and
 * a host left forwarding routes traffic that is not the jail's.  And the netjail that held
 * the lock meanwhile, and found this one still using the uplink, has left it to us.
 *
 * So the exit gives up its slot and its share of the uplink (the slot is then a dead
 * jail's, for cleanup_dead_jails) and leaves a child that holds nothing else: it waits for
 * the lock without limit, blocking no one, and then removes the dead jails, restoring
 * each uplink that no live jail uses, as the next netjail's start would.  Every share of an
 * uplink is thus given back either under the lock by a netjail that then looks whether it
 * was the last, or before such a child takes the lock and looks: whatever the interleaving,
 * the last one out restores.  The child ignores the signals a terminal or its process group
 * sends; its user may still kill it (SIGKILL), as they may kill netjail: then the next
 * netjail, or --cleanup, does it.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "lastout.h"
#include "log.h"

/* The child: everything but stderr and the state's two descriptors closed. */
_Noreturn static void finish_later(struct state *st, const struct pool_config *cfg)
{
	int keep[] = { STDERR_FILENO, st->dir_fd, st->lock_fd }, high = 0;
	sigset_t all;
	struct nl nl;
	int err;

	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		high = keep[i] > high ? keep[i] : high;
	for (int fd = 0; fd < high; fd++)
		if (fd != keep[0] && fd != keep[1] && fd != keep[2])
			close(fd);
	close_range((unsigned)high + 1, ~0u, 0);
	/* Ctrl-C, a hang-up or a signal to the jails' process group ended the jail, not this. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	setsid();
	err = state_lock_wait(st);
	if (!err)
		err = nl_open(&nl, NETLINK_ROUTE);
	if (!err) {
		err = cleanup_dead_jails(&nl, st, cfg);
		nl_close(&nl);
	}
	if (err < 0)
		log_error("cannot clean up after jails whose exit could not lock %s: %s",
			  STATE_ROOT, nl_reason(err));
	_exit(0);
}

void jail_host_leave_later(struct jail_host *jh, struct nl *nl, struct state *st,
			   const struct pool_config *cfg, const char *why)
{
	pid_t pid;

	/* Cut off first: its processes must not send while its rules go half-way. */
	if (jh->host_index)
		link_set_down(nl, jh->host_index);
	/* Given up before the fork: the child must hold neither (its slot is now a dead
	 * jail's, and the uplink's last user is whoever holds a share when it looks). */
	if (jh->joined_uplink)
		close(jh->uplink_fd);
	jh->joined_uplink = false;
	if (jh->slot_fd >= 0)
		close(jh->slot_fd);
	jh->slot_fd = -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		finish_later(st, cfg);
	if (pid > 0)
		log_error("%s; jail %s cut off, removed once the lock is free", why,
			  jh->net.host_veth);
	else
		log_error("%s; jail %s left for the next netjail or --cleanup to remove", why,
			  jh->net.host_veth);
}
