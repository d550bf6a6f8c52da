/* Unit tests for conf_parse(): netjail.conf(5) from text to struct netjail_conf. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/netfilter.h>

#include "conf.h"
#include "pool.h"

#include "check.h"

static struct netjail_conf conf;
static char why[256];

/* conf_parse() over fresh defaults, as conf_load() does. */
static int parse(const char *text)
{
	conf_defaults(&conf);
	why[0] = '\0';
	return conf_parse(text, "test.conf", &conf, why, sizeof(why));
}

/* Fails to parse, with "test.conf:LINE: ..." mentioning @words. */
static int refused_at(const char *text, int line, const char *words)
{
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "test.conf:%d: ", line);
	return parse(text) == -EINVAL && !strncmp(why, prefix, strlen(prefix)) &&
	       strstr(why, words) != NULL;
}

static bool has_control_chars(const char *text)
{
	for (; *text; text++)
		if ((unsigned char)*text < 0x20 || (unsigned char)*text >= 0x7f)
			return true;
	return false;
}

static void test_defaults(void)
{
	conf_defaults(&conf);
	CHECK(!conf.restricts_interfaces && conf.interface_count == 0);
	CHECK(!memcmp(&conf.pool, &pool_defaults, sizeof(conf.pool)));
	CHECK(pool_slot_count(&conf.pool) == 255);
	CHECK(conf_allows_interface(&conf, "wlan0") && conf_allows_interface(&conf, "anything"));

	/* An empty file and one with only comments change nothing. */
	CHECK(parse("") == 0 && !conf.restricts_interfaces);
	CHECK(!memcmp(&conf.pool, &pool_defaults, sizeof(conf.pool)));
	CHECK(parse("# comment\n; another\n\n[policy]\n[network]\n") == 0);
	CHECK(!conf.restricts_interfaces && !memcmp(&conf.pool, &pool_defaults, sizeof(conf.pool)));
}

static void test_interfaces(void)
{
	CHECK(parse("[policy]\ninterfaces = wlan0, eth0 wg0,,\tenp*\n") == 0);
	CHECK(conf.restricts_interfaces && conf.interface_count == 4);
	CHECK(!strcmp(conf.interfaces[0], "wlan0") && !strcmp(conf.interfaces[1], "eth0"));
	CHECK(!strcmp(conf.interfaces[2], "wg0") && !strcmp(conf.interfaces[3], "enp*"));
	CHECK(conf_allows_interface(&conf, "wlan0") && conf_allows_interface(&conf, "wg0"));
	CHECK(conf_allows_interface(&conf, "enp0s31f6"));
	CHECK(!conf_allows_interface(&conf, "wlan1") && !conf_allows_interface(&conf, "eth"));
	CHECK(!conf_allows_interface(&conf, "veth0"));

	CHECK(parse("[policy]\ninterfaces = wl*\n") == 0);
	CHECK(conf_allows_interface(&conf, "wlan0") && conf_allows_interface(&conf, "wlp2s0"));
	CHECK(!conf_allows_interface(&conf, "eth0") && !conf_allows_interface(&conf, "owl0"));
	CHECK(parse("[policy]\ninterfaces = eth[0-9] tun?\n") == 0 && conf.interface_count == 2);
	CHECK(conf_allows_interface(&conf, "eth7") && !conf_allows_interface(&conf, "eth10"));
	CHECK(conf_allows_interface(&conf, "tun0") && !conf_allows_interface(&conf, "tun"));

	/* An empty list allows no uplink at all. */
	CHECK(parse("[policy]\ninterfaces =\n") == 0);
	CHECK(conf.restricts_interfaces && conf.interface_count == 0);
	CHECK(!conf_allows_interface(&conf, "wlan0") && !conf_allows_interface(&conf, "lo"));
	CHECK(parse("[policy]\ninterfaces = , ,\n") == 0 && conf.restricts_interfaces &&
	      !conf_allows_interface(&conf, "eth0"));

	CHECK(refused_at("[policy]\ninterfaces = wlan0 a/b\n", 2, "invalid interface pattern 'a/b'"));
	CHECK(refused_at("[policy]\ninterfaces = $(id)\n", 2, "invalid interface pattern"));
	CHECK(refused_at("[policy]\ninterfaces = abcdefghijklmnopqrstuvwxyz012345\n", 2, "too long"));
	CHECK(parse("[policy]\ninterfaces = abcdefghijklmnopqrstuvwxyz01234\n") == 0);
}

