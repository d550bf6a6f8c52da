/* jail.h - the jailed child and the supervisor that waits for it. */
#ifndef NETJAIL_JAIL_H
#define NETJAIL_JAIL_H

#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "env.h"
#include "jailfs.h"
#include "priv.h"

/* The alias of eth0 inside every jail: how netjail knows it is being run from a jail. */
#define JAIL_INSIDE_ALIAS "netjail jail"

struct jail_child {
	pid_t pid;
	int sock;	/* up: "ready" once the namespaces exist; down: the jail's addresses,
			 * or close to abort; then the reaper's (reaper.h), -1 once closed */
	int netns;	/* the jail's network namespace, from "ready" until go, else -1 */
	bool own_session;	/* COMMAND is another user's: in a session of its own, no tty */
};

/* What the child needs to configure its side. */
struct jail_side {
	struct in_addr jail_addr;
	struct in_addr host_addr;
	unsigned prefix;
	bool has_ipv6;			/* the same in IPv6 (/64) */
	struct in6_addr jail_addr6, host_addr6;
	bool disable_ipv6;		/* --no-ipv6: not even ::1 */
};

/* Instead of COMMAND, netjail --check's probe (checkprobe.c): @prepare runs in the jail's
 * configured namespace before the drop, with setup's capabilities; @run after it, as
 * @target with none, and its return is the child's exit status. */
struct jail_probe {
	int (*prepare)(const struct target_user *target, const void *arg);
	int (*run)(const void *arg);
	const void *arg;
};

/* What the child is to make of COMMAND's surroundings. */
struct jail_child_plan {
	const struct target_user *target;
	char **command;
	const struct jail_probe *probe;	/* NULL: exec @command */
	const struct env_changes *env;	/* what COMMAND's environment gets, or NULL */
	const struct jailfs_plan *files;	/* the jail's own files (resolv.conf...), or NULL */
	const char *cwd;		/* a joined program's directory, entered after the drop */
	const char *reaper_name;	/* a joined program's reaper's (jailprocs.h), or NULL */
};

/* Fork the child: it enters new network and mount namespaces, puts the jail's files in
 * place and waits.  0 or -errno. */
int jail_child_start(struct jail_child *child, const struct jail_child_plan *plan);

/* Wait until the child's namespaces exist and hold its network namespace in
 * @child->netns.  0, -ECHILD if it failed (it said why), or -EPROTO if "ready" came
 * without the namespace. */
int jail_child_wait_ready(struct jail_child *child);

/* Let the child configure its side, drop privileges and exec; the namespace's fd is
 * closed.  0 or -errno. */
int jail_child_go(struct jail_child *child, const struct jail_side *side);

/* netjail --join (join.c), already in the jail's namespaces with @link to its reaper
 * (joinlink.c): fork the joined program's reaper, which forks COMMAND; both drop every
 * privilege, as in a jail's child.  jail_supervise() then waits for it.  0 or -errno. */
int jail_child_start_joined(struct jail_child *child, const struct jail_child_plan *plan,
			    int link);

/* Abort a child that was not let go, close what it sent, and reap it. */
void jail_child_abort(struct jail_child *child);

/* Something else the supervisor waits on: when @fd is readable, @changed is called. */
struct jail_watch {
	int fd;
	void (*changed)(void *data);
	void *data;
};

/* Forward signals from @signal_fd to the child until it ends, and call @watch (may be NULL)
 * whenever its fd is readable.  Returns netjail's exit status: COMMAND's, or 128+N if
 * signal N killed it (the reaper's, if the user killed it).  With *@background true if
 * COMMAND ended while other processes live on in the jail: the child, their reaper, is
 * then still running (background.c). */
int jail_supervise(struct jail_child *child, int signal_fd, const struct jail_watch *watch,
		   bool *background);

#endif
