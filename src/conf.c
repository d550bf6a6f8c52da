/* conf.c - netjail.conf(5) from text to struct netjail_conf, with no side effects.
 *
 * inih splits the file into (section, key, value); every pair is checked here, strictly:
 * the file decides what unprivileged users may do, so a typo must be an error the admin
 * sees, never a setting silently ignored.  Pure, so it is unit-tested and fuzzed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fnmatch.h>
#include <ini.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "util.h"

enum conf_key {
	KEY_INTERFACES,
	KEY_POOL,
	KEY_FWMARK_MASK,
	KEY_TABLE_BASE,
	KEY_RULE_PRIORITY,
	KEY_COUNT,
};

static const struct {
	const char *section, *name;
} known_keys[KEY_COUNT] = {
	[KEY_INTERFACES] = { "policy", "interfaces" },
	[KEY_POOL] = { "network", "pool" },
	[KEY_FWMARK_MASK] = { "network", "fwmark_mask" },
	[KEY_TABLE_BASE] = { "network", "table_base" },
	[KEY_RULE_PRIORITY] = { "network", "rule_priority" },
};

struct parse_state {
	struct netjail_conf *conf;
	const char *unread;	/* the text inih has not read yet */
	int line;		/* the last line inih read: the error's, once one stops the reading */
	bool seen[KEY_COUNT];
	char error[160];	/* the first error */
};

#define REFUSE(...) do { snprintf(ps->error, sizeof(ps->error), __VA_ARGS__); return -EINVAL; } while (0)
#define SHOW(text) printable((text), shown, sizeof(shown))

