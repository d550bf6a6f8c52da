/* list.c - describe the running jails from what the kernel shows: each jail's host veth
 * carries its netjail's pid, uplink and reaper's pid in its alias, and its name gives the
 * slot, from which the pool derives the jail's address; the traffic figures are the
 * counters of the jail's nftables table; its processes are the reaper's descendants
 * (jailprocs.c), which outlive COMMAND in a jail whose programs went to the background.  Three steps, so that main can drop privileges between the counters
 * (which need CAP_NET_ADMIN) and /proc (which must be read as the caller).
 *
 * Output, for people (a table) or for scripts (--json).  The command lines are other users'
 * text: the table shows every control or non-ASCII byte as '?', and JSON escapes controls
 * (C1 and the Unicode line and bidi controls included) and replaces every byte >= 0x80 of an
 * argument that is not valid UTF-8 by U+FFFD, so neither can drive the reader's terminal.
 * With no jail, the table is empty (stdout stays empty so scripts can test it; a person at a
 * terminal gets one line on stderr) and the JSON is [].
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostnet.h"
#include "jailname.h"
#include "jailprocs.h"
#include "link.h"
#include "list.h"
#include "log.h"
#include "nft.h"
#include "pool.h"

#define LIST_MAX 1024
/* Longer command lines are cut there (the last argument shown is then cut short). */
#define COMMAND_LINE_MAX 65536
/* The jail's processes (jailprocs.c) shown by pid; more are counted only. */
#define PROCS_SHOWN 64

struct jail_entry {
	pid_t pid;
	pid_t reaper;		/* 0: a netjail from before reapers, whose processes are not known */
	char uplink[IFNAMSIZ];
	char name[JAIL_NAME_MAX + 1];	/* --name, or "" */
	uid_t owner;			/* whose it is, if it has a name */
	struct jail_net net;
	bool has_counters;
	struct nft_counters counters;
};

struct listing {
	const struct pool_config *cfg;
	unsigned count;
	struct jail_entry jails[LIST_MAX];
};

/* A command line as /proc shows it: arguments each ended by a NUL (the last one maybe not,
 * if the process rewrote it). */
struct command_line {
	size_t len;
	char text[COMMAND_LINE_MAX];
};

static int collect_jail(const struct link_info *link, void *data)
{
	struct listing *listing = data;
	struct jail_entry *jail = &listing->jails[listing->count];
	unsigned slot = pool_slot_of_veth(listing->cfg, link->name);

	if (listing->count == LIST_MAX || !slot ||
	    jail_alias_parse(link->alias, &jail->pid, jail->uplink))
		return 0;
	jail->reaper = jail_alias_reaper(link->alias);
	if (jail_name_of_alias(link->alias, jail->name, &jail->owner))
		jail->name[0] = '\0';
	pool_slot(listing->cfg, slot, &jail->net);
	listing->count++;
	return 0;
}

int list_collect(struct nl *nl, const struct pool_config *cfg, struct listing **out)
{
	/* On the heap, not in .bss: at LIST_MAX jails it is over 200 KB, which every run would
	 * otherwise map before main() (under a low ulimit -d, ld.so itself fails then, and the
	 * limit is never named).  Kept until exit: --list ends the process. */
	static struct listing *listing;
	int err, tries = 0;

	if (!listing && !(listing = malloc(sizeof(*listing))))
		return -ENOMEM;
	/* Collect first: reading /proc inside the dump callback would stall the dump.  A dump
	 * the kernel marks interrupted (jails came or went meanwhile) is read again: under
	 * churn, scripts must still get a whole listing. */
	do {
		memset(listing, 0, sizeof(*listing));
		listing->cfg = cfg;
		err = link_for_each(nl, collect_jail, listing);
	} while (err == -EINTR && ++tries < NL_DUMP_TRIES);
	*out = listing;
	return err;
}

void list_read_counters(struct nl *nft, struct listing *listing)
{
	for (unsigned i = 0; i < listing->count; i++) {
		struct jail_entry *jail = &listing->jails[i];
		char table[32];

		snprintf(table, sizeof(table), "netjail%u", jail->net.slot);
		jail->has_counters = nft_read_counters(nft, table, &jail->counters) == 0;
	}
}

