/* sigfd.c - the signals a supervisor (run()'s, or --join's) reads from a signalfd.
 *
 * A supervisor blocks what it passes on to its jail, and SIGCHLD, and reads them from a
 * signalfd in its poll loop (jail_supervise): no handler runs at an arbitrary point of a
 * privileged process.
 */
#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>

#include "sigfd.h"

static const int forwarded_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

int supervisor_signals_open(void)
{
	sigset_t blocked;
	int fd;

	sigemptyset(&blocked);
	sigaddset(&blocked, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded_signals) / sizeof(forwarded_signals[0]); i++)
		sigaddset(&blocked, forwarded_signals[i]);
	if (sigprocmask(SIG_BLOCK, &blocked, NULL))
		return -errno;
	fd = signalfd(-1, &blocked, SFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}