static bool glob_is_valid(const char *glob)
{
	size_t len = strlen(glob);

	if (len == 0 || len >= CONF_GLOB_MAX)
		return false;
	/* Interface-name characters and the glob metacharacters fnmatch(3) knows. */
	return strspn(glob, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789_.-*?[]!") == len;
}

static int take_interfaces(struct parse_state *ps, const char *value)
{
	struct netjail_conf *conf = ps->conf;
	char shown[72];
	size_t len;

	conf->restricts_interfaces = true;
	conf->interface_count = 0;
	for (const char *word = value; *(word += strspn(word, ", \t")); word += len) {
		char glob[CONF_GLOB_MAX];

		len = strcspn(word, ", \t");
		if (len >= sizeof(glob))
			REFUSE("interface pattern too long: at most %d characters", CONF_GLOB_MAX - 1);
		memcpy(glob, word, len);
		glob[len] = '\0';
		if (!glob_is_valid(glob))
			REFUSE("invalid interface pattern '%s'", SHOW(glob));
		if (conf->interface_count == CONF_MAX_INTERFACES)
			REFUSE("too many interface patterns: at most %d", CONF_MAX_INTERFACES);
		memcpy(conf->interfaces[conf->interface_count++], glob, len + 1);
	}
	return 0;
}

static int take_pool(struct parse_state *ps, const char *value)
{
	char address[INET_ADDRSTRLEN], shown[72];
	const char *slash = strchr(value, '/');
	struct in_addr base;
	uint32_t prefix;

	if (!slash || (size_t)(slash - value) >= sizeof(address))
		REFUSE("invalid pool '%s': expected an IPv4 network such as 10.231.0.0/16", SHOW(value));
	memcpy(address, value, (size_t)(slash - value));
	address[slash - value] = '\0';
	if (parse_ipv4(address, &base) || parse_u32(slash + 1, 8, 28, &prefix))
		REFUSE("invalid pool '%s': expected an IPv4 network from /8 to /28", SHOW(value));
	/* "This network" (RFC 1122); and pool.c reads a zero base as "the default pool". */
	if ((ntohl(base.s_addr) >> 24) == 0)
		REFUSE("pool '%s' is inside 0.0.0.0/8", SHOW(value));
	if (ntohl(base.s_addr) & ~(0xffffffffu << (32 - prefix)))
		REFUSE("pool '%s' has host bits set", SHOW(value));
	ps->conf->pool.pool_base = base;
	ps->conf->pool.pool_prefix = prefix;
	return 0;
}

static int take_fwmark_mask(struct parse_state *ps, const char *value)
{
	uint32_t mask, low;
	char shown[72];

	if (parse_u32(value, 1, UINT32_MAX, &mask))
		REFUSE("invalid fwmark_mask '%s': expected a number such as 0xff000000", SHOW(value));
	low = mask & -mask;
	/* One run of bits: the slot number is shifted into it and other tools keep the rest. */
	if (((mask + low) & mask) != 0)
		REFUSE("fwmark_mask 0x%x is not one contiguous run of bits", mask);
	ps->conf->pool.mark_mask = mask;
	return 0;
}

static int take_table_base(struct parse_state *ps, const char *value)
{
	uint32_t base;
	char shown[72];

	/* Tables 253-255 (default, main, local) and 0 are the kernel's; stay above them all. */
	if (parse_u32(value, 256, UINT32_MAX - 65536, &base))
		REFUSE("invalid table_base '%s': expected a number from 256 to %u", SHOW(value),
		       UINT32_MAX - 65536);
	ps->conf->pool.table_base = base;
	return 0;
}

static int take_rule_priority(struct parse_state *ps, const char *value)
{
	uint32_t priority;
	char shown[72];

	/* 0 is the local table's rule, 32766 and 32767 main's and default's. */
	if (parse_u32(value, 1, 32765, &priority))
		REFUSE("invalid rule_priority '%s': expected a number from 1 to 32765", SHOW(value));
	ps->conf->pool.rule_priority = priority;
	return 0;
}

static int take(struct parse_state *ps, enum conf_key key, const char *value)
{
	switch (key) {
	case KEY_INTERFACES:
		return take_interfaces(ps, value);
	case KEY_POOL:
		return take_pool(ps, value);
	case KEY_FWMARK_MASK:
		return take_fwmark_mask(ps, value);
	case KEY_TABLE_BASE:
		return take_table_base(ps, value);
	case KEY_RULE_PRIORITY:
		return take_rule_priority(ps, value);
	case KEY_COUNT:
		break;
	}
	return -EINVAL;
}

/* inih's callback: 1 to go on, 0 to report an error on this line. */
static int on_pair(void *data, const char *section, const char *name, const char *value)
{
	struct parse_state *ps = data;
	char shown[72], shown_section[72];
	int key;

	for (key = 0; key < KEY_COUNT; key++)
		if (!strcmp(section, known_keys[key].section) && !strcmp(name, known_keys[key].name))
			break;
	if (ps->error[0])
		return 0;	/* keep the first error; inih would go on */
	if (key == KEY_COUNT) {
		snprintf(ps->error, sizeof(ps->error), "unknown key '%s' in section [%s]", SHOW(name),
			 section[0] ? printable(section, shown_section, sizeof(shown_section)) : "none");
		return 0;
	}
	if (ps->seen[key]) {
		snprintf(ps->error, sizeof(ps->error), "'%s' is set twice", known_keys[key].name);
		return 0;
	}
	ps->seen[key] = true;
	return take(ps, (enum conf_key)key, value) == 0;
}

/* inih's reader, fgets(3)-like: one line per call, counted, since inih tells the handler
 * no line number; reading stops at our first error, so ps->line is then its line.  A line
 * longer than inih's buffer is refused: inih would read the rest as a line of its own, and
 * the end of a long comment could be taken as a setting. */
static char *read_line(char *buf, int size, void *data)
{
	struct parse_state *ps = data;
	size_t len = strcspn(ps->unread, "\n");

	if (!ps->unread[0] || ps->error[0])
		return NULL;
	ps->line++;
	if (len + 2 > (size_t)size) {
		snprintf(ps->error, sizeof(ps->error), "line too long: at most %d characters", size - 2);
		return NULL;
	}
	len += ps->unread[len] == '\n';
	memcpy(buf, ps->unread, len);
	buf[len] = '\0';
	ps->unread += len;
	return buf;
}

void conf_defaults(struct netjail_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->pool = pool_defaults;
}

int conf_parse(const char *text, const char *name, struct netjail_conf *conf,
	       char *why, size_t why_len)
{
	struct parse_state ps = { .conf = conf, .unread = text };
	int line = ini_parse_stream(read_line, &ps, on_pair, &ps);

	/* inih returns its first bad line: a syntax error, or ours if none came before it. */
	if (line < 0)
		snprintf(why, why_len, "%s: cannot be parsed", name);
	else if (ps.error[0] && (line == 0 || line == ps.line))
		snprintf(why, why_len, "%s:%d: %s", name, ps.line, ps.error);
	else if (line > 0)
		snprintf(why, why_len, "%s:%d: syntax error: expected [section] or key = value",
			 name, line);
	else if (pool_slot_count(&conf->pool) == 0)
		snprintf(why, why_len, "%s: pool and fwmark_mask leave room for no jail", name);
	else
		return 0;
	return -EINVAL;
}

bool conf_allows_interface(const struct netjail_conf *conf, const char *ifname)
{
	if (!conf->restricts_interfaces)
		return true;
	for (unsigned i = 0; i < conf->interface_count; i++)
		if (fnmatch(conf->interfaces[i], ifname, 0) == 0)
			return true;
	return false;
}
