/* jail.c - the child that becomes COMMAND, and the supervisor loop.
 *
 * Stages of the child, each of which must finish before the next starts:
 *   1. root, new network + mount namespaces; puts the jail's own files in place (jailfs.c:
 *      resolv.conf, nsswitch.conf, hidden sockets); tells the parent the namespaces exist,
 *      handing it an fd of its network namespace (SCM_RIGHTS) with that "ready": the
 *      supervisor names the jail's namespace by that fd, never by the child's pid, which
 *      the caller could free and take (it may kill the child, which runs with its uids).
 *   2. waits for the parent to plug the veth pair in, then configures its own side (lo,
 *      eth0, address, default route) through its own rtnetlink socket.
 *   3. becomes the jail's reaper and forks COMMAND's process (reaper.c); both drop
 *      privileges for good (priv_drop) and arrange to die with their parent (the reaper
 *      then trades that for the socket, which the supervisor holds).  If COMMAND runs as
 *      another user than the caller (root's -u, sudo), each starts a new session without a
 *      controlling terminal.  COMMAND's process gets back the caller's signal state and
 *      resource limits and execs; the reaper reaps until the jail is empty.  Or, for
 *      netjail --check, the child runs the probe instead (its prepare step before the
 *      drop) and exits with its result.
 * Before stage 3 it listens, in the jail's network namespace, for programs joined to the jail
 * later (joinlink.c); such a program (netjail --join, join.c) enters the namespaces of a
 * running jail and forks a child that goes through stage 3 alone (jail_child_start_joined).
 * It must not touch the host namespace, and it never returns to the caller.
 *
 * Another user's COMMAND must not share the caller's terminal as its controlling tty: it
 * could push keystrokes into root's shell with TIOCSTI, which the kernel allows only on
 * one's controlling tty (without CAP_SYS_ADMIN).  So, like su's and runuser's advice and
 * sudo's use_pty, it gets setsid(); it still reads and writes the terminal through fds 0-2.
 * The caller's own COMMAND keeps the terminal: it cannot attack itself.
 *
 * The supervisor forwards signals sent to netjail by someone (kill, systemd) to the reaper,
 * which passes them to COMMAND (SIGTERM to every process of the jail).  Signals the
 * terminal sends (Ctrl-C, SIGWINCH) reach a COMMAND that shares our process group
 * directly; forwarding those too would deliver them twice, so they are recognised by
 * si_code == SI_KERNEL and not forwarded (as sudo does).  A COMMAND in its own session
 * gets none from the terminal, so then those are forwarded too: Ctrl-C still ends it.
 * SIGTSTP/SIGCONT are left alone: the terminal stops and continues the whole group, so
 * job control just works; in its own session COMMAND is not in that group, so Ctrl-Z
 * stops netjail only, and COMMAND runs on until `fg` (netjail.1, INTERACTIVE USE).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "addr.h"
#include "pool.h"
#include "reaper.h"
#include "env.h"
#include "ipv6conf.h"
#include "homepaths.h"
#include "jail.h"
#include "joinlink.h"
#include "link.h"
#include "log.h"
#include "nl.h"
#include "rlimits.h"
#include "route.h"
#include "util.h"

#define JAIL_EXIT_CANNOT_EXEC 126
#define JAIL_EXIT_NOT_FOUND 127

/* --no-ipv6: switch IPv6 off in the jail's namespace, for the links there and to come. */
static int disable_ipv6(void)
{
	int err = ipv6_conf_set("default", "disable_ipv6", 1);

	return err ? err : ipv6_conf_set("all", "disable_ipv6", 1);
}

static int configure_jail_network(const struct jail_side *side)
{
	struct route_info gateway = {
		.table = RT_TABLE_MAIN, .type = RTN_UNICAST,
		.has_gateway = true, .gateway = side->host_addr,
	};
	struct link_info lo = { 0 }, eth0 = { 0 };
	struct nl nl;
	int err = nl_open(&nl, NETLINK_ROUTE);

	if (!err && side->disable_ipv6)
		err = disable_ipv6();
	if (err) {
		nl_close(&nl);
		return err;
	}
	err = link_find(&nl, "lo", &lo);
	if (!err)
		err = link_set_up(&nl, lo.index);
	if (!err)
		err = link_find(&nl, "eth0", &eth0);
	/* Marks this namespace as a jail: a user inside cannot start netjail again (main.c). */
	if (!err)
		err = link_set_alias(&nl, eth0.index, JAIL_INSIDE_ALIAS);
	if (!err)
		err = addr_add(&nl, eth0.index, side->jail_addr, side->prefix, 0);
	if (!err)
		err = link_set_up(&nl, eth0.index);
	if (!err) {
		gateway.oif = eth0.index;
		err = route_add(&nl, &gateway);
	}
	if (!err && side->has_ipv6)
		err = addr6_add(&nl, eth0.index, &side->jail_addr6, JAIL_PREFIX6, 0);
	if (!err && side->has_ipv6) {
		struct route_info gateway6 = {
			.family = AF_INET6, .table = RT_TABLE_MAIN, .type = RTN_UNICAST,
			.has_gateway = true, .gateway6 = side->host_addr6, .oif = eth0.index,
		};

		err = route_add(&nl, &gateway6);
	}
	nl_close(&nl);
	return err;
}

