/* main.c - drive one run of netjail.
 *
 *   parse (no side effects) -> check the uplink, gateway, firewalld (read only) -> start the
 *   child in its namespaces and wait until they exist -> lock, clean up after dead jails,
 *   count the caller's live ones, claim a slot, open the host's firewall for it (fwaccept.c;
 *   or refuse) -> build the host side and plug the veth pair in -> unlock, let the child
 *   exec COMMAND -> supervise until the jail's last process ends (COMMAND's end, if others
 *   live on, returns its status at once: a copy of the supervisor keeps the jail,
 *   background.c) -> lock, tear down, exit with COMMAND's status.
 * The state lock is held only while the host is changed, so that concurrent starts and
 * exits take as long as their own work, not everyone's (statelock.c).
 * Every refusal before the host side exists is one line and exit 125 with nothing changed
 * (a child already started dies with us); after it exists, a failure tears it down first.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>
#include <unistd.h>

#include "addr.h"
#include "background.h"
#include "check.h"
#include "cleanup.h"
#include "cli.h"
#include "conf.h"
#include "desktop.h"
#include "desktopenv.h"
#include "dnsfind.h"
#include "fastpathmemo.h"
#include "fwfirewalld.h"
#include "hostnet.h"
#include "ipv6conf.h"
#include "jail.h"
#include "jailname.h"
#include "jailview.h"
#include "join.h"
#include "keeper.h"
#include "lastout.h"
#include "link.h"
#include "list.h"
#include "log.h"
#include "nl.h"
#include "pool.h"
#include "priv.h"
#include "profile.h"
#include "publish.h"
#include "resolvconf.h"
#include "running.h"
#include "rlimits.h"
#include "route.h"
#include "sigfd.h"
#include "state.h"
#include "stop.h"
#include "textfile.h"
#include "uplink.h"
#include "userlimit.h"
#include "util.h"

#ifndef NETJAIL_VERSION
#define NETJAIL_VERSION "0.1.0"
#endif

static void open_rtnl(struct nl *nl)
{
	int err = nl_open(nl, NETLINK_ROUTE);

	if (err)
		die("cannot open a netlink socket: %s", strerror(-err));
}

/* Lock the state, or say in one line why not and exit. */
static void lock_state(struct state *st)
{
	int err = state_lock(st);

	if (err == -ETIMEDOUT) {
		char why[256];

		state_lock_explain(st, why, sizeof(why));
		die("%s", why);
	}
	if (err)
		die("cannot lock %s: %s", STATE_ROOT, strerror(-err));
}

/* Open (@lock: and lock) the state of @nl's network namespace; false if it has none and is
 * not to get one (!@create). */
static bool open_state(struct state *st, struct nl *nl, bool create, bool lock)
{
	int err = state_open(st, nl, create);

	if (err == -ENOENT && !create)
		return false;
	if (err)
		die("cannot use the state directory %s: %s", STATE_ROOT, strerror(-err));
	if (lock)
		lock_state(st);
	return true;
}

static void load_conf(struct netjail_conf *conf)
{
	char why[256];

	if (conf_load(conf, why, sizeof(why)))
		die("%s", why);
}

/* Check the uplink and settle the next hop, changing nothing. */
static void choose_uplink(struct nl *nl, const struct cli_options *opts,
			  const struct netjail_conf *conf, struct jail_host *jh)
{
	char why[320], text[INET_ADDRSTRLEN];
	int err;

	if (uplink_choose(nl, opts, conf, jh, why, sizeof(why)))
		die("%s", why);
	inet_ntop(AF_INET, &jh->gateway, text, sizeof(text));
	log_verbose("uplink %s (index %d), %s %s", jh->uplink.name, jh->uplink.index,
		    jh->has_gateway ? "gateway" : "point-to-point", jh->has_gateway ? text : "");
	if (opts->no_ipv6)
		return;
	err = uplink_choose_ipv6(nl, conf, jh, why, sizeof(why));
	/* IPv6 the uplink has and the jail will not get is news; an IPv4-only uplink is not. */
	if (err == -EOPNOTSUPP)
		log_warning("%s", why);
	else if (err)
		log_verbose("%s", why);
	else
		log_verbose("IPv6 too, NATed by %s%s", jh->uplink.name,
			    jh->ipv6_all ? ", forwarded by net.ipv6.conf.all.forwarding" : "");
}

/* Hold each published port as the caller could bind it, for as long as the jail runs, on
 * one of the host's own addresses. */
