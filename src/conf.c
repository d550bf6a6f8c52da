/* conf.c - netjail.conf(5) from text to struct netjail_conf, with no side effects.
 *
 * inih splits the file into (section, key, value); every pair is checked here, strictly:
 * the file decides what unprivileged users may do, so a typo must be an error the admin
 * sees, never a setting silently ignored.  Pure, so it is unit-tested and fuzzed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fnmatch.h>
#include <linux/netfilter.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "initext.h"
#include "util.h"

enum conf_key {
	KEY_INTERFACES,
	KEY_MAX_JAILS_PER_USER,
	KEY_POOL,
	KEY_FWMARK_MASK,
	KEY_TABLE_BASE,
	KEY_RULE_PRIORITY,
	KEY_FW_INSERT_INTO,
	KEY_IPV6_FORWARDING,
	KEY_FASTPATH,
	KEY_COUNT,
};

static const struct {
	const char *section, *name;
} known_keys[KEY_COUNT] = {
	[KEY_INTERFACES] = { "policy", "interfaces" },
	[KEY_MAX_JAILS_PER_USER] = { "policy", "max_jails_per_user" },
	[KEY_POOL] = { "network", "pool" },
	[KEY_FWMARK_MASK] = { "network", "fwmark_mask" },
	[KEY_TABLE_BASE] = { "network", "table_base" },
	[KEY_RULE_PRIORITY] = { "network", "rule_priority" },
	[KEY_FW_INSERT_INTO] = { "firewall", "insert_into" },
	[KEY_IPV6_FORWARDING] = { "network", "ipv6_forwarding" },
	[KEY_FASTPATH] = { "network", "fastpath" },
};

struct parse_state {
	struct ini_text text;	/* first: initext.c's reader uses it */
	struct netjail_conf *conf;
	bool seen[KEY_COUNT];
};

#define REFUSE(...) do { snprintf(ps->text.error, sizeof(ps->text.error), __VA_ARGS__); return -EINVAL; } while (0)
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

static int take_max_jails_per_user(struct parse_state *ps, const char *value)
{
	char shown[72];

	/* 0: only root starts jails.  POOL_MAX_SLOTS and more: no limit but the pool's. */
	if (parse_u32(value, 0, POOL_MAX_SLOTS, &ps->conf->max_jails_per_user))
		REFUSE("invalid max_jails_per_user '%s': expected a number from 0 to %u", SHOW(value),
		       POOL_MAX_SLOTS);
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

	/* 0 is the local table's rule, 32766 and 32767 main's and default's; the jails' gate
	 * takes the two priorities before (gate.c). */
	if (parse_u32(value, 3, 32765, &priority))
		REFUSE("invalid rule_priority '%s': expected a number from 3 to 32765", SHOW(value));
	ps->conf->pool.rule_priority = priority;
	return 0;
}

static bool nft_name_is_valid(const char *name)
{
	size_t len = strlen(name);

	/* What nft(8) takes without quotes, and short enough to keep. */
	return len > 0 && len < CONF_FW_NAME_MAX &&
	       strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789_.-") == len;
}

/* "FAMILY TABLE CHAIN[, FAMILY TABLE CHAIN...]", as nft(8) names a chain. */
static int take_fw_insert_into(struct parse_state *ps, const char *value)
{
	struct netjail_conf *conf = ps->conf;
	char copy[CONF_MAX_FW_CHAINS * (2 * CONF_FW_NAME_MAX + 8)], shown[72], *entry;
	char *save = NULL;

	if (strlen(value) >= sizeof(copy))
		REFUSE("insert_into is too long");
	snprintf(copy, sizeof(copy), "%s", value);
	for (entry = strtok_r(copy, ",", &save); entry; entry = strtok_r(NULL, ",", &save)) {
		char *words[4], *word, *save_word = NULL;
		struct conf_fw_chain *c;
		unsigned n = 0;

		for (word = strtok_r(entry, " \t", &save_word); word && n < 4;
		     word = strtok_r(NULL, " \t", &save_word))
			words[n++] = word;
		if (n != 3 || !nft_name_is_valid(words[1]) || !nft_name_is_valid(words[2]))
			REFUSE("invalid insert_into '%s': expected FAMILY TABLE CHAIN (e.g. "
			       "'inet filter forward'), separated by commas", SHOW(value));
		if (conf->fw_insert_count == CONF_MAX_FW_CHAINS)
			REFUSE("too many chains in insert_into (at most %d)", CONF_MAX_FW_CHAINS);
		c = &conf->fw_insert[conf->fw_insert_count];
		if (!strcmp(words[0], "ip"))
			c->family = NFPROTO_IPV4;
		else if (!strcmp(words[0], "ip6"))
			c->family = NFPROTO_IPV6;
		else if (!strcmp(words[0], "inet"))
			c->family = NFPROTO_INET;
		else
			REFUSE("invalid family '%s' in insert_into: expected ip, ip6 or inet",
			       SHOW(words[0]));
		snprintf(c->table, sizeof(c->table), "%s", words[1]);
		snprintf(c->chain, sizeof(c->chain), "%s", words[2]);
		conf->fw_insert_count++;
	}
	return 0;
}