static void set_login_environment(const struct target_user *target)
{
	if (!target->set_login_env)
		return;
	setenv("HOME", target->home, 1);
	setenv("USER", target->name, 1);
	setenv("LOGNAME", target->name, 1);
}

/* COMMAND runs as another user than the caller (the real uid, before the drop). */
static bool runs_as_other_user(const struct target_user *target)
{
	return target->uid != getuid();
}

/* Die with the supervisor: a jailed command must never outlive netjail. */
static void die_with_parent(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != parent)
		_exit(EXIT_NETJAIL_FAILED);
}

/* The child keeps none of the supervisor's descriptors (netlink sockets, state locks):
 * only 0-2, its socket @keep and (a joined program's, @also >= 0) its link. */
static void close_all_but(int keep, int also)
{
	int low = also >= 0 && also < keep ? also : keep, high = also > keep ? also : keep;

	if (low > 3)
		close_range(3, (unsigned)low - 1, 0);
	if (high > low + 1)
		close_range((unsigned)low + 1, (unsigned)high - 1, 0);
	close_range((unsigned)high + 1, ~0u, 0);
}

/* "ready", with @netns, the fd of the jail's network namespace, attached. */
static int send_ready(int sock, int netns)
{
	union {
		struct cmsghdr header;
		char space[CMSG_SPACE(sizeof(int))];
	} control = { 0 };
	struct iovec byte = { .iov_base = "r", .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &byte, .msg_iovlen = 1,
		.msg_control = control.space, .msg_controllen = sizeof(control.space),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &netns, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

static int exec_command(char **command, bool own_session);
__attribute__((noreturn))
static void run_command(int sock, pid_t parent, const struct jail_child_plan *plan, int listener,
			int link);

__attribute__((noreturn))
static void child_main(int sock, pid_t parent, const struct jail_child_plan *plan)
{
	const char *what;
	struct jail_side side;
	ssize_t got;
	int err, netns, listener = -1;

	close_all_but(sock, -1);
	die_with_parent(parent);
	if (unshare(CLONE_NEWNET | CLONE_NEWNS)) {
		log_error("cannot create the jail's namespaces: %s", strerror(errno));
		_exit(EXIT_NETJAIL_FAILED);
	}
	netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (netns < 0) {
		log_error("cannot open the jail's network namespace: %s", strerror(errno));
		_exit(EXIT_NETJAIL_FAILED);
	}
	/* Mounts made later in the jail (resolv.conf) stay in it; the host's still show. */
	/* Type and source are ignored for a propagation change; "none" keeps valgrind quiet. */
	if (mount("none", "/", "none", MS_REC | MS_SLAVE, NULL)) {
		log_error("cannot make the jail's mounts a one-way copy of the host's: %s", strerror(errno));
		_exit(EXIT_NETJAIL_FAILED);
	}
	if (plan->files && (err = jailfs_apply(plan->files, &what))) {
		log_error("cannot %s: %s", what, strerror(-err));
		_exit(EXIT_NETJAIL_FAILED);
	}
	if (send_ready(sock, netns))
		_exit(EXIT_NETJAIL_FAILED);
	close(netns);
	do
		got = read(sock, &side, sizeof(side));
	while (got < 0 && errno == EINTR);
	if (got != (ssize_t)sizeof(side))
		_exit(EXIT_NETJAIL_FAILED);	/* the supervisor gave up and said why */

	err = configure_jail_network(&side);
	if (err) {
		log_error("cannot configure the jail's network: %s", strerror(-err));
		_exit(EXIT_NETJAIL_FAILED);
	}
	if (plan->probe && (err = plan->probe->prepare(plan->target, plan->probe->arg))) {
		log_error("cannot prepare the probe: %s", strerror(-err));
		_exit(EXIT_NETJAIL_FAILED);
	}
	/* Before any program of the user's runs here: none can take its name first. */
	if (!plan->probe && (listener = join_listen()) < 0) {
		log_error("cannot listen for programs joining the jail: %s", strerror(-listener));
		_exit(EXIT_NETJAIL_FAILED);
	}
	run_command(sock, parent, plan, listener, -1);
}

/* The jail's child once its network is up, or a joined program's child once it is in the
 * jail's namespaces (jail_child_start_joined): become the reaper of COMMAND's process (or
 * run the probe), dropping every privilege in both. */
static void run_command(int sock, pid_t parent, const struct jail_child_plan *plan, int listener,
			int link)
{
	const struct target_user *target = plan->target;
	char **command = plan->command;
	pid_t reaper = getpid(), command_pid = 0;
	struct env_saved environment;
	char failed[PATH_MAX];
	bool own_session;
	int err;

	env_save_stripped(&environment);
	own_session = runs_as_other_user(target);
	/* COMMAND's process is forked before the drop, as the child itself was: a caller at
	 * its process limit (RLIMIT_NPROC, which counts only for a process without
	 * capabilities) still gets its COMMAND. */
	if (!plan->probe && (command_pid = reaper_fork()) < 0) {
		log_error("cannot start the command: %s", strerror(errno));
		_exit(EXIT_NETJAIL_FAILED);
	}
	err = priv_drop(target);
	if (err) {
		log_error("cannot drop privileges: %s", strerror(-err));
		_exit(EXIT_NETJAIL_FAILED);
	}
	/* Changing credentials cleared the parent-death signal: set it again.  COMMAND's
	 * parent is the reaper: COMMAND never outlives it. */
	die_with_parent(plan->probe || command_pid ? parent : reaper);
	if (plan->probe) {
		close(sock);
		_exit(plan->probe->run(plan->probe->arg));
	}
	if (command_pid) {
		/* The reaper, another user's process too, keeps no controlling terminal either. */
		if (own_session)
			setsid();
		if (plan->reaper_name)
			prctl(PR_SET_NAME, plan->reaper_name, 0, 0, 0);
		reaper_run(sock, parent, command_pid, listener, link);
	}
	close(sock);	/* the listener and the link are close-on-exec (joinlink.c) */
	/* A joined program starts where its caller was: entering the jail's mount namespace
	 * took it to that namespace's root. */
	if (plan->cwd && chdir(plan->cwd)) {
		log_error("cannot enter the directory %s in the jail: %s",
			  printable_whole(plan->cwd, failed, sizeof(failed)), strerror(errno));
		_exit(EXIT_NETJAIL_FAILED);
	}
	env_restore_stripped(&environment);
	set_login_environment(target);
	env_apply_changes(plan->env);
	if (plan->env && (err = home_paths_apply(plan->env, command, failed, sizeof(failed)))) {
		log_error("cannot create %s: %s", failed, strerror(-err));
		_exit(EXIT_NETJAIL_FAILED);
	}
	_exit(exec_command(command, own_session));
}

/* In the reaper's child, after the drop: become COMMAND.  Returns an exit status only if
 * it cannot. */
static int exec_command(char **command, bool own_session)
{
	char shown[72];
	int err;

	/* A forked child leads no group: setsid() succeeds (if not, COMMAND must not run). */
	if (own_session && setsid() < 0) {
		log_error("cannot give the command a session of its own: %s", strerror(errno));
		return EXIT_NETJAIL_FAILED;
	}
	/* What the caller ignored and blocked, and its resource limits, are COMMAND's again
	 * (priv_init took them away).  Limits only go down here: this cannot fail, but if it
	 * did, COMMAND must not run with more than the caller had. */
	priv_give_back_caller_signals();
	err = rlimits_give_back_to_caller();
	if (err) {
		log_error("cannot give back the caller's resource limits: %s", strerror(-err));
		return EXIT_NETJAIL_FAILED;
	}
	execvp(command[0], command);
	err = errno;
	log_error("cannot run '%s': %s", printable(command[0], shown, sizeof(shown)), strerror(err));
	return err == ENOENT ? JAIL_EXIT_NOT_FOUND : JAIL_EXIT_CANNOT_EXEC;
}

/* The jail's child (@link < 0), or a joined program's reaper with @link. */
static int start_child(struct jail_child *child, const struct jail_child_plan *plan, int link)
{
	int pair[2];
	pid_t parent = getpid();

	child->sock = child->netns = -1;
	child->own_session = runs_as_other_user(plan->target);
	/* One socketpair: "ready" and the namespace's fd up, the jail's addresses down, each
	 * a datagram that arrives whole or not at all.  Sent with MSG_NOSIGNAL: a dead peer
	 * is an error, never a SIGPIPE that would end the supervisor before teardown. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair))
		return -errno;
	child->pid = fork();
	if (child->pid < 0) {
		int err = -errno;

		close(pair[0]);
		close(pair[1]);
		return err;
	}
	if (child->pid == 0) {
		close(pair[0]);
		if (link < 0)
			child_main(pair[1], parent, plan);
		close_all_but(pair[1], link);	/* and the link (joinlink.c) */
		die_with_parent(parent);
		run_command(pair[1], parent, plan, -1, link);
	}
	close(pair[1]);
	child->sock = pair[0];
	return 0;
}

int jail_child_start(struct jail_child *child, const struct jail_child_plan *plan)
{
	return start_child(child, plan, -1);
}

int jail_child_start_joined(struct jail_child *child, const struct jail_child_plan *plan,
			    int link)
{
	return start_child(child, plan, link);
}

int jail_child_wait_ready(struct jail_child *child)
{
	union {
		struct cmsghdr header;
		char space[CMSG_SPACE(sizeof(int))];
	} control;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.space, .msg_controllen = sizeof(control.space),
	};
	struct cmsghdr *cmsg;
	ssize_t got;

	do
		got = recvmsg(child->sock, &msg, MSG_CMSG_CLOEXEC);
	while (got < 0 && errno == EINTR);
	if (got != 1)
		return -ECHILD;	/* it died, and said why if it could */
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS ||
	    cmsg->cmsg_len != CMSG_LEN(sizeof(int)) || (msg.msg_flags & MSG_CTRUNC))
		return -EPROTO;
	memcpy(&child->netns, CMSG_DATA(cmsg), sizeof(int));
	return 0;
}