static void reserve_published_ports(struct nl *nl, const struct cli_options *opts)
{
	char why[160];

	for (size_t i = 0; i < opts->publish_count; i++) {
		int fd = publish_reserve(nl, &opts->publish[i]);

		if (fd < 0) {
			publish_explain(&opts->publish[i], fd, why, sizeof(why));
			die("%s", why);
		}
	}
}

/* Single-instance programs hand a second launch to the running one: say so.  Only in a
 * desktop session, where such programs live; elsewhere the scan of /proc is not worth it. */
static void warn_if_running_outside(const struct cli_options *opts, const struct jail_host *jh,
				    const struct target_user *target)
{
	char shown[72];
	pid_t pid;

	if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY"))
		return;
	pid = running_outside_jail(opts->command[0], target->uid);
	if (pid)
		log_warning("%s is already running outside a jail (pid %d): if it takes over this "
			    "launch, the traffic will not leave by %s",
			    printable(opts->command[0], shown, sizeof(shown)), (int)pid, jh->uplink.name);
}

static int run(const struct cli_options *opts, struct env_changes *env)
{
	static struct jail_view view;
	const struct pool_config *cfg;
	struct netjail_conf conf;
	struct jail_host jh = { .slot_fd = -1 };
	struct jail_child child = { .sock = -1, .netns = -1 };
	struct jail_watch watch;
	struct keeper keeper;
	struct target_user target;
	struct jail_side side;
	const char *step = "", *why;
	char shown[72], reason[640];	/* fw_admit's line names two chains and two rules */
	struct state st;
	struct nl nl;
	int err, signal_fd, status;
	bool background;

	/* A limit too low is refused before anything changes, not met half-way (rlimits.c). */
	if (priv_require_setup(&why) || rlimits_check(&why))
		die("%s", why);
	load_conf(&conf);
	cfg = &conf.pool;
	err = priv_resolve_target(opts->user, &target);
	if (err == -EPERM)
		die("only root may use -u");
	if (err == -ENOENT)
		die("no such user '%s'", printable(opts->user ? opts->user : getenv("SUDO_UID"),
						   shown, sizeof(shown)));
	if (err)
		die("cannot resolve the user to run as: %s", strerror(-err));

	open_rtnl(&nl);
	choose_uplink(&nl, opts, &conf, &jh);
	if (firewalld_check(jh.uplink.name, reason, sizeof(reason)))
		die("%s", reason);
	if (jail_view_plan(&nl, opts, &jh, &target, env, &view, reason, sizeof(reason)))
		die("%s", reason);
	warn_if_running_outside(opts, &jh, &target);
	reserve_published_ports(&nl, opts);
	jh.publish = opts->publish;
	jh.publish_count = opts->publish_count;
	jh.allow_host = opts->allow_host;
	/* The jail's namespaces are made before the state lock is taken: they need no slot,
	 * and a fork and a new network namespace cost more than all the rest of a start
	 * (under 200 concurrent starts a fork stalled 1-2 s on the kernel's locks of shared
	 * mappings).  The lock serialises only the host's changes.  A refusal from here on
	 * ends the child with us (its parent-death signal).  The state directory is made
	 * first: the child's scratch tmpfs goes over it (jailfs.c). */
	open_state(&st, &nl, true, false);
	signal_fd = supervisor_signals_open();
	if (signal_fd < 0)
		die("cannot read signals from a signalfd: %s", strerror(-signal_fd));
	err = jail_child_start(&child, &(struct jail_child_plan){
		.target = &target, .command = opts->command, .env = env, .files = &view.files,
	});
	if (err)
		die("cannot start the jail: %s", strerror(-err));
	jh.reaper = child.pid;
	err = priv_narrow_to_supervisor(child.own_session);
	if (err) {
		jail_child_abort(&child);
		die("cannot give up the capabilities teardown does not need: %s", strerror(-err));
	}
	err = jail_child_wait_ready(&child);
	if (err) {
		jail_child_abort(&child);
		if (err == -ECHILD)	/* it died, and said why if it could */
			exit(EXIT_NETJAIL_FAILED);
		die("cannot hear from the jail's child: %s", strerror(-err));
	}
	lock_state(&st);
	err = cleanup_dead_jails(&nl, &st, cfg);
	if (err < 0)
		log_error("cannot clean up after dead jails: %s", nl_reason(err));
	if (user_limit_check(&st, &conf, getuid(), reason, sizeof(reason)))
		die("%s", reason);
	if (opts->name && jail_name_claim(&jh, &nl, cfg, opts->name, target.uid, reason, sizeof(reason)))
		die("%s", reason);
	err = jail_host_claim_slot(&jh, &nl, &st, cfg, getuid());
	if (err == -EUSERS) {
		jail_host_explain_no_slot(&nl, cfg, reason, sizeof(reason));
		die("%s", reason);
	}
	if (err == -ENOSPC || err == -EDQUOT)
		die("cannot %s: %s", STATE_WRITE_STEP, strerror(-err));
	if (err)
		die("cannot choose the jail's addresses: %s", nl_reason(err));
	log_verbose("jail %s: host %s, mark 0x%x, table %u", jh.net.host_veth,
		    inet_ntoa(jh.net.host_addr), jh.net.mark, jh.net.table);

	/* The host's firewall lets the jail through, or nothing starts. */
	if (jail_host_admit_firewall(&jh, &nl, &st, &conf, reason, sizeof(reason)))
		die("%s", reason);
	/* Listening before setup, so nothing another tool changes meanwhile goes unseen; our
	 * own changes are told apart by the port id of the socket that made them. */
	keeper_open(&keeper, &jh, &nl, &conf, opts->has_gateway, &watch);
	jh.no_fastpath = fastpath_skip_reason(&conf, &st);
	err = jail_host_prepare(&jh, &nl, &st, cfg, &step);
	if (!err)
		err = jail_host_setup(&jh, &nl, cfg, child.netns, &step);
	fastpath_remember_refusal(&st, jh.fastpath_refusal);
	if (err) {
		if (err != -ECHILD)
			log_error("cannot %s: %s", step, nl_reason(err));
		jail_child_abort(&child);
		jail_host_teardown(&jh, &nl, &st, cfg);
		state_unlock(&st);
		exit(EXIT_NETJAIL_FAILED);
	}
	state_unlock(&st);
	memset(&side, 0, sizeof(side));	/* padding too: it goes down a pipe */
	side.jail_addr = jh.net.jail_addr;
	side.host_addr = jh.net.host_addr;
	side.prefix = JAIL_PREFIX;
	side.has_ipv6 = jh.has_ipv6;
	side.jail_addr6 = jh.net.jail_addr6;
	side.host_addr6 = jh.net.host_addr6;
	side.disable_ipv6 = opts->no_ipv6;
	jail_child_go(&child, &side);
	log_verbose("running %s in jail %s", printable(opts->command[0], shown, sizeof(shown)),
		    jh.net.host_veth);

	status = jail_supervise(&child, signal_fd, &watch, &background);
	/* The shell gets COMMAND's status now; the jail is the copy's (background.c). */
	if (background && background_keep(&child, signal_fd, &watch, &jh, &nl)) {
		fflush(NULL);
		_exit(status);
	}
	keeper_close(&keeper);

	err = state_lock(&st);
	if (err) {
		/* Without the lock, teardown would race another netjail's changes to what jails
		 * share (the uplink's settings, the gate): a child finishes it (lastout.c). */
		if (err == -ETIMEDOUT)
			state_lock_explain(&st, reason, sizeof(reason));
		jail_host_leave_later(&jh, &nl, &st, cfg,
				      err == -ETIMEDOUT ? reason : strerror(-err));
	} else {
		jail_host_teardown(&jh, &nl, &st, cfg);
		/* Now, not at close: teardown's detached child holds the lock's file too,
		 * until it runs. */
		state_unlock(&st);
		log_verbose("jail %s removed", jh.net.host_veth);
	}
	state_close(&st);
	nl_close(&nl);
	close(signal_fd);
	return status;
}