/* [network] fastpath: yes unless the admin says no; nothing else. */
static void test_fastpath(void)
{
	CHECK(parse("") == 0 && !conf.no_fastpath);
	CHECK(parse("[network]\nfastpath = no\n") == 0 && conf.no_fastpath);
	CHECK(parse("[network]\nfastpath = yes\n") == 0 && !conf.no_fastpath);
	CHECK(refused_at("[network]\nfastpath = off\n", 2, "invalid fastpath 'off': expected yes or no"));
	CHECK(refused_at("[policy]\nfastpath = no\n", 2, "unknown key 'fastpath'"));
}

/* [network] ipv6_forwarding: interface unless the admin says all; nothing else. */
static void test_ipv6_forwarding(void)
{
	conf_defaults(&conf);
	CHECK(conf.ipv6_forwarding == CONF_IPV6_INTERFACE);
	CHECK(parse("[network]\nipv6_forwarding = all\n") == 0 && conf.ipv6_forwarding == CONF_IPV6_ALL);
	CHECK(parse("[network]\nipv6_forwarding = interface\n") == 0 &&
	      conf.ipv6_forwarding == CONF_IPV6_INTERFACE);
	CHECK(refused_at("[network]\nipv6_forwarding = ALL\n", 2,
			 "invalid ipv6_forwarding 'ALL': expected interface or all"));
	CHECK(refused_at("[network]\nipv6_forwarding =\n", 2, "invalid ipv6_forwarding"));
	CHECK(refused_at("[policy]\nipv6_forwarding = all\n", 2, "unknown key 'ipv6_forwarding'"));
}

/* [policy] max_jails_per_user: 32 unless the admin says otherwise, 0 to 65535. */
static void test_max_jails_per_user(void)
{
	conf_defaults(&conf);
	CHECK(conf.max_jails_per_user == 32);
	CHECK(parse("[policy]\ninterfaces = wlan0\n") == 0 && conf.max_jails_per_user == 32);
	CHECK(parse("[policy]\nmax_jails_per_user = 2\n") == 0 && conf.max_jails_per_user == 2);
	CHECK(!conf.restricts_interfaces);
	CHECK(parse("[policy]\nmax_jails_per_user = 0\n") == 0 && conf.max_jails_per_user == 0);
	CHECK(parse("[policy]\nmax_jails_per_user = 0x10\n") == 0 && conf.max_jails_per_user == 16);
	CHECK(parse("[policy]\nmax_jails_per_user = 65535\n") == 0 &&
	      conf.max_jails_per_user == 65535);
	CHECK(refused_at("[policy]\nmax_jails_per_user = 65536\n", 2,
			 "invalid max_jails_per_user '65536': expected a number from 0 to 65535"));
	CHECK(refused_at("[policy]\nmax_jails_per_user = -1\n", 2, "invalid max_jails_per_user"));
	CHECK(refused_at("[policy]\nmax_jails_per_user =\n", 2, "invalid max_jails_per_user"));
	CHECK(refused_at("[policy]\nmax_jails_per_user = 2 # two\n", 2, "invalid max_jails_per_user"));
	CHECK(refused_at("[policy]\nmax_jails_per_user = 2\nmax_jails_per_user = 3\n", 3,
			 "'max_jails_per_user' is set twice"));
	CHECK(refused_at("[network]\nmax_jails_per_user = 2\n", 2, "unknown key 'max_jails_per_user'"));
}

static void test_pool(void)
{
	struct jail_net net;
	char text[INET_ADDRSTRLEN];

	CHECK(parse("[network]\npool = 192.168.77.0/24\n") == 0);
	CHECK(conf.pool.pool_prefix == 24 && conf.pool.pool_base.s_addr == htonl(0xc0a84d00u));
	CHECK(pool_slot_count(&conf.pool) == 63);
	CHECK(pool_slot(&conf.pool, 1, &net) == 0 &&
	      !strcmp(inet_ntop(AF_INET, &net.host_addr, text, sizeof(text)), "192.168.77.5"));
	CHECK(parse("[network]\npool = 10.0.0.0/8\n") == 0 && pool_slot_count(&conf.pool) == 255);
	CHECK(parse("[network]\npool = 172.16.0.16/28\n") == 0 && pool_slot_count(&conf.pool) == 3);

	CHECK(refused_at("[network]\npool = 10.231.0.1/16\n", 2, "host bits"));
	CHECK(refused_at("[network]\npool = 10.0.0.0/7\n", 2, "/8 to /28"));
	CHECK(refused_at("[network]\npool = 10.0.0.0/29\n", 2, "/8 to /28"));
	CHECK(refused_at("[network]\npool = 10.0.0.0\n", 2, "invalid pool"));
	CHECK(refused_at("[network]\npool = 10.0.0/16\n", 2, "invalid pool"));
	CHECK(refused_at("[network]\npool = 10.0.0.0/-16\n", 2, "invalid pool"));
	CHECK(refused_at("[network]\npool = 10.0.0.0/16x\n", 2, "invalid pool"));
	CHECK(refused_at("[network]\npool = 1234567890123456789/8\n", 2, "invalid pool"));
	/* pool.c reads a zero base as the default pool: 0.0.0.0/8 must not become 10.0.0.0/8. */
	CHECK(refused_at("[network]\npool = 0.0.0.0/8\n", 2, "0.0.0.0/8"));
	CHECK(refused_at("[network]\npool = 0.1.0.0/16\n", 2, "0.0.0.0/8"));
	CHECK(parse("[network]\npool = 1.0.0.0/8\n") == 0);
}