/* netjail's own command line, read as the caller.  0, or -errno (-ESRCH if the process is
 * gone or shows none, as a zombie does). */
static int read_command_line(pid_t pid, struct command_line *cmd)
{
	char path[64];
	ssize_t got;
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	cmd->len = 0;
	while (cmd->len < sizeof(cmd->text)) {
		got = read(fd, cmd->text + cmd->len, sizeof(cmd->text) - cmd->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			err = -errno;
		if (got <= 0)
			break;
		cmd->len += (size_t)got;
	}
	close(fd);
	if (!err && cmd->len == 0)
		err = -ESRCH;
	return err;
}

/* The argument of @cmd that starts at *@pos: its length, and *@pos moved past it; false once
 * there are no more. */
static bool next_argument(const struct command_line *cmd, size_t *pos, const char **arg,
			  size_t *len)
{
	const char *end;

	if (*pos >= cmd->len)
		return false;
	*arg = cmd->text + *pos;
	end = memchr(*arg, '\0', cmd->len - *pos);
	*len = end ? (size_t)(end - *arg) : cmd->len - *pos;
	*pos += *len + 1;
	return true;
}

/* ---------------------------------------------------------------------------- JSON */

/* The length of the valid UTF-8 sequence at @text (at most @len bytes), its code point in
 * *@code; 0 if there is none there (RFC 3629: no overlong form, no surrogate, nothing above
 * U+10FFFF). */
static size_t utf8_sequence(const unsigned char *text, size_t len, uint32_t *code)
{
	static const uint32_t least[] = { 0, 0, 0x80, 0x800, 0x10000 };
	uint32_t value;
	size_t n;

	if (text[0] < 0x80) {
		*code = text[0];
		return 1;
	}
	if (text[0] >= 0xc2 && text[0] < 0xe0)
		n = 2;
	else if (text[0] >= 0xe0 && text[0] < 0xf0)
		n = 3;
	else if (text[0] >= 0xf0 && text[0] < 0xf5)
		n = 4;
	else
		return 0;
	if (n > len)
		return 0;
	value = text[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((text[i] & 0xc0) != 0x80)
			return 0;
		value = value << 6 | (text[i] & 0x3f);
	}
	if (value < least[n] || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff))
		return 0;
	*code = value;
	return n;
}

static bool utf8_valid(const unsigned char *text, size_t len)
{
	uint32_t code;
	size_t n;

	for (size_t i = 0; i < len; i += n) {
		n = utf8_sequence(text + i, len - i, &code);
		if (!n)
			return false;
	}
	return true;
}

/* Code points a terminal or a viewer may act on rather than show: C0, DEL and C1 controls,
 * the line and paragraph separators, and the bidi controls that reorder what is shown. */