static int cleanup(void)
{
	struct netjail_conf conf;
	struct state st;
	struct nl nl;
	int cleaned;

	load_conf(&conf);
	/* Cleaning up is netlink and the state files only: no namespaces, no SYS_ADMIN. */
	if (priv_narrow_to_supervisor(false))
		die("cannot give up the capabilities cleaning up does not need");
	open_rtnl(&nl);
	/* No state, no jail ever ran in this namespace: nothing to clean, and nothing to
	 * create (run in a jail, it would be a directory for the jail's namespace on the
	 * host's /run that nothing ever removes). */
	if (!open_state(&st, &nl, false, true)) {
		nl_close(&nl);
		log_verbose("no jail has run in this network namespace: nothing to clean up");
		return 0;
	}
	cleaned = cleanup_dead_jails(&nl, &st, &conf.pool);
	fastpath_forget_refusal(&st);
	state_close(&st);
	nl_close(&nl);
	if (cleaned < 0)
		die("cannot clean up: %s", nl_reason(cleaned));
	log_verbose("cleaned up after %d dead jail(s)", cleaned);
	return 0;
}

/* For what needs no privilege: become the caller for good before doing anything. */
static void drop_privileges_now(void)
{
	struct target_user caller;
	int err = priv_resolve_target(NULL, &caller);

	if (!err)
		err = priv_drop(&caller);
	if (err)
		die("cannot drop privileges: %s", strerror(-err));
}

