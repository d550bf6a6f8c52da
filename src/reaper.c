/* reaper.c - the jail's reaper: a jail lives as long as any of its programs.
 *
 * Programs that daemonize (aria2c -D, transmission-daemon, launchers that start the real
 * program and exit) leave COMMAND's tree at once, so the jail cannot end with COMMAND.
 * The jail's child makes itself a child subreaper (PR_SET_CHILD_SUBREAPER, prctl(2)) and
 * forks COMMAND's process, just before both drop every privilege (so that the fork is not
 * counted against the caller's process limit, as the child's own was not): every process
 * started in the jail is then its descendant, and every orphan among them, double-forked
 * daemons included, its child.  It reaps them, and its own end (no child left) is the jail's end:
 *   - COMMAND ends, no other process: it exits with COMMAND's status, and the supervisor,
 *     its parent, tears the jail down as it did before there was a reaper;
 *   - COMMAND ends, others live on: it sends COMMAND's status up the socket, so that the
 *     shell gets its prompt and the status back at once (background.c), and reaps on;
 *   - the supervisor says REAPER_STOP (netjail --stop, or a SIGTERM to the supervisor of a
 *     background jail), or a SIGTERM comes from anyone else than the supervisor (the
 *     user's own kill, netjail --stop): SIGTERM to every process of the jail, SIGKILL after
 *     REAPER_STOP_GRACE_MS;
 *   - the supervisor dies (its end of the socket closes; SIGKILL is its user's to send):
 *     SIGKILL to every process of the jail, whose network is already going (fail closed),
 *     so that its namespace, and the veth pair with it, go too.
 * Signals the supervisor passes on go to COMMAND while it lives, but SIGTERM, which goes to
 * every process of the jail: `kill PID-of-netjail` must end what COMMAND left running too,
 * or the jail would live on without COMMAND.  Those the terminal sends reach COMMAND
 * directly (it shares our process group) and are not passed on twice.
 * Programs joined to the jail (netjail --join) are not its descendants: each has a reaper
 * of its own, this same code, linked to this one (joinlink.c), which counts the link as a
 * live program, stops them through it and, ending, kills them by closing it.
 * It runs as the user who runs COMMAND, with no capability, and holds only the socket,
 * /dev/null and the joiners' listener and links: whatever it does, the user could do.  It keeps no fd of the caller's (a
 * pipe's end would keep `$(netjail ... aria2c -D)` waiting for the jail's end).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jailprocs.h"
#include "joinlink.h"
#include "log.h"
#include "procstat.h"
#include "reaper.h"

/* While the jail is killed: how often to look again for what forked meanwhile. */
#define KILL_AGAIN_MS 100

struct reaper {
	int sock;		/* to the supervisor; -1 once it is gone */
	pid_t supervisor;
	pid_t command;		/* 0 once reaped */
	int status;		/* COMMAND's, once reaped */
	bool told;		/* the supervisor has COMMAND's status */
	int stopping;		/* 0, SIGTERM or SIGKILL: what the jail's processes were sent */
	long long kill_at;	/* ms on CLOCK_MONOTONIC: SIGKILL after SIGTERM */
	struct join_links joins;	/* the jail's reaper: programs joined to it (joinlink.c) */
	int link;		/* a joined program's reaper: to the jail's; -1 once gone, or if not */
};

int reaper_exit_status(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return EXIT_NETJAIL_FAILED;
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* @sig to every process of the jail (as the user: nobody else's).  On the heap: a static
 * array would count against every run's data size limit (rlimits.c). */
static void signal_jail(int sig)
{
	int count = jail_procs_of(getpid(), NULL, 0);
	size_t room = count > 0 ? (size_t)count + 64 : 0;	/* and what forks meanwhile */
	pid_t *pids = room ? calloc(room, sizeof(*pids)) : NULL;

	if (!pids)
		return;
	count = jail_procs_of(getpid(), pids, room);
	for (int i = 0; i < count && (size_t)i < room; i++)
		kill(pids[i], sig);
	free(pids);
}

static void stop_jail(struct reaper *r, int sig)
{
	if (r->stopping == SIGKILL || r->stopping == sig)
		return;
	r->stopping = sig;
	r->kill_at = now_ms() + REAPER_STOP_GRACE_MS;
	signal_jail(sig);
	/* Joined programs are stopped by their own reapers: gracefully, or at once when
	 * their link closes. */
	if (sig == SIGKILL)
		join_links_close(&r->joins);
	else
		join_links_stop(&r->joins);
}

/* Reap what ended; exit once nothing is left. */
static void reap(struct reaper *r)
{
	int wait_status;
	pid_t pid;

	while ((pid = waitpid(-1, &wait_status, WNOHANG)) > 0) {
		if (pid == r->command) {
			r->status = reaper_exit_status(wait_status);
			r->command = 0;
		}
	}
	/* COMMAND's status even if it was told: the supervisor may hear of our end first.  Not
	 * while programs joined to the jail live: they are its programs too. */
	if (pid < 0 && errno == ECHILD && r->joins.count == 0)
		_exit(r->status);
	/* COMMAND is done and the jail lives on: the shell is not to wait for it.  A jail being
	 * stopped is not: netjail waits for its end, as for COMMAND's. */
	if (!r->command && !r->told && !r->stopping && r->sock >= 0) {
		r->told = send(r->sock, &r->status, sizeof(r->status), MSG_NOSIGNAL) ==
			  (ssize_t)sizeof(r->status);
		if (!r->told)
			stop_jail(r, SIGKILL);
	}
}

static void on_signal(struct reaper *r, int signal_fd)
{
	struct signalfd_siginfo info;

	if (read(signal_fd, &info, sizeof(info)) != (ssize_t)sizeof(info))
		return;
	if (info.ssi_signo == SIGCHLD)
		reap(r);
	else if (info.ssi_code == SI_KERNEL)
		;	/* the terminal's: COMMAND, in our process group, has it already */
	else if (info.ssi_signo == SIGTERM && (pid_t)info.ssi_pid == r->supervisor)
		signal_jail(SIGTERM);	/* kill(1) of netjail: to what COMMAND left running too */
	else if (info.ssi_signo == SIGTERM)
		stop_jail(r, SIGTERM);	/* netjail --stop, or the user's own kill */
	else if (r->command)
		kill(r->command, (int)info.ssi_signo);
}

static void on_supervisor(struct reaper *r)
{
	char byte;
	ssize_t got = recv(r->sock, &byte, 1, MSG_DONTWAIT);

	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (got == 1 && byte == REAPER_STOP) {
		stop_jail(r, SIGTERM);
		return;
	}
	close(r->sock);
	r->sock = -1;
	/* A joined program's netjail returns once it has COMMAND's status: its programs'
	 * lifeline is then the link to the jail's reaper. */
	if (r->link >= 0 && r->told)
		return;
	/* Gone: the jail's network with it. */
	stop_jail(r, SIGKILL);
}

/* A joined program's reaper: the jail's reaper says stop, or it ended (the jail is going). */
static void on_link(struct reaper *r)
{
	char byte;
	ssize_t got = recv(r->link, &byte, 1, MSG_DONTWAIT);

	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (got == 1 && byte == REAPER_STOP) {
		stop_jail(r, SIGTERM);
		return;
	}
	close(r->link);
	r->link = -1;
	stop_jail(r, SIGKILL);
}

/* 0-2 on /dev/null: COMMAND has its own copies. */
static void let_go_of_caller_fds(void)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0)
		return;
	for (int fd = 0; fd <= 2; fd++)
		dup2(null, fd);
	if (null > 2)
		close(null);
}