static bool is_control(uint32_t code)
{
	return code < 0x20 || (code >= 0x7f && code < 0xa0) || code == 0x200e || code == 0x200f ||
	       (code >= 0x2028 && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

/* @len bytes of @text as one JSON string (RFC 8259). */
static void json_string(const char *text, size_t len)
{
	const unsigned char *bytes = (const unsigned char *)text;
	bool valid = utf8_valid(bytes, len);
	uint32_t code;
	size_t n;

	putchar('"');
	for (size_t i = 0; i < len; i += n) {
		n = 1;
		code = bytes[i];
		if (valid)
			n = utf8_sequence(bytes + i, len - i, &code);
		if (code >= 0x80 && !valid)
			fputs("\\ufffd", stdout);
		else if (code == '"' || code == '\\')
			printf("\\%c", (char)code);
		else if (is_control(code))
			printf("\\u%04" PRIx32, code);
		else
			fwrite(bytes + i, 1, n, stdout);
	}
	putchar('"');
}

static void json_counter(const char *name, uint64_t value, bool known)
{
	if (known)
		printf(",\"%s\":%" PRIu64, name, value);
	else
		printf(",\"%s\":null", name);
}

static void json_command(pid_t pid)
{
	static struct command_line cmd;
	const char *arg;
	size_t pos = 0, len;

	if (read_command_line(pid, &cmd)) {
		fputs("null", stdout);
		return;
	}
	putchar('[');
	while (next_argument(&cmd, &pos, &arg, &len)) {
		if (arg != cmd.text)
			putchar(',');
		json_string(arg, len);
	}
	putchar(']');
}

/* The jail's processes, joined programs' included: how many, the first PROCS_SHOWN of
 * them in @pids; or -errno (-ENOENT: unknown, a netjail from before reapers). */
static int jail_procs(const struct jail_entry *jail, pid_t pids[PROCS_SHOWN])
{
	if (!jail->reaper)
		return -ENOENT;
	if (jail->name[0])
		return jail_procs_with_joined(jail->reaper, jail->net.host_veth, jail->owner, pids,
					      PROCS_SHOWN);
	return jail_procs_of(jail->reaper, pids, PROCS_SHOWN);
}

/* The pids of the jail's processes (the first PROCS_SHOWN), or null if unknown. */
static void json_processes(const struct jail_entry *jail)
{
	pid_t pids[PROCS_SHOWN];
	int count = jail_procs(jail, pids);

	if (count < 0) {
		fputs("null", stdout);
		return;
	}
	putchar('[');
	for (int i = 0; i < count && i < PROCS_SHOWN; i++)
		printf(i ? ",%d" : "%d", (int)pids[i]);
	putchar(']');
}

static void print_json(const struct listing *listing)
{
	if (!listing->count) {
		puts("[]");
		return;
	}
	puts("[");
	for (unsigned i = 0; i < listing->count; i++) {
		const struct jail_entry *jail = &listing->jails[i];
		char address[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &jail->net.jail_addr, address, sizeof(address));
		printf("  {\"pid\":%d,\"jail\":", (int)jail->pid);
		json_string(jail->net.host_veth, strlen(jail->net.host_veth));
		fputs(",\"uplink\":", stdout);
		json_string(jail->uplink, strlen(jail->uplink));
		printf(",\"address\":\"%s\"", address);
		json_counter("out_packets", jail->counters.egress_packets, jail->has_counters);
		json_counter("out_bytes", jail->counters.egress_bytes, jail->has_counters);
		json_counter("dropped", jail->counters.fail_closed_packets, jail->has_counters);
		fputs(",\"name\":", stdout);
		if (jail->name[0])
			json_string(jail->name, strlen(jail->name));
		else
			fputs("null", stdout);
		fputs(",\"processes\":", stdout);
		json_processes(jail);
		fputs(",\"command\":", stdout);
		json_command(jail->pid);
		puts(i + 1 < listing->count ? "}," : "}");
	}
	puts("]");
}

/* ---------------------------------------------------------------------------- table */

/* The columns before COMMAND, which is last and not padded. */
enum { COL_PID, COL_JAIL, COL_UPLINK, COL_ADDRESS, COL_PACKETS, COL_BYTES, COL_DROPPED,
       COL_PROCS, COL_NAME, COLUMNS };
#define CELL_MAX 40	/* a uint64_t's 20 digits, an address, an interface name, a jail name */

static const struct {
	const char *heading;
	bool numeric;		/* right-aligned */
} columns[COLUMNS] = {
	[COL_PID] = { "PID", true },
	[COL_JAIL] = { "JAIL", false },
	[COL_UPLINK] = { "UPLINK", false },
	[COL_ADDRESS] = { "ADDRESS", false },
	[COL_PACKETS] = { "OUT-PKTS", true },
	[COL_BYTES] = { "OUT-BYTES", true },
	[COL_DROPPED] = { "DROPPED", true },
	[COL_PROCS] = { "PROCS", false },
	[COL_NAME] = { "NAME", false },
};

static void format_count(char *cell, uint64_t value, bool known)
{
	if (known)
		snprintf(cell, CELL_MAX, "%" PRIu64, value);
	else
		snprintf(cell, CELL_MAX, "-");
}

/* "N:PID,PID...": how many processes the jail has and the first of their pids, as many
 * as fit ("+" at the end if not all); "-" if unknown. */
static void format_procs(char *cell, const struct jail_entry *jail)
{
	pid_t pids[PROCS_SHOWN];
	int count = jail_procs(jail, pids);
	size_t len;

	if (count < 0) {
		snprintf(cell, CELL_MAX, "-");
		return;
	}
	len = (size_t)snprintf(cell, CELL_MAX, "%d", count);
	for (int i = 0; i < count && i < PROCS_SHOWN; i++) {
		char next[16];
		size_t more = (size_t)snprintf(next, sizeof(next), "%c%d", i ? ',' : ':', (int)pids[i]);

		if (len + more + 1 >= CELL_MAX) {
			snprintf(cell + len, CELL_MAX - len, "+");
			return;
		}
		memcpy(cell + len, next, more + 1);
		len += more;
	}
}

static void format_row(const struct jail_entry *jail, char cells[COLUMNS][CELL_MAX])
{
	snprintf(cells[COL_PID], CELL_MAX, "%d", (int)jail->pid);
	snprintf(cells[COL_JAIL], CELL_MAX, "%s", jail->net.host_veth);
	snprintf(cells[COL_UPLINK], CELL_MAX, "%s", jail->uplink);
	inet_ntop(AF_INET, &jail->net.jail_addr, cells[COL_ADDRESS], CELL_MAX);
	format_count(cells[COL_PACKETS], jail->counters.egress_packets, jail->has_counters);
	format_count(cells[COL_BYTES], jail->counters.egress_bytes, jail->has_counters);
	format_count(cells[COL_DROPPED], jail->counters.fail_closed_packets, jail->has_counters);
	format_procs(cells[COL_PROCS], jail);
	snprintf(cells[COL_NAME], CELL_MAX, "%s", jail->name[0] ? jail->name : "-");
}

static void print_cells(const char *const cells[COLUMNS], const int widths[COLUMNS])
{
	for (int col = 0; col < COLUMNS; col++)
		printf(columns[col].numeric ? "%*s  " : "%-*s  ", widths[col], cells[col]);
}

/* The arguments joined by spaces, every control or non-ASCII byte shown as '?' (char may be
 * unsigned: compare as unsigned char). */
static void print_command(pid_t pid)
{
	static struct command_line cmd;
	const char *arg;
	size_t pos = 0, len;

	if (read_command_line(pid, &cmd)) {
		puts("?");
		return;
	}
	while (next_argument(&cmd, &pos, &arg, &len)) {
		if (arg != cmd.text)
			putchar(' ');
		for (size_t i = 0; i < len; i++) {
			unsigned char byte = (unsigned char)arg[i];

			putchar(byte < 0x20 || byte >= 0x7f ? '?' : byte);
		}
	}
	putchar('\n');
}

static void print_table(const struct listing *listing)
{
	const char *headings[COLUMNS], *row[COLUMNS];
	char cells[COLUMNS][CELL_MAX];
	int widths[COLUMNS];

	if (!listing->count) {
		if (isatty(STDOUT_FILENO))
			fputs("netjail: no jail is running\n", stderr);
		return;
	}
	for (int col = 0; col < COLUMNS; col++) {
		headings[col] = columns[col].heading;
		widths[col] = (int)strlen(headings[col]);
		row[col] = cells[col];
	}
	for (unsigned i = 0; i < listing->count; i++) {
		format_row(&listing->jails[i], cells);
		for (int col = 0; col < COLUMNS; col++) {
			int width = (int)strlen(cells[col]);

			widths[col] = width > widths[col] ? width : widths[col];
		}
	}
	print_cells(headings, widths);
	puts("COMMAND");
	for (unsigned i = 0; i < listing->count; i++) {
		format_row(&listing->jails[i], cells);
		print_cells(row, widths);
		print_command(listing->jails[i].pid);
	}
}

void list_print(const struct listing *listing, bool json)
{
	if (json)
		print_json(listing);
	else
		print_table(listing);
	/* A list cut short by a full disk must not pass for the whole list. */
	if (fflush(stdout) || ferror(stdout))
		die("cannot write the list: %s", strerror(errno));
}
