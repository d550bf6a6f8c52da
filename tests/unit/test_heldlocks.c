/* Unit tests for held_locks_parse(): /proc/locks text to the inodes held on one device. */
#include <errno.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "heldlocks.h"

#include "check.h"

static struct held_locks held;

static int parse(const char *text, dev_t dev)
{
	held_locks_free(&held);
	return held_locks_parse(&held, text, strlen(text), dev);
}

int main(void)
{
	dev_t tmpfs = makedev(0, 0x1a), other = makedev(8, 1);

	/* What fs/locks.c writes: holders, a waiter, other kinds of lock, other devices. */
	CHECK(parse("1: FLOCK  ADVISORY  WRITE 4242 00:1a:1234 0 EOF\n"
		    "1: -> FLOCK  ADVISORY  WRITE 4243 00:1a:777 0 EOF\n"
		    "2: FLOCK  ADVISORY  READ 4242 00:1a:99 0 EOF\n"
		    "3: POSIX  ADVISORY  WRITE 17 08:01:1234 0 EOF\n"
		    "4: OFDLCK ADVISORY  READ -1 00:1a:5 0 9\n"
		    "5: LEASE  ACTIVE    READ 12 00:1a:6 0 EOF\n", tmpfs) == 0);
	CHECK(held.count == 4);
	CHECK(held_locks_has(&held, 1234) && held_locks_has(&held, 99));
	CHECK(held_locks_has(&held, 5) && held_locks_has(&held, 6));
	CHECK(!held_locks_has(&held, 777));	/* only waited for */
	CHECK(parse("3: POSIX  ADVISORY  WRITE 17 08:01:1234 0 EOF\n", other) == 0 &&
	      held.count == 1 && held_locks_has(&held, 1234));
	/* Hex device numbers, a decimal inode, no newline at the end, empty lines. */
	CHECK(parse("\n12: FLOCK  ADVISORY  WRITE 1 fd:0b:18446744073709551615 0 EOF",
		    makedev(0xfd, 0x0b)) == 0 && held.count == 1);
	CHECK(parse("", tmpfs) == 0 && held.count == 0);
	/* Anything else is no hint at all. */
	CHECK(parse("1: FLOCK  ADVISORY  WRITE 4242 00:1a:12x4 0 EOF\n", tmpfs) == -EINVAL);
	CHECK(parse("1: FLOCK  ADVISORY  WRITE 4242 00:1A:1234 0 EOF\n", tmpfs) == -EINVAL);
	CHECK(parse("1: FLOCK  ADVISORY  WRITE 4242 00::1234 0 EOF\n", tmpfs) == -EINVAL);
	CHECK(parse("1: FLOCK  ADVISORY  WRITE 4242 0 EOF\n", tmpfs) == -EINVAL);
	CHECK(parse("1: FLOCK  ADVISORY  WRITE 1 00:1a:99999999999999999999 0 EOF\n", tmpfs) ==
	      -EINVAL);
	held_locks_free(&held);
	return CHECK_DONE("heldlocks");
}
