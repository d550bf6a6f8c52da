/* statelock.h - the state lock: one netjail at a time changes the host (statelock.c). */
#ifndef NETJAIL_STATELOCK_H
#define NETJAIL_STATELOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct state;

/* A waiter gives up when one holder has kept the lock this long, or when the holders it
 * waited for were stopped (SIGSTOP, a debugger) this long in all... */
#define STATE_LOCK_WAIT_SECONDS 10
/* ...or, while the lock keeps changing hands, after this long in all. */
#define STATE_LOCK_WAIT_MAX_SECONDS 60

/* Why the last state_lock() gave up, for state_lock_explain(). */
struct state_lock_stall {
	pid_t holder;		/* the holder's pid, 0 if it cannot be seen from here */
	int waiters;		/* other netjails waiting for the lock, -1 if unknown */
	unsigned held;		/* seconds that holder kept it, as far as this waiter saw */
	unsigned waited;	/* seconds this waiter waited */
	bool stopped;		/* the holder is stopped */
};

/* Take the state lock, waiting as long as it changes hands or its holder runs (see the
 * limits above).  0, -ETIMEDOUT when it gives up (state_lock_explain says why), or -errno. */
int state_lock(struct state *st);
/* Take the state lock, however long that takes: only for a process that holds nothing
 * else and keeps no user waiting (lastout.c).  0 or -errno. */
int state_lock_wait(struct state *st);
void state_unlock(struct state *st);
/* One line, without "netjail: ", on why the last state_lock() gave up. */
void state_lock_explain(const struct state *st, char *why, size_t why_len);

#endif