int jail_child_go(struct jail_child *child, const struct jail_side *side)
{
	ssize_t sent = send(child->sock, side, sizeof(*side), MSG_NOSIGNAL);
	int err = sent == (ssize_t)sizeof(*side) ? 0 : -EPIPE;

	/* The veth is in: the supervisor has no more use for the namespace, and holding it
	 * would keep it (and the jail's end of the pair) alive after the jail ends.  The
	 * socket stays: the reaper's word that COMMAND ended before the jail did, and the
	 * supervisor's that it lives (reaper.c). */
	close(child->netns);
	child->netns = -1;
	return err;
}

void jail_child_abort(struct jail_child *child)
{
	if (child->netns >= 0)
		close(child->netns);
	if (child->sock >= 0)
		close(child->sock);	/* EOF: the child exits */
	child->netns = child->sock = -1;
	while (waitpid(child->pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* A signal for the child, or its end: -1 to go on, else netjail's exit status. */
static int on_signal(struct jail_child *child, int signal_fd, bool *stopping)
{
	struct signalfd_siginfo info;
	ssize_t got = read(signal_fd, &info, sizeof(info));
	int status;

	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return -1;
	if (got != (ssize_t)sizeof(info))
		return EXIT_NETJAIL_FAILED;
	if (info.ssi_signo != SIGCHLD) {
		if (info.ssi_code != SI_KERNEL || child->own_session) {
			log_verbose("forwarding signal %u to %d", info.ssi_signo, (int)child->pid);
			kill(child->pid, (int)info.ssi_signo);
			*stopping |= info.ssi_signo == SIGTERM;
		}
		return -1;
	}
	if (waitpid(child->pid, &status, WNOHANG) == child->pid)
		return reaper_exit_status(status);
	return -1;
}

/* COMMAND's status from the reaper (>= 0), or -1 if it said nothing (its socket closed as
 * it exits: its status comes with SIGCHLD). */
static int on_reaper(struct jail_child *child)
{
	int status;
	ssize_t got = recv(child->sock, &status, sizeof(status), MSG_DONTWAIT);

	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return -1;
	if (got == (ssize_t)sizeof(status) && status >= 0 && status <= 255)
		return status;
	close(child->sock);
	child->sock = -1;
	return -1;
}

int jail_supervise(struct jail_child *child, int signal_fd, const struct jail_watch *watch,
		   bool *background)
{
	struct pollfd fds[3] = {
		{ .fd = signal_fd, .events = POLLIN },
		{ .fd = watch ? watch->fd : -1, .events = POLLIN },
		{ .fd = child->sock, .events = POLLIN },
	};

	/* Once a SIGTERM was passed on, the reaper is ending every program of the jail: the
	 * caller (a service manager, kill) waits for the jail's end, not a background copy
	 * that would still be tearing it down when netjail has exited. */
	bool stopping = false;

	*background = false;
	/* Blocks until something happens: no timer, no wake-up while all is quiet. */
	for (;;) {
		int status;

		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return EXIT_NETJAIL_FAILED;
		}
		/* The child's end first: no repair for a jail that is over. */
		if (fds[0].revents && (status = on_signal(child, signal_fd, &stopping)) >= 0)
			return status;
		/* COMMAND ended, others live on: the reaper exits with the same status later. */
		if (fds[2].revents && (status = on_reaper(child)) >= 0 && !stopping) {
			*background = true;
			return status;
		}
		fds[2].fd = child->sock;
		if (watch && fds[1].revents)
			watch->changed(watch->data);
	}
}
