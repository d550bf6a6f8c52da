/* fwwatch.h - while a jail runs, put its accept rules back when the host's firewall reloads. */
#ifndef NETJAIL_FWWATCH_H
#define NETJAIL_FWWATCH_H

#include <stdbool.h>
#include <time.h>

#include "conf.h"
#include "hostnet.h"
#include "nl.h"

struct fw_watch {
	struct nl events;		/* NETLINK_NETFILTER, NFNLGRP_NFTABLES; closed if unused */
	int poll_fd;			/* an epoll of events and the caller's fd, or -1 */
	struct timespec window;		/* start of the current repair window */
	unsigned repairs;		/* repairs in that window */
};

/* Watch nftables for the jail @jh if it has accept rules in another tool's chains.  Returns
 * the fd to poll in place of @other_fd: @other_fd itself if there is nothing to watch (or
 * the watch cannot be had: the jail then only does not recover from a reload), else an epoll
 * fd readable when either is. */
int fw_watch_open(struct fw_watch *w, const struct jail_host *jh, int other_fd);
/* Read the nftables events waiting; if another tool changed a table that is not netjail's,
 * put the jail's rules back where they are missing (at most a few times in a row, so that a
 * tool that undoes every change does not make netjail spin).  Returns how many places it
 * put rules back in. */
int fw_watch_keep(struct fw_watch *w, struct jail_host *jh, const struct netjail_conf *conf);
void fw_watch_close(struct fw_watch *w);

#endif