static int list(bool json)
{
	struct netjail_conf conf;
	struct listing *listing;
	struct nl nl, nft;
	const char *why;
	int err;

	/* The pool settings (an admin may keep the file 0600) and, with CAP_NET_ADMIN, the
	 * counters; then no privilege at all to read /proc as the caller. */
	load_conf(&conf);
	open_rtnl(&nl);
	err = list_collect(&nl, &conf.pool, &listing);
	nl_close(&nl);
	if (err)
		die("cannot list jails: %s", nl_reason(err));
	if (priv_require_setup(&why) == 0 && nl_open(&nft, NETLINK_NETFILTER) == 0) {
		list_read_counters(&nft, listing);
		nl_close(&nft);
	}
	drop_privileges_now();
	list_print(listing, json);
	return 0;
}

/* --stop JAIL: as the caller, whose right to signal the jail's reaper the kernel checks. */
static int stop(const char *jail)
{
	struct netjail_conf conf;
	char why[160];
	struct nl nl;
	int err;

	load_conf(&conf);
	if (getuid() != 0)
		drop_privileges_now();
	open_rtnl(&nl);
	err = stop_jail(&nl, &conf.pool, jail, why, sizeof(why));
	nl_close(&nl);
	if (err)
		die("%s", why);
	return 0;
}

/* --check: everything run() would check before changing anything, then a verdict. */
static int check(const struct cli_options *opts)
{
	struct netjail_conf conf;
	const char *why = NULL;

	load_conf(&conf);
	priv_require_setup(&why);
	return check_report(opts, &conf, why);
}

/* -p: the profile fills in what the command line left unset; it needs no privilege and
 * is read as the caller. */
static void apply_profile(struct cli_options *opts, struct profile *profile,
			  struct env_changes *env)
{
	char why[320];

	memset(env, 0, sizeof(*env));
	if (!opts->profile)
		return;
	if (profile_load(opts->profile, profile, why, sizeof(why)))
		die("%s", why);
	profile_merge(profile, opts);
	if (!opts->uplink)
		die("neither the command line nor the profile gives an uplink: pass -i IFACE");
	if (opts->action == ACTION_RUN && !opts->command[0])
		die("neither the command line nor the profile gives a command");
	*env = (struct env_changes){
		.set = profile->setenv, .set_count = profile->setenv_count,
		.unset = profile->unsetenv, .unset_count = profile->unsetenv_count,
		.no_session_bus = profile->dbus == DBUS_NONE,
		.make_dirs = profile->mkdir, .make_dir_count = profile->mkdir_count,
		.home_in_command = opts->command == profile->command,
	};
}

int main(int argc, char **argv)
{
	static struct profile profile;
	struct env_changes env;
	struct cli_options opts;
	const char *why;
	char reason[256];

	if (priv_init(&why))
		die("%s", why);
	if (cli_parse(argc, argv, &opts, reason, sizeof(reason)))
		die("%s", reason);
	log_verbose_enabled = opts.verbose;

	switch (opts.action) {
	case ACTION_HELP:
		fputs(cli_usage, stdout);
		return 0;
	case ACTION_VERSION:
		puts("netjail " NETJAIL_VERSION);
		return 0;
	case ACTION_CLEANUP:
		if (priv_require_setup(&why) || rlimits_check(&why))
			die("%s", why);
		return cleanup();
	case ACTION_LIST:
		return opts.list_names ? join_print_names() : list(opts.json);
	case ACTION_JOIN:
		return join_run(&opts, opts.join);
	case ACTION_STOP:
		return stop(opts.stop);
	case ACTION_CHECK:
		apply_profile(&opts, &profile, &env);
		return check(&opts);
	case ACTION_DESKTOP_ENTRY:
		/* Writing a file in the user's home needs no privilege at all. */
		drop_privileges_now();
		return desktop_entry_install(&opts);
	case ACTION_RUN:
		break;
	}
	apply_profile(&opts, &profile, &env);
	if (opts.join_or_start && join_target_runs(&opts))
		return join_run(&opts, opts.name);
	return run(&opts, &env);
}
