/* background.c - the supervisor of a jail whose COMMAND has ended.
 *
 * The shell waits for netjail, the supervisor; the jail must live on while any of its
 * programs does (reaper.c).  So when the reaper says COMMAND ended and others live on, the
 * supervisor forks and exits with COMMAND's status, and its copy keeps the jail: the same
 * descriptors, so the same slot lock, nftables socket (which owns the jail's table),
 * published ports and watch.  It holds the same capabilities, uids and signal state, is
 * not dumpable, forks nothing else and executes nothing; it only keeps no descriptor of
 * the caller's (a pipe's end would keep `$(netjail ...)` waiting).  It names itself in
 * the jail's alias, so that --list shows it and `kill PID` reaches it.  It then waits for
 * the reaper's end (its socket closes when the last process of the jail is reaped), and
 * the caller tears the jail down as ever.  A SIGTERM sent to it stops the jail: the reaper
 * ends every process in it (SIGTERM, then SIGKILL).
 * It costs nothing when COMMAND is the jail's last process: no fork then.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "background.h"
#include "link.h"
#include "log.h"
#include "reaper.h"

/* stdin and stdout on /dev/null; stderr too unless it is a terminal, which keeps nothing
 * waiting (and messages go to syslog when stderr is not one, log.c). */
static void let_go_of_caller_fds(void)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0)
		return;
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	if (!isatty(STDERR_FILENO))
		dup2(null, STDERR_FILENO);
	if (null > 2)
		close(null);
}

static void on_signal(struct jail_child *child, int signal_fd)
{
	struct signalfd_siginfo info;
	char stop = REAPER_STOP;

	if (read(signal_fd, &info, sizeof(info)) != (ssize_t)sizeof(info))
		return;
	/* SIGCHLD and the rest: the reaper is no child of ours any more, and no COMMAND is
	 * left to pass them to. */
	if (info.ssi_signo == SIGTERM) {
		log_verbose("SIGTERM: stopping the jail's programs");
		send(child->sock, &stop, 1, MSG_NOSIGNAL);
	}
}

/* Until the reaper ends. */
static void keep(struct jail_child *child, int signal_fd, const struct jail_watch *watch)
{
	struct pollfd fds[3] = {
		{ .fd = signal_fd, .events = POLLIN },
		{ .fd = watch ? watch->fd : -1, .events = POLLIN },
		{ .fd = child->sock, .events = POLLIN },
	};

	while (child->sock >= 0) {
		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (fds[2].revents) {
			char byte;
			ssize_t got = recv(child->sock, &byte, 1, MSG_DONTWAIT);

			if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
				close(child->sock);
				child->sock = -1;
				continue;
			}
		}
		if (fds[0].revents)
			on_signal(child, signal_fd);
		if (watch && fds[1].revents)
			watch->changed(watch->data);
	}
}

bool background_keep(struct jail_child *child, int signal_fd, const struct jail_watch *watch,
		     struct jail_host *jh, struct nl *nl)
{
	char alias[LINK_ALIAS_MAX], byte = 0;
	int named[2];
	pid_t pid;

	/* The supervisor exits once the copy is named in the alias: whoever lists the jails
	 * after netjail returned sees the live one.  (They share the netlink socket: only
	 * one of them may use it at a time.) */
	if (pipe2(named, O_CLOEXEC)) {
		named[0] = named[1] = -1;
		pid = -1;
	} else {
		pid = fork();
	}
	if (pid > 0) {
		close(named[1]);
		while (read(named[0], &byte, 1) < 0 && errno == EINTR)
			;
		close(named[0]);
		return true;
	}
	if (pid < 0) {
		log_error("cannot leave the jail's programs in the background (%s): waiting for "
			  "them", strerror(errno));
	} else {
		close(named[0]);
		/* Writing to a terminal we no longer own must not stop us. */
		signal(SIGTTOU, SIG_IGN);
		let_go_of_caller_fds();
		jail_alias_format(alias, sizeof(alias), getpid(), jh);
		link_set_alias(nl, jh->host_index, alias);
		log_verbose("COMMAND ended; jail %s stays while its programs run (pid %d)",
			    jh->net.host_veth, (int)getpid());
		/* Unwritten, the close is an EOF, on which the supervisor goes on too. */
		(void)!write(named[1], "n", 1);
		close(named[1]);
	}
	if (pid < 0 && named[0] >= 0) {
		close(named[0]);
		close(named[1]);
	}
	keep(child, signal_fd, watch);
	return false;
}
