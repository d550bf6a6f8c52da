/* join.c - netjail --join NAME COMMAND: run COMMAND in the caller's running jail NAME.
 *
 *   find the jail by (the target user, NAME) in the aliases (jailname.c) -> open a pidfd on
 *   its reaper -> check, now that the process is held, that it is the one recorded: the
 *   start time in the alias, the target's uid, a reaper's name, and the alias still naming
 *   it -> setns(pidfd, NET | MNT): the jail's network and its own view of files (resolv.conf,
 *   nsswitch.conf, hidden sockets) -> link to the jail's reaper (joinlink.c), which counts
 *   the joined program from then on, or refuses a jail that is ending -> fork the joined
 *   program's reaper and COMMAND, which drop every privilege as a jail's first program does
 *   (jail.c) -> supervise it as run() does: COMMAND's status is netjail's.
 * Only the jail's user (the uid its programs run as) finds it: names are per user, and a
 * user's --join looks only at their own.  Root may join anyone's with -u USER, as USER.
 * Nothing of the jail is the joiner's to choose (cli.c refuses -i, -d, -P, -p...).
 * The pid in the alias is never trusted alone: a reaper that ended frees it, and another
 * user's process in namespaces of its own making could take it; the pidfd pins the process,
 * so the checks made after opening it hold for the setns (which fails if it ended).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "conf.h"
#include "jail.h"
#include "jailname.h"
#include "jailprocs.h"
#include "join.h"
#include "joinlink.h"
#include "log.h"
#include "priv.h"
#include "procstat.h"
#include "reaper.h"
#include "rlimits.h"
#include "sigfd.h"
#include "util.h"

/* The process @pidfd holds (pid @jail->reaper) is @jail's reaper still: started when the
 * alias says, running as @owner, named a reaper, and the alias names it yet. */
static bool still_the_reaper(struct nl *nl, const struct pool_config *cfg, uid_t owner,
			     const char *name, const struct named_jail *jail)
{
	struct named_jail again;
	struct proc_stat ps;
	uid_t uid = (uid_t)-1;

	return proc_stat_read(jail->reaper, &ps) == 0 && ps.start == jail->start &&
	       proc_real_uid(jail->reaper, &uid) == 0 && uid == owner && reaper_is(jail->reaper) &&
	       jail_name_find(nl, cfg, owner, name, &again) == 0 && again.reaper == jail->reaper &&
	       again.start == jail->start;
}

/* Enter @name's namespaces: its reaper's pid, and its host veth in @veth; or dies with the
 * line to show. */
static pid_t enter_jail(const char *name, const struct target_user *target,
			const struct pool_config *cfg, char veth[IFNAMSIZ])
{
	struct named_jail jail;
	struct nl nl;
	int err, pidfd;

	err = nl_open(&nl, NETLINK_ROUTE);
	if (err)
		die("cannot open a netlink socket: %s", strerror(-err));
	err = jail_name_find(&nl, cfg, target->uid, name, &jail);
	if (err == -ENOENT)
		die("no jail named %s of %s is running (see netjail --list)", name,
		    target->uid == getuid() ? "yours" : target->name);
	if (err)
		die("cannot list the jails: %s", nl_reason(err));
	pidfd = pidfd_open(jail.reaper, 0);
	if (pidfd < 0 && errno == ESRCH)
		die("jail %s has ended (its record on %s is stale)", name, jail.veth);
	if (pidfd < 0)
		die("cannot reach jail %s: %s", name, strerror(errno));
	if (!still_the_reaper(&nl, cfg, target->uid, name, &jail))
		die("jail %s has ended (its record on %s is stale)", name, jail.veth);
	nl_close(&nl);
	/* Linux >= 5.8 enters namespaces by pidfd; they are the reaper's, checked above. */
	err = priv_enter_jail(pidfd, CLONE_NEWNET | CLONE_NEWNS);
	if (err == -ESRCH)
		die("jail %s has ended", name);
	if (err)
		die("cannot enter jail %s: %s%s", name, strerror(-err),
		    err == -EINVAL ? " (needs Linux 5.8 or later)" :
		    err == -EPERM ? " (needs CAP_SYS_CHROOT and CAP_SYS_PTRACE: install netjail "
				    "setuid root, or again with make install-caps)" : "");
	close(pidfd);
	log_verbose("entered jail %s (%s, reaper %d)", name, jail.veth, (int)jail.reaper);
	memcpy(veth, jail.veth, IFNAMSIZ);
	return jail.reaper;
}



