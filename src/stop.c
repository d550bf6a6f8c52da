/* stop.c - netjail --stop JAIL: end every program of one jail.
 *
 * A jail lives as long as any of its programs (reaper.c), so its user needs a way to end
 * all of them: --stop sends SIGTERM to the jail's reaper, which passes it to every process
 * of the jail and SIGKILLs what is left REAPER_STOP_GRACE_MS later; --stop waits for the
 * reaper's end, after which its supervisor tears the jail down as ever.
 * It runs with the caller's own rights (main.c drops every privilege first), so the
 * kernel's rule for kill(2) says who may stop a jail: the user its programs run as, and
 * root.  The reaper is named by the jail's alias (only a holder of CAP_NET_ADMIN writes
 * one) and signalled through a pidfd, opened and then checked to be the alias's still and
 * a reaper's (its comm): a pid the reaper freed and another process took meanwhile is
 * never signalled (root may signal anyone; a user's process named like a reaper is that
 * user's own).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "hostnet.h"
#include "jailname.h"
#include "link.h"
#include "reaper.h"
#include "stop.h"
#include "util.h"

/* How long --stop waits for the reaper beyond its grace period: it SIGKILLs then. */
#define STOP_WAIT_MS (REAPER_STOP_GRACE_MS + 5000)

struct wanted {
	const struct pool_config *cfg;
	const char *name;	/* or: */
	pid_t pid;		/* > 0: the jail of this netjail */
	char found[IFNAMSIZ];
	pid_t reaper;
	unsigned matches;
};

static int match_jail(const struct link_info *link, void *data)
{
	struct wanted *w = data;
	char uplink[IFNAMSIZ];
	pid_t pid;

	if (!pool_slot_of_veth(w->cfg, link->name) || jail_alias_parse(link->alias, &pid, uplink))
		return 0;
	if (w->pid ? pid != w->pid : strcmp(link->name, w->name) != 0)
		return 0;
	snprintf(w->found, sizeof(w->found), "%s", link->name);
	w->reaper = jail_alias_reaper(link->alias);
	w->matches++;
	return 0;
}

static int find_jail(struct nl *nl, struct wanted *w)
{
	int err, tries = 0;

	do {
		w->matches = 0;
		w->reaper = 0;
		err = link_for_each(nl, match_jail, w);
	} while (err == -EINTR && ++tries < NL_DUMP_TRIES);
	return err ? err : w->matches == 1 ? 0 : -ENOENT;
}

int stop_jail(struct nl *nl, const struct pool_config *cfg, const char *jail, char *why,
	      size_t why_len)
{
	struct wanted w = { .cfg = cfg, .name = jail };
	struct named_jail named;
	struct pollfd exited = { .fd = -1, .events = POLLIN };
	char shown[72];
	uint32_t number;
	pid_t reaper;
	int err;

	if (parse_u32(jail, 1, 0x7fffffff, &number) == 0)
		w.pid = (pid_t)number;
	/* A name of the caller's own jails (--name), unless it is a veth's. */
	else if (!pool_slot_of_veth(cfg, jail) && jail_name_find(nl, cfg, getuid(), jail, &named) == 0)
		w.name = named.veth;
	err = find_jail(nl, &w);
	if (err) {
		snprintf(why, why_len, err == -ENOENT ? "no jail '%s' is running (see netjail --list)" :
			 "cannot list the jails: %s", err == -ENOENT ? printable(jail, shown, sizeof(shown)) :
			 strerror(-err));
		return err;
	}
	reaper = w.reaper;
	if (!reaper) {
		snprintf(why, why_len, "jail %s was started by an older netjail: end its command "
			 "instead", w.found);
		return -EOPNOTSUPP;
	}
	exited.fd = pidfd_open(reaper, 0);
	if (exited.fd < 0 && errno == ESRCH)
		return 0;	/* it ended meanwhile */
	if (exited.fd < 0) {
		err = -errno;
		snprintf(why, why_len, "cannot reach jail %s: %s", w.found, strerror(-err));
		return err;
	}
	/* Still that jail's reaper, now that its pid is held. */
	if (find_jail(nl, &w) || w.reaper != reaper || !reaper_is(reaper)) {
		close(exited.fd);
		return 0;
	}
	if (pidfd_send_signal(exited.fd, SIGTERM, NULL, 0)) {
		err = -errno;
		close(exited.fd);
		if (err == -ESRCH)
			return 0;
		snprintf(why, why_len, err == -EPERM ? "jail %s is not yours to stop" :
			 "cannot stop jail %s: %s", w.found, strerror(-err));
		return err;
	}
	err = poll(&exited, 1, STOP_WAIT_MS);
	close(exited.fd);
	if (err <= 0) {
		snprintf(why, why_len, "jail %s still runs %d s after it was told to stop", w.found,
			 STOP_WAIT_MS / 1000);
		return -ETIMEDOUT;
	}
	return 0;
}
