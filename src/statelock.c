/* statelock.c - the state lock: one netjail at a time changes the host's network.
 *
 * An flock on the lock file of the namespace's state directory (state.c), held while a
 * netjail changes the host: setup, teardown, --cleanup, --check's probe.  The kernel drops
 * it when its holder dies, so a dead holder never blocks anyone.  A live one can: its user
 * may stop it (SIGSTOP is theirs to send, SECURITY.md), and then every other netjail of
 * the namespace would wait for as long as it stays stopped.  So a waiter waits for as long
 * as the lock makes progress, and no longer:
 *
 *   - each holder writes its pid and the lock's generation (one more for each holder) at
 *     the start of the lock file (the slots' byte locks, state.c, do not care what the file
 *     holds); a waiter wakes once a second and reads them: a new generation is progress;
 *   - it gives up when one holder has kept the lock STATE_LOCK_WAIT_SECONDS, when the
 *     holders it waited for were seen stopped (/proc/PID/stat: T or t) that long in all, so
 *     a user who stops their netjails one after the other delays another start by
 *     STATE_LOCK_WAIT_SECONDS at most, or after STATE_LOCK_WAIT_MAX_SECONDS in all;
 *   - giving up, it reads /proc/locks once for the holder's pid as this process sees it
 *     and for how many others wait, so that the one line it prints says which it is: a
 *     stopped holder, or a busy namespace.  (/proc/locks is read only then: reading it takes
 *     the kernel's lock of every file lock on the host for writing.)
 * No waiter ever takes the lock but through flock(): mutual exclusion is the kernel's.
 * What a netjail that gave up at its exit did not do is left to a child of it that waits
 * for the lock without limit (state_lock_wait, lastout.c): it holds nothing else, and
 * blocks no one.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "procstat.h"
#include "state.h"
#include "util.h"

/* At offset 0 of the lock file, written by each holder as it takes the lock. */
struct lock_holder {
	int32_t pid;
	uint32_t generation;
};

static void on_tick(int signo)
{
	(void)signo;	/* only here to interrupt flock() */
}

static unsigned long now_seconds(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (unsigned long)now.tv_sec;
}

static void read_holder(const struct state *st, struct lock_holder *holder)
{
	if (pread(st->lock_fd, holder, sizeof(*holder), 0) != (ssize_t)sizeof(*holder))
		*holder = (struct lock_holder){ 0 };
}

/* Taken: say who holds it now.  A write that fails (a full /run) costs only the hint. */
static void note_holder(struct state *st)
{
	struct lock_holder holder;

	read_holder(st, &holder);
	holder.pid = (int32_t)getpid();
	holder.generation++;
	if (pwrite(st->lock_fd, &holder, sizeof(holder), 0) != (ssize_t)sizeof(holder))
		return;
}

/* true if process @pid is stopped or traced (its state in /proc/PID/stat). */
static bool is_stopped(pid_t pid)
{
	struct proc_stat ps;

	return pid > 0 && proc_stat_read(pid, &ps) == 0 && (ps.state == 'T' || ps.state == 't');
}

/* From /proc/locks: the pid (as seen from here; 0 if it cannot be) of the holder of the
 * flock on the file @dev/@ino, and how many wait for it.  false if none holds it. */
static bool find_in_proc_locks(dev_t dev, ino_t ino, pid_t *holder, int *waiters)
{
	char file_id[64], *line = NULL;
	size_t size = 0;
	bool held = false;
	FILE *locks;

	snprintf(file_id, sizeof(file_id), "%02x:%02x:%lu", major(dev), minor(dev),
		 (unsigned long)ino);
	*waiters = 0;
	locks = fopen("/proc/locks", "re");
	if (!locks)
		return false;
	/* "1: FLOCK  ADVISORY  WRITE 1234 00:1a:5678 0 EOF", a waiter "1: -> FLOCK ...". */
	while (getline(&line, &size, locks) > 0) {
		char *field[8], *save = NULL, *word;
		int count = 0;
		bool waiting;
		uint32_t pid;

		for (word = strtok_r(line, " \n", &save); word && count < 8;
		     word = strtok_r(NULL, " \n", &save))
			field[count++] = word;
		waiting = count >= 2 && strcmp(field[1], "->") == 0;
		if (count < 6 + waiting || strcmp(field[1 + waiting], "FLOCK") != 0 ||
		    strcmp(field[5 + waiting], file_id) != 0)
			continue;
		if (waiting) {
			(*waiters)++;
		} else if (parse_u32(field[4], 0, INT32_MAX, &pid) == 0) {
			*holder = (pid_t)pid;
			held = true;
		}
	}
	free(line);
	fclose(locks);
	return held;
}

