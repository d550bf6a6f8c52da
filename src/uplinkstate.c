/* uplinkstate.c - what netjail changed on uplinks, and who uses them: the files
 * uplink-<IFACE> (the settings from before the first jail) and users-<IFACE> (a shared
 * flock per netjail using the uplink) of the namespace's state directory (state.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "state.h"
#include "statefile.h"
#include "util.h"

#define UPLINK_PREFIX "uplink-"
#define USERS_PREFIX "users-"

int state_join_uplink(struct state *st, const char *uplink)
{
	char name[64];

	snprintf(name, sizeof(name), USERS_PREFIX "%s", uplink);
	return state_open_locked(st, name, LOCK_SH);
}

int state_uplink_in_use(struct state *st, const char *uplink, int own_fd)
{
	char name[64];
	int fd = own_fd, in_use;

	if (fd < 0) {
		snprintf(name, sizeof(name), USERS_PREFIX "%s", uplink);
		fd = root_openat(st->dir_fd, name, O_RDONLY);
		if (fd < 0)
			return errno == ENOENT ? 0 : -errno;
	}
	/* From shared to exclusive: granted only if nobody else holds it.  (Refused, our own
	 * shared lock may be gone: we are leaving anyway.) */
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		in_use = 0;
	else
		in_use = errno == EWOULDBLOCK ? 1 : -errno;
	if (fd != own_fd)
		close(fd);
	return in_use;
}

static void record_name(char *buf, size_t size, const char *uplink)
{
	snprintf(buf, size, UPLINK_PREFIX "%s", uplink);
}

/* The record appears whole or not at all (state_write_whole): a netjail killed half-way,
 * or a full disk, must not leave a record that no later run can read. */
int state_remember_uplink(struct state *st, const char *uplink, const struct uplink_record *record,
			  bool replace)
{
	char name[64], text[64], force_forwarding6[16] = "-";
	int len;

	record_name(name, sizeof(name), uplink);
	if (record->force_forwarding6 != UPLINK_UNKNOWN)
		snprintf(force_forwarding6, sizeof(force_forwarding6), "%u", record->force_forwarding6);
	len = snprintf(text, sizeof(text), "%u %u %s\n", record->forwarding, record->src_valid_mark,
		       force_forwarding6);
	/* Not @replace: a record already kept is the older truth; keep it (unless told to
	 * complete it). */
	return state_write_whole(st, name, text, (size_t)len, replace);
}

int state_recall_uplink(struct state *st, const char *uplink, struct uplink_record *record)
{
	char name[64], text[64], *cursor;
	const char *fields[3];
	ssize_t len;
	int fd;

	record_name(name, sizeof(name), uplink);
	fd = root_openat(st->dir_fd, name, O_RDONLY);
	if (fd < 0)
		return -errno;
	len = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (len <= 0 || text[len - 1] != '\n')
		return -EINVAL;
	text[len - 1] = '\0';
	/* "FORWARDING SRC_VALID_MARK FORCE_FORWARDING6", nothing else.  The third is "-" if
	 * it could not be read, and missing in records of netjail before IPv6 (which did not
	 * read it): unknown either way, and never written back. */
	cursor = text;
	for (int i = 0; i < 3; i++) {
		fields[i] = cursor;
		cursor += strcspn(cursor, " ");
		if (i == 1 && *cursor == '\0') {
			fields[2] = "-";
			break;
		}
		if ((i < 2 && *cursor != ' ') || (i == 2 && *cursor != '\0'))
			return -EINVAL;
		*cursor++ = '\0';
	}
	if (parse_u32(fields[0], 0, 2, &record->forwarding) ||
	    parse_u32(fields[1], 0, 1, &record->src_valid_mark))
		return -EINVAL;
	if (strcmp(fields[2], "-") == 0)
		record->force_forwarding6 = UPLINK_UNKNOWN;
	else if (parse_u32(fields[2], 0, 1, &record->force_forwarding6))
		return -EINVAL;
	return 0;
}

void state_forget_uplink(struct state *st, const char *uplink)
{
	char name[64];

	record_name(name, sizeof(name), uplink);
	root_unlinkat(st->dir_fd, name);
}

struct uplink_walk {
	state_uplink_visit_fn visit;
	void *data;
};

static int visit_uplink_file(const char *name, void *data)
{
	struct uplink_walk *walk = data;

	if (strncmp(name, UPLINK_PREFIX, strlen(UPLINK_PREFIX)) != 0 ||
	    !ifname_is_valid(name + strlen(UPLINK_PREFIX)))
		return 0;
	return walk->visit(name + strlen(UPLINK_PREFIX), walk->data);
}

int state_for_each_uplink(struct state *st, state_uplink_visit_fn visit, void *data)
{
	struct uplink_walk walk = { visit, data };

	return for_each_entry(st, visit_uplink_file, &walk);
}
