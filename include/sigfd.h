/* sigfd.h - the signals a supervisor reads from a signalfd: forwarded, and SIGCHLD. */
#ifndef NETJAIL_SIGFD_H
#define NETJAIL_SIGFD_H

/* Block SIGCHLD and the signals netjail forwards to its jail (SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH) and read them from a signalfd, returned; or -errno.
 * The child inherits this mask until, right before exec, it gets the caller's own back
 * (priv_give_back_caller_signals). */
int supervisor_signals_open(void);

#endif