static void test_numbers(void)
{
	CHECK(parse("[network]\nfwmark_mask = 0x00ff0000\n") == 0 && conf.pool.mark_mask == 0xff0000u);
	CHECK(parse("[network]\nfwmark_mask = 0xffffffff\n") == 0);
	CHECK(parse("[network]\nfwmark_mask = 0x80000000\n") == 0 && pool_slot_count(&conf.pool) == 1);
	CHECK(refused_at("[network]\nfwmark_mask = 0xff00ff00\n", 2, "contiguous"));
	CHECK(refused_at("[network]\nfwmark_mask = 0\n", 2, "invalid fwmark_mask"));
	CHECK(refused_at("[network]\nfwmark_mask = mark\n", 2, "invalid fwmark_mask"));

	CHECK(parse("[network]\ntable_base = 256\n") == 0 && conf.pool.table_base == 256);
	CHECK(parse("[network]\ntable_base = 0xfffeffff\n") == 0);
	CHECK(refused_at("[network]\ntable_base = 255\n", 2, "invalid table_base"));
	CHECK(refused_at("[network]\ntable_base = 0xffff0000\n", 2, "invalid table_base"));

	CHECK(parse("[network]\nrule_priority = 3\n") == 0 && conf.pool.rule_priority == 3);
	CHECK(refused_at("[network]\nrule_priority = 2\n", 2, "from 3 to 32765"));
	CHECK(parse("[network]\nrule_priority = 32765\n") == 0 && conf.pool.rule_priority == 32765);
	CHECK(refused_at("[network]\nrule_priority = 0\n", 2, "invalid rule_priority"));
	CHECK(refused_at("[network]\nrule_priority = 32766\n", 2, "invalid rule_priority"));
	CHECK(refused_at("[network]\nrule_priority = -1\n", 2, "invalid rule_priority"));

	/* Every key at once, with a comment after a value. */
	CHECK(parse("[policy]\ninterfaces = wlan0\n\n[network]\npool = 10.99.0.0/16 ; lab\n"
		    "fwmark_mask = 0x0000ff00\ntable_base = 1000\nrule_priority = 5000\n") == 0);
	CHECK(conf.pool.pool_prefix == 16 && conf.pool.pool_base.s_addr == htonl(0x0a630000u));
	CHECK(conf.pool.mark_mask == 0xff00u && conf.pool.table_base == 1000 &&
	      conf.pool.rule_priority == 5000);
	CHECK(conf.interface_count == 1 && conf_allows_interface(&conf, "wlan0"));
}

static void test_firewall(void)
{
	CHECK(parse("") == 0 && conf.fw_insert_count == 0 &&
	      !conf_allows_insert(&conf, NFPROTO_INET, "filter", "forward"));
	CHECK(parse("[firewall]\ninsert_into = inet filter forward\n") == 0);
	CHECK(conf.fw_insert_count == 1 && conf_allows_insert(&conf, NFPROTO_INET, "filter", "forward"));
	CHECK(!conf_allows_insert(&conf, NFPROTO_IPV4, "filter", "forward"));
	CHECK(!conf_allows_insert(&conf, NFPROTO_INET, "filter", "FORWARD"));
	CHECK(parse("[firewall]\ninsert_into = inet filter forward,ip6  mine\tfwd , ip x y\n") == 0);
	CHECK(conf.fw_insert_count == 3 && conf_allows_insert(&conf, NFPROTO_IPV6, "mine", "fwd") &&
	      conf_allows_insert(&conf, NFPROTO_IPV4, "x", "y"));
	CHECK(refused_at("[firewall]\ninsert_into = inet filter\n", 2, "expected FAMILY TABLE CHAIN"));
	CHECK(refused_at("[firewall]\ninsert_into = inet filter forward x\n", 2, "invalid insert_into"));
	CHECK(refused_at("[firewall]\ninsert_into = bridge filter forward\n", 2, "invalid family 'bridge'"));
	CHECK(refused_at("[firewall]\ninsert_into = inet fi\"lter forward\n", 2, "invalid insert_into"));
	CHECK(refused_at("[firewall]\ninsert_into =\n", 2, "invalid insert_into") ||
	      parse("[firewall]\ninsert_into =\n") == 0);
	CHECK(refused_at("[firewall]\ninsert_into = ip a b,ip a b,ip a b,ip a b,ip a b,ip a b,"
			 "ip a b,ip a b,ip a b\n", 2, "too many chains"));
	CHECK(refused_at("[firewall]\ninsert_into = ip a b\ninsert_into = ip a b\n", 3,
			 "'insert_into' is set twice"));
}

