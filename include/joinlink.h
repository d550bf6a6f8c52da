/* joinlink.h - how a joined program's reaper and the jail's reaper hold on to each other. */
#ifndef NETJAIL_JOINLINK_H
#define NETJAIL_JOINLINK_H

#include <poll.h>
#include <stdbool.h>
#include <sys/types.h>

/* Programs joined at once (each --join holds one link while its programs live). */
#define JOIN_LINKS_MAX 64
/* On a link, the jail's reaper says: JOIN_ACK once, when it counts the link; then
 * REAPER_STOP (reaper.h) to stop the joined programs; its end closing kills them. */
#define JOIN_ACK 'y'

/* The jail's reaper's side. */
struct join_links {
	int listener;			/* -1: none (a joined program's reaper) */
	unsigned count;
	int fd[JOIN_LINKS_MAX];
};

/* In the jail's child, before its reaper forks COMMAND: listen for joiners in the jail's
 * network namespace.  The fd or -errno. */
int join_listen(void);

/* Accept what waits on @links' listener: acknowledged and counted, or (@refuse: the jail is
 * stopping; or no room) closed at once. */
void join_links_accept(struct join_links *links, bool refuse);
/* Put @links' fds into @fds (listener first): how many. */
unsigned join_links_pollfds(const struct join_links *links, struct pollfd *fds);
/* After poll: close each link whose joined reaper ended (or said anything).  Returns how many
 * closed. */
unsigned join_links_check(struct join_links *links, const struct pollfd *fds);
/* Tell each joined reaper to stop its programs. */
void join_links_stop(struct join_links *links);
/* Close every link (the joined programs are killed by their reapers) and the listener. */
void join_links_close(struct join_links *links);

/* The joiner's side, in the jail's network namespace: connect to the jail's reaper @reaper
 * and wait for its JOIN_ACK.  The link's fd, -ECONNREFUSED if the jail is ending (no
 * reaper listens, or it refused), -EPERM if another process than @reaper listens, or
 * -errno. */
int join_connect(pid_t reaper);

#endif
