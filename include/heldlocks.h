/* heldlocks.h - which files some process holds a lock on, as /proc/locks tells. */
#ifndef NETJAIL_HELDLOCKS_H
#define NETJAIL_HELDLOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct held_locks {
	size_t count, size;
	ino_t *inodes;		/* of files on the device asked about */
};

/* Note in @held the inodes of files on device @dev that /proc/locks-format @text (@len
 * bytes) shows a lock held on; waiters ("->") hold nothing.  0, -EINVAL if a line does
 * not parse, or -ENOMEM. */
int held_locks_parse(struct held_locks *held, const char *text, size_t len, dev_t dev);

/* The same from /proc/locks itself.  0 or -errno (no hint then: @held stays empty). */
int held_locks_read(struct held_locks *held, dev_t dev);

bool held_locks_has(const struct held_locks *held, ino_t inode);
void held_locks_free(struct held_locks *held);

#endif