static void test_errors(void)
{
	CHECK(refused_at("[policy]\ninterface = wlan0\n", 2, "unknown key 'interface' in section [policy]"));
	CHECK(refused_at("pool = 10.0.0.0/8\n", 1, "unknown key 'pool' in section [none]"));
	CHECK(refused_at("[network]\ninterfaces = wlan0\n", 2, "unknown key 'interfaces'"));
	CHECK(refused_at("# netjail\n[nework]\npool = 10.0.0.0/8\n", 3, "in section [nework]"));
	CHECK(refused_at("[policy]\ninterfaces = a\ninterfaces = b\n", 3, "'interfaces' is set twice"));
	CHECK(refused_at("[network]\npool = 10.0.0.0/8\n[network]\npool = 10.0.0.0/8\n", 4,
			 "set twice"));
	CHECK(refused_at("[policy]\nwlan0\n", 2, "syntax error"));
	CHECK(refused_at("[policy\n", 1, "syntax error"));
	/* The first error is the one reported, with its own line. */
	CHECK(refused_at("[network]\nrule_priority = 0\nbogus = 1\n", 2, "rule_priority"));
	CHECK(refused_at("[network]\nbogus\nrule_priority = 0\n", 2, "syntax error"));
	CHECK(refused_at("[network]\n\nrule_priority = 3\nrule_priority = 4\nx\n", 4, "twice"));

	/* A line too long for inih is refused, not split: the end of a long comment must not
	 * be read as a setting. */
	char text[512];
	snprintf(text, sizeof(text), "[network]\n# %0196d\n", 0);	/* 198 characters */
	CHECK(parse(text) == 0);
	snprintf(text, sizeof(text), "[network]\n#%0198dpool = 10.1.0.0/16\n", 0);
	CHECK(refused_at(text, 2, "line too long"));
	CHECK(conf.pool.pool_base.s_addr == 0);
	snprintf(text, sizeof(text), "x\n#%0300d\n", 0);
	CHECK(refused_at(text, 1, "syntax error"));

	/* The smallest pool and mask the file accepts still leave one slot... */
	CHECK(parse("[network]\npool = 10.0.0.0/28\nfwmark_mask = 0x80000000\n") == 0 &&
	      pool_slot_count(&conf.pool) == 1);
	/* ...but the file is parsed over the caller's values: a pool whose only /30 is
	 * slot 0 leaves none, whatever the mask. */
	conf_defaults(&conf);
	conf.pool.pool_prefix = 30;
	CHECK(conf_parse("[network]\nfwmark_mask = 0xff\n", "test.conf", &conf, why,
			 sizeof(why)) == -EINVAL && strstr(why, "test.conf: ") == why &&
	      strstr(why, "no jail"));

	/* What the file says never reaches the terminal raw. */
	static const char *const hostile[] = {
		"[policy]\ninterfaces = wlan0 \x1b[2J\n",
		"[policy]\nin\x1bterfaces = x\n",
		"[pol\x1bicy]\nx = y\n",
		"[policy]\nx\x7f = y\n",
		"[network]\npool = 10.0.0.0/8\x1b\n",
		"[network]\nfwmark_mask = 1\x01\n",
		"[network]\ntable_base = \2331000\n",	/* \233: CSI */
		"[network]\nrule_priority = 5\x08\x08\n",
		"[network]\npool = 10.\xc3\xa9.0.0/16\n",
		"\x01\n",
	};
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		int err = parse(hostile[i]);

		CHECK(err == -EINVAL && !strncmp(why, "test.conf:", 10));
		CHECK(!has_control_chars(why));
		if (has_control_chars(why))
			printf("# hostile[%zu]: control characters in the message\n", i);
	}
}

int main(void)
{
	test_defaults();
	test_interfaces();
	test_max_jails_per_user();
	test_ipv6_forwarding();
	test_fastpath();
	test_pool();
	test_numbers();
	test_firewall();
	test_errors();
	return CHECK_DONE("conf");
}
