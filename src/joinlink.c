/* joinlink.c - the link between the jail's reaper and each joined program's reaper.
 *
 * A jail lives as long as any of its programs (reaper.c): its reaper ends when it has no
 * process left, and then the jail goes.  A program joined to a running jail (netjail
 * --join, join.c) cannot become the reaper's descendant: it must keep the terminal, session
 * and process group of the shell that started it.  So it gets a reaper of its own (the
 * same code, reaper.c), and that reaper holds a link to the jail's: a unix socket, which
 * the jail's reaper counts as a live program until it closes.  The link's end is each
 * side's news of the other's: the joined reaper closes it when its last program ended;
 * the jail's closes it (it ended, or was killed) and the joined reaper kills its programs
 * (their network is going).  REAPER_STOP on it (netjail --stop) stops them gracefully.
 *
 * The jail's reaper listens on an abstract unix socket, which exists only in the jail's
 * network namespace: only processes in the jail reach it, and those are its user's own
 * (or root's).  It is bound by the jail's child before any of the user's programs runs
 * there, so none can take the name first; a joiner still checks, with SO_PEERCRED, that the
 * listener is the reaper it verified (join.c).  A jail that is stopping refuses new links;
 * a joiner waits for the acknowledgement before it runs anything, so a join that races the
 * jail's end fails cleanly instead of running outside a jail that is gone.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "joinlink.h"
#include "reaper.h"

/* Abstract: '\0' first. */
static const char join_socket_name[] = "\0netjail-reaper";

static socklen_t join_address(struct sockaddr_un *addr)
{
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	memcpy(addr->sun_path, join_socket_name, sizeof(join_socket_name) - 1);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + sizeof(join_socket_name) - 1);
}

int join_listen(void)
{
	struct sockaddr_un addr;
	socklen_t len = join_address(&addr);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&addr, len) || listen(fd, 16)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

void join_links_accept(struct join_links *links, bool refuse)
{
	char ack = JOIN_ACK;
	int fd;

	while ((fd = accept4(links->listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		if (refuse || links->count == JOIN_LINKS_MAX ||
		    send(fd, &ack, 1, MSG_NOSIGNAL) != 1) {
			close(fd);
			continue;
		}
		links->fd[links->count++] = fd;
	}
}

unsigned join_links_pollfds(const struct join_links *links, struct pollfd *fds)
{
	unsigned n = 0;

	if (links->listener < 0)
		return 0;
	fds[n++] = (struct pollfd){ .fd = links->listener, .events = POLLIN };
	for (unsigned i = 0; i < links->count; i++)
		fds[n++] = (struct pollfd){ .fd = links->fd[i], .events = POLLIN };
	return n;
}

unsigned join_links_check(struct join_links *links, const struct pollfd *fds)
{
	unsigned closed = 0, kept = 0;

	if (links->listener < 0)
		return 0;
	/* fds[0] is the listener; fds[1 + i] link i, as join_links_pollfds put them. */
	for (unsigned i = 0; i < links->count; i++) {
		if (fds[1 + i].fd == links->fd[i] && fds[1 + i].revents) {
			close(links->fd[i]);
			closed++;
			continue;
		}
		links->fd[kept++] = links->fd[i];
	}
	links->count = kept;
	return closed;
}

void join_links_stop(struct join_links *links)
{
	char stop = REAPER_STOP;

	for (unsigned i = 0; i < links->count; i++)
		send(links->fd[i], &stop, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
}

void join_links_close(struct join_links *links)
{
	for (unsigned i = 0; i < links->count; i++)
		close(links->fd[i]);
	links->count = 0;
	if (links->listener >= 0)
		close(links->listener);
	links->listener = -1;
}

int join_connect(pid_t reaper)
{
	struct sockaddr_un addr;
	socklen_t len = join_address(&addr), cred_len = sizeof(struct ucred);
	struct ucred cred;
	ssize_t got;
	char ack;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, len)) {
		err = errno == ENOENT ? -ECONNREFUSED : -errno;
		goto out;
	}
	/* The listener's credentials as of its listen(): the jail's child, now its reaper. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cred_len) || cred.pid != reaper) {
		err = -EPERM;
		goto out;
	}
	do
		got = recv(fd, &ack, 1, 0);
	while (got < 0 && errno == EINTR);
	if (got == 1 && ack == JOIN_ACK)
		return fd;
	err = -ECONNREFUSED;
out:
	close(fd);
	return err;
}