static void load_pool(struct netjail_conf *conf)
{
	char why[256];

	if (conf_load(conf, why, sizeof(why)))
		die("%s", why);
}

static void resolve_target(const char *user, struct target_user *target)
{
	char shown[72];
	int err = priv_resolve_target(user, target);

	if (err == -EPERM)
		die("only root may use -u");
	if (err == -ENOENT)
		die("no such user '%s'", printable(user ? user : getenv("SUDO_UID"), shown,
						   sizeof(shown)));
	if (err)
		die("cannot resolve the user to run as: %s", strerror(-err));
}

bool join_target_runs(const struct cli_options *opts)
{
	struct netjail_conf conf;
	struct target_user target;
	struct named_jail jail;
	struct nl nl;
	int err;

	if (!opts->name)
		die("--join-or-start needs a name: --name NAME, or name = NAME in the profile");
	load_pool(&conf);
	resolve_target(opts->user, &target);
	err = nl_open(&nl, NETLINK_ROUTE);
	if (err)
		die("cannot open a netlink socket: %s", strerror(-err));
	err = jail_name_find(&nl, &conf.pool, target.uid, opts->name, &jail);
	nl_close(&nl);
	if (err == -ENOENT)
		return false;
	if (err)
		die("cannot list the jails: %s", nl_reason(err));
	if (opts->uplink && strcmp(opts->uplink, jail.uplink) != 0)
		die("jail %s runs on %s, not %s: not joining it", opts->name, jail.uplink, opts->uplink);
	return true;
}

int join_print_names(void)
{
	struct netjail_conf conf;
	struct target_user caller;
	struct nl nl;
	int err;

	load_pool(&conf);
	resolve_target(NULL, &caller);
	err = priv_drop(&caller);
	if (err)
		die("cannot drop privileges: %s", strerror(-err));
	err = nl_open(&nl, NETLINK_ROUTE);
	if (!err)
		err = jail_name_print_all(&nl, &conf.pool, getuid());
	if (err)
		die("cannot list the jails: %s", nl_reason(err));
	nl_close(&nl);
	return 0;
}

int join_run(const struct cli_options *opts, const char *name)
{
	struct netjail_conf conf;
	struct jail_child child = { .sock = -1, .netns = -1 };
	struct target_user target;
	char cwd[PATH_MAX], shown[72], veth[IFNAMSIZ], reaper_name[32];
	const char *why;
	pid_t reaper;
	int err, link, signal_fd, status;
	bool background;

	if (priv_require_setup(&why) || rlimits_check(&why))
		die("%s", why);
	load_pool(&conf);
	resolve_target(opts->user, &target);
	/* Entering the jail's mount namespace takes us to its root: COMMAND goes back here. */
	if (!getcwd(cwd, sizeof(cwd)))
		die("cannot tell the current directory: %s", strerror(errno));
	reaper = enter_jail(name, &target, &conf.pool, veth);
	link = join_connect(reaper);
	if (link == -ECONNREFUSED)
		die("jail %s is ending: it takes no more programs", name);
	if (link < 0)
		die("cannot join jail %s: %s", name, strerror(-link));
	signal_fd = supervisor_signals_open();
	if (signal_fd < 0)
		die("cannot read signals from a signalfd: %s", strerror(-signal_fd));
	snprintf(reaper_name, sizeof(reaper_name), JOINED_COMM_PREFIX "%s", veth);
	err = jail_child_start_joined(&child, &(struct jail_child_plan){
		.target = &target, .command = opts->command, .cwd = cwd, .reaper_name = reaper_name,
	}, link);
	if (err)
		die("cannot start the command in jail %s: %s", name, strerror(-err));
	close(link);	/* the joined program's reaper holds it */
	/* Nothing here needs a privilege any more: the joined program's reaper is the
	 * target's, whom we signal (root keeps being root). */
	err = priv_drop(&target);
	if (err) {
		kill(child.pid, SIGKILL);
		die("cannot drop privileges: %s", strerror(-err));
	}
	log_verbose("running %s in jail %s", printable(opts->command[0], shown, sizeof(shown)),
		    name);
	/* Its programs left in the background: its reaper keeps them, and the link. */
	status = jail_supervise(&child, signal_fd, NULL, &background);
	close(signal_fd);
	return status;
}
