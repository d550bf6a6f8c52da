/* heldlocks.c - which files some process holds a lock on, as /proc/locks tells.
 *
 * A dead jail is told from a live one by its slot file's lock: taking it costs an open, a
 * flock and a close per slot, 300 system calls in every start with a hundred jails alive,
 * whose answer is nearly always "alive".  /proc/locks lists every lock held, by device
 * and inode, in one read (fs/locks.c, lock_get_status):
 *
 *   1: FLOCK  ADVISORY  WRITE 4242 00:1a:1234 0 EOF
 *   1: -> FLOCK  ADVISORY  WRITE 4243 00:1a:1234 0 EOF      (a waiter: holds nothing)
 *
 * It is a hint, never the authority.  A slot shown held is passed over this time (its
 * holder lives, or died after the read and the next run cleans it up); a slot not shown
 * (its holder is outside this /proc's pid namespace, the list was too long, /proc is not
 * there) has its lock tried as before.  So it can spare lock tries, never make netjail
 * take a live jail for dead: only a lock netjail itself was granted does that.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "heldlocks.h"

/* Past this, the list is left unread: no hint, and every slot's lock is tried. */
#define HELD_LOCKS_MAX_BYTES (64 * 1024)	/* about a thousand locks */

static int note_inode(struct held_locks *held, ino_t inode)
{
	if (held->count == held->size) {
		size_t size = held->size ? held->size * 2 : 64;
		ino_t *inodes = reallocarray(held->inodes, size, sizeof(*inodes));

		if (!inodes)
			return -ENOMEM;
		held->inodes = inodes;
		held->size = size;
	}
	held->inodes[held->count++] = inode;
	return 0;
}

/* Parse an unsigned number of @base from [@s, @end) up to @stop (or @end).  0 or -EINVAL. */
static int parse_number(const char **s, const char *end, int base, char stop, uint64_t *out)
{
	uint64_t value = 0;
	const char *p = *s;

	for (; p < end && *p != stop; p++) {
		unsigned digit;

		if (*p >= '0' && *p <= '9')
			digit = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			digit = (unsigned)(*p - 'a' + 10);
		else
			return -EINVAL;
		if (value > (UINT64_MAX - digit) / (uint64_t)base)
			return -EINVAL;
		value = value * (uint64_t)base + digit;
	}
	if (p == *s)
		return -EINVAL;
	*s = p;
	*out = value;
	return 0;
}

/* One line, [@line, @end): its "MAJOR:MINOR:INODE" word, if it holds a lock. */
static int parse_line(struct held_locks *held, const char *line, const char *end, dev_t dev)
{
	uint64_t major_no, minor_no, inode;
	const char *word = line, *next;

	if (line == end)
		return 0;
	for (int i = 0; word < end; i++, word = next + 1) {
		next = memchr(word, ' ', (size_t)(end - word));
		if (!next)
			next = end;
		if (next == word)
			continue;	/* the runs of spaces between the words */
		if (i == 1 && next - word == 2 && !memcmp(word, "->", 2))
			return 0;	/* waiting for the lock, not holding it */
		if (!memchr(word, ':', (size_t)(next - word)) || next[-1] == ':')
			continue;	/* "1:" and other words */
		if (parse_number(&word, next, 16, ':', &major_no) || ++word >= next ||
		    parse_number(&word, next, 16, ':', &minor_no) || ++word >= next ||
		    parse_number(&word, next, 10, ' ', &inode) || word != next)
			return -EINVAL;
		if (major_no != major(dev) || minor_no != minor(dev))
			return 0;
		return note_inode(held, (ino_t)inode);
	}
	return -EINVAL;
}

int held_locks_parse(struct held_locks *held, const char *text, size_t len, dev_t dev)
{
	const char *end = text + len;

	while (text < end) {
		const char *line_end = memchr(text, '\n', (size_t)(end - text));
		int err;

		if (!line_end)
			line_end = end;
		err = parse_line(held, text, line_end, dev);
		if (err)
			return err;
		text = line_end + 1;
	}
	return 0;
}

int held_locks_read(struct held_locks *held, dev_t dev)
{
	int fd = open("/proc/locks", O_RDONLY | O_CLOEXEC), err = 0;
	size_t len = 0;
	char *text;

	if (fd < 0)
		return -errno;
	text = malloc(HELD_LOCKS_MAX_BYTES);
	while (text && len < HELD_LOCKS_MAX_BYTES) {
		ssize_t got = read(fd, text + len, HELD_LOCKS_MAX_BYTES - len);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			err = -errno;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	if (!text)
		return -ENOMEM;
	if (!err && len == HELD_LOCKS_MAX_BYTES)
		err = -E2BIG;
	if (!err)
		err = held_locks_parse(held, text, len, dev);
	free(text);
	if (err)
		held->count = 0;
	return err;
}

bool held_locks_has(const struct held_locks *held, ino_t inode)
{
	for (size_t i = 0; i < held->count; i++)
		if (held->inodes[i] == inode)
			return true;
	return false;
}

void held_locks_free(struct held_locks *held)
{
	free(held->inodes);
	*held = (struct held_locks){ 0 };
}