pid_t reaper_fork(void)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
		return -1;
	return fork();
}

void reaper_run(int sock, pid_t supervisor, pid_t command, int listener, int link)
{
	struct reaper r = {
		.sock = sock, .supervisor = supervisor, .command = command,
		.status = EXIT_NETJAIL_FAILED, .joins = { .listener = listener }, .link = link,
	};
	sigset_t blocked;
	int signal_fd;

	if (link < 0)	/* a joined program's reaper has its own name (jailprocs.h) */
		prctl(PR_SET_NAME, REAPER_COMM, 0, 0, 0);
	/* The supervisor blocked what it forwards and SIGCHLD before the fork: the same here,
	 * read from a signalfd (COMMAND gets the caller's mask back before exec).  Made after
	 * COMMAND's fork: it holds none. */
	sigprocmask(SIG_BLOCK, NULL, &blocked);
	signal_fd = signalfd(-1, &blocked, SFD_CLOEXEC);
	if (signal_fd < 0) {
		log_error("cannot become the jail's reaper: %s", strerror(errno));
		_exit(EXIT_NETJAIL_FAILED);	/* COMMAND dies with us (parent-death signal) */
	}
	let_go_of_caller_fds();
	/* From now on the socket says when the supervisor is gone: the parent-death signal
	 * would also end the jail when the supervisor hands it to a background one. */
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	if (getppid() != supervisor)
		stop_jail(&r, SIGKILL);
	for (;;) {
		struct pollfd fds[3 + 1 + JOIN_LINKS_MAX] = {
			{ .fd = signal_fd, .events = POLLIN },
			{ .fd = r.sock, .events = POLLIN },
			{ .fd = r.link, .events = POLLIN },
		};
		unsigned joins = join_links_pollfds(&r.joins, fds + 3);
		int timeout = -1;

		if (r.stopping == SIGTERM)
			timeout = (int)(r.kill_at > now_ms() ? r.kill_at - now_ms() : 0);
		else if (r.stopping == SIGKILL)
			timeout = KILL_AGAIN_MS;
		if (poll(fds, 3 + joins, timeout) < 0 && errno != EINTR)
			stop_jail(&r, SIGKILL);
		if (fds[0].revents)
			on_signal(&r, signal_fd);
		if (r.sock >= 0 && fds[1].revents)
			on_supervisor(&r);
		if (r.link >= 0 && fds[2].revents)
			on_link(&r);
		if (joins && r.joins.listener >= 0) {
			if (join_links_check(&r.joins, fds + 3))
				reap(&r);	/* the last of the jail's programs may have gone */
			if (fds[3].revents)
				join_links_accept(&r.joins, r.stopping != 0);
		}
		if (r.stopping == SIGTERM && now_ms() >= r.kill_at)
			stop_jail(&r, SIGKILL);
		else if (r.stopping == SIGKILL) {
			signal_jail(SIGKILL);
			reap(&r);	/* no child left to send SIGCHLD: joined programs were the last */
		}
	}
}

bool reaper_is(pid_t pid)
{
	char comm[32];
	ssize_t got = proc_read(pid, "comm", comm, sizeof(comm));

	return got > 0 && (size_t)got == strlen(REAPER_COMM) + 1 &&
	       memcmp(comm, REAPER_COMM "\n", (size_t)got) == 0;
}