static int take_ipv6_forwarding(struct parse_state *ps, const char *value)
{
	char shown[72];

	if (strcmp(value, "interface") == 0)
		ps->conf->ipv6_forwarding = CONF_IPV6_INTERFACE;
	else if (strcmp(value, "all") == 0)
		ps->conf->ipv6_forwarding = CONF_IPV6_ALL;
	else
		REFUSE("invalid ipv6_forwarding '%s': expected interface or all", SHOW(value));
	return 0;
}

static int take_fastpath(struct parse_state *ps, const char *value)
{
	char shown[72];

	if (strcmp(value, "yes") == 0)
		ps->conf->no_fastpath = false;
	else if (strcmp(value, "no") == 0)
		ps->conf->no_fastpath = true;
	else
		REFUSE("invalid fastpath '%s': expected yes or no", SHOW(value));
	return 0;
}

static int take(struct parse_state *ps, enum conf_key key, const char *value)
{
	switch (key) {
	case KEY_INTERFACES:
		return take_interfaces(ps, value);
	case KEY_MAX_JAILS_PER_USER:
		return take_max_jails_per_user(ps, value);
	case KEY_POOL:
		return take_pool(ps, value);
	case KEY_FWMARK_MASK:
		return take_fwmark_mask(ps, value);
	case KEY_TABLE_BASE:
		return take_table_base(ps, value);
	case KEY_RULE_PRIORITY:
		return take_rule_priority(ps, value);
	case KEY_FW_INSERT_INTO:
		return take_fw_insert_into(ps, value);
	case KEY_IPV6_FORWARDING:
		return take_ipv6_forwarding(ps, value);
	case KEY_FASTPATH:
		return take_fastpath(ps, value);
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
	if (ps->text.error[0])
		return 0;	/* keep the first error; inih would go on */
	if (key == KEY_COUNT) {
		snprintf(ps->text.error, sizeof(ps->text.error), "unknown key '%s' in section [%s]", SHOW(name),
			 section[0] ? printable(section, shown_section, sizeof(shown_section)) : "none");
		return 0;
	}
	if (ps->seen[key]) {
		snprintf(ps->text.error, sizeof(ps->text.error), "'%s' is set twice", known_keys[key].name);
		return 0;
	}
	ps->seen[key] = true;
	return take(ps, (enum conf_key)key, value) == 0;
}

void conf_defaults(struct netjail_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->pool = pool_defaults;
	conf->max_jails_per_user = CONF_DEFAULT_MAX_JAILS_PER_USER;
}

int conf_parse(const char *text, const char *name, struct netjail_conf *conf,
	       char *why, size_t why_len)
{
	struct parse_state ps = { .conf = conf };
	int err = ini_text_parse(text, name, on_pair, &ps.text, why, why_len);

	if (err)
		return err;
	if (pool_slot_count(&conf->pool) == 0) {
		snprintf(why, why_len, "%s: pool and fwmark_mask leave room for no jail", name);
		return -EINVAL;
	}
	return 0;
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

bool conf_allows_insert(const struct netjail_conf *conf, uint8_t family, const char *table,
			const char *chain)
{
	for (unsigned i = 0; i < conf->fw_insert_count; i++)
		if (conf->fw_insert[i].family == family && !strcmp(conf->fw_insert[i].table, table) &&
		    !strcmp(conf->fw_insert[i].chain, chain))
			return true;
	return false;
}
