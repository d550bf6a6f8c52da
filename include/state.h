/* state.h - netjail's small on-disk state: locks and what it changed on uplinks. */
#ifndef NETJAIL_STATE_H
#define NETJAIL_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "nl.h"
#include "statelock.h"

#define STATE_ROOT "/run/netjail"
/* What failed, when writing a file there did (a full /run: ENOSPC, not the pool's EUSERS). */
#define STATE_WRITE_STEP "write netjail's state in " STATE_ROOT

struct state {
	int dir_fd;	/* STATE_ROOT/<netns cookie>, root-owned, 0700 */
	int lock_fd;	/* the network namespace's setup/teardown lock (statelock.c) */
	struct state_lock_stall stall;	/* why the last state_lock() gave up */
};

/* A setting that could not be read: recorded as "-", never written back. */
#define UPLINK_UNKNOWN UINT32_MAX

/* What netjail found on an uplink before it first changed it. */
struct uplink_record {
	uint32_t forwarding;
	uint32_t src_valid_mark;
	uint32_t force_forwarding6;	/* net.ipv6.conf.UPLINK.force_forwarding, or UPLINK_UNKNOWN */
};

/* Open the state of the network namespace of @nl's socket, creating it if @create.  0,
 * -ENOENT if it is not there and not to be created, or -errno. */
int state_open(struct state *st, struct nl *nl, bool create);
void state_close(struct state *st);

/* Claim slot @slot for the user @owner (written in the slot's file): returns a held lock fd
 * (>= 0) that stays held while the jail lives and is released by the kernel when netjail
 * dies, or -EBUSY if a live netjail has it.  Also takes the slot's byte of the lock file,
 * the hint state_claim_dead_slots asks first. */
int state_claim_slot(struct state *st, unsigned slot, uid_t owner);
/* Give back slot @slot, claimed but not used, and close its lock @fd. */
void state_unclaim_slot(struct state *st, unsigned slot, int fd);
/* Retired links (hostdown.c) whose deleter died: their indexes, and the held lock of each
 * one's marker (-1: its deleter lives, or it is gone). */
#define STATE_RETIRED_MAX 32
struct state_retired {
	unsigned count;
	int index[STATE_RETIRED_MAX];
	int fd[STATE_RETIRED_MAX];
};
/* The same, in one go, for each slot 1..@slots whose file is there: @fds[slot] gets the
 * held lock fd of each one claimed (its netjail is dead), -1 for the others; and the
 * markers of retired links (up to STATE_RETIRED_MAX a call) in @retired.  0 or -errno. */
int state_claim_dead_slots(struct state *st, unsigned slots, int *fds,
			   struct state_retired *retired);

/* A jail's host veth renamed to be deleted later (hostdown.c, retire_link) has a marker,
 * made before the rename and held (an flock) by whoever is to delete the link: if that
 * one dies, the marker's lock is free, and cleanup_dead_jails deletes the link.  The
 * held fd, or -errno. */
int state_mark_retired(struct state *st, int index);
/* The link @index is gone: drop its marker. */
void state_unmark_retired(struct state *st, int index);

/* A flag file, for what may exist on the host while it is there: made (0 or -errno)
 * before that is made, dropped after it is removed, so that a netjail that dies in
 * between leaves the flag for cleanup_dead_jails.  state_marked is true if it is there
 * or that cannot be told. */
#define STATE_SHARED "shared"	/* the jails' gate (gate.c), the NAT shortcut (hostnat.c) */
int state_mark(struct state *st, const char *name);
bool state_marked(struct state *st, const char *name);
void state_unmark(struct state *st, const char *name);

/* How many live slots of 1..@slots @owner claimed, or -errno.  Call with the state lock
 * held: claims are made under it, so the count holds until it is released. */
int state_count_slots_of(struct state *st, unsigned slots, uid_t owner);

/* Drop slot @slot's file, with its lock held: its jail ended cleanly, nothing of it is
 * left to look for.  A slot whose file is there is live, or its netjail died. */
void state_forget_slot(struct state *st, unsigned slot);
/* true if any slot but @except (0: none) has a file: a jail lives, or one died and was
 * not cleaned up. */
bool state_has_slots(struct state *st, unsigned except);

/* Remember @record for @uplink unless one is kept already (or replacing it, if @replace).
 * 0 or -errno. */
int state_remember_uplink(struct state *st, const char *uplink, const struct uplink_record *record,
			  bool replace);
/* 0 and @record, -ENOENT if nothing is kept, or -errno. */
int state_recall_uplink(struct state *st, const char *uplink, struct uplink_record *record);
void state_forget_uplink(struct state *st, const char *uplink);

/* Count as a user of @uplink for as long as the returned fd (>= 0) is open: a shared lock
 * on users-<uplink>, which the kernel drops when netjail dies.  Or -errno. */
int state_join_uplink(struct state *st, const char *uplink);
/* 1 if a netjail other than the holder of @own_fd (from state_join_uplink, or -1) uses
 * @uplink, 0 if none does, or -errno.  O(1): no look at the jails themselves. */
int state_uplink_in_use(struct state *st, const char *uplink, int own_fd);

typedef int (*state_uplink_visit_fn)(const char *uplink, void *data);
/* Call @visit for every uplink that has a record. */
int state_for_each_uplink(struct state *st, state_uplink_visit_fn visit, void *data);

#endif