/* Giving up: who holds the lock, as the kernel says, and whether it is stopped. */
static void describe_stall(struct state *st, const struct lock_holder *recorded)
{
	struct state_lock_stall *stall = &st->stall;
	struct stat info;

	stall->holder = recorded->pid;
	stall->waiters = -1;
	if (fstat(st->lock_fd, &info) == 0 &&
	    !find_in_proc_locks(info.st_dev, info.st_ino, &stall->holder, &stall->waiters))
		stall->waiters = -1;
	stall->stopped = is_stopped(stall->holder);
}

/* Once a second while waiting: -ETIMEDOUT to give up, else 0.  @since is when the current
 * holder was first seen, @stopped_ticks how often a holder was seen stopped. */
static int judge_wait(struct state *st, struct lock_holder *seen, unsigned long start,
		      unsigned long *since, unsigned *stopped_ticks)
{
	unsigned long now = now_seconds();
	struct lock_holder holder;

	read_holder(st, &holder);
	if (holder.generation != seen->generation || holder.pid != seen->pid) {
		*seen = holder;		/* it changed hands: progress */
		*since = now;
	}
	if (is_stopped(holder.pid))
		(*stopped_ticks)++;
	if (now - *since < STATE_LOCK_WAIT_SECONDS && *stopped_ticks < STATE_LOCK_WAIT_SECONDS &&
	    now - start < STATE_LOCK_WAIT_MAX_SECONDS)
		return 0;
	st->stall.held = (unsigned)(now - *since);
	st->stall.waited = (unsigned)(now - start);
	describe_stall(st, &holder);
	return -ETIMEDOUT;
}

int state_lock(struct state *st)
{
	/* No SA_RESTART: each tick makes flock() fail with EINTR, and the wait is judged. */
	struct sigaction tick = { .sa_handler = on_tick }, previous;
	struct itimerval every_second = { { 1, 0 }, { 1, 0 } }, off = { 0 };
	unsigned long start, since;
	unsigned stopped_ticks = 0;
	struct lock_holder seen;
	int err = 0;

	memset(&st->stall, 0, sizeof(st->stall));
	if (flock(st->lock_fd, LOCK_EX | LOCK_NB) == 0) {
		note_holder(st);
		return 0;
	}
	if (errno != EWOULDBLOCK)
		return -errno;
	start = since = now_seconds();
	read_holder(st, &seen);
	sigaction(SIGALRM, &tick, &previous);
	setitimer(ITIMER_REAL, &every_second, NULL);
	while (flock(st->lock_fd, LOCK_EX)) {
		err = errno == EINTR ? judge_wait(st, &seen, start, &since, &stopped_ticks) : -errno;
		if (err)
			break;
	}
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &previous, NULL);
	if (!err)
		note_holder(st);
	return err;
}

int state_lock_wait(struct state *st)
{
	while (flock(st->lock_fd, LOCK_EX))
		if (errno != EINTR)
			return -errno;
	note_holder(st);
	return 0;
}

void state_unlock(struct state *st)
{
	flock(st->lock_fd, LOCK_UN);
}

void state_lock_explain(const struct state *st, char *why, size_t why_len)
{
	const struct state_lock_stall *stall = &st->stall;
	char others[48] = "";

	if (stall->holder && stall->stopped) {
		snprintf(why, why_len, "the state lock on %s is held by pid %d, which is stopped: "
			 "try again once it is continued or killed", STATE_ROOT, (int)stall->holder);
		return;
	}
	if (stall->waiters >= 0)
		snprintf(others, sizeof(others), "%d other netjail(s) waiting, ", stall->waiters);
	if (stall->holder)
		snprintf(why, why_len, "busy: %sthe state lock on %s held by pid %d for %u s "
			 "(waited %u s): try again", others, STATE_ROOT, (int)stall->holder,
			 stall->held, stall->waited);
	else
		snprintf(why, why_len, "busy: %sthe state lock on %s held for %u s by a process "
			 "not visible here (waited %u s): try again", others, STATE_ROOT, stall->held,
			 stall->waited);
}
