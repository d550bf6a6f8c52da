/* Unit tests for the pure parts: strict parsers, the command line, the address pool. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "pool.h"
#include "util.h"

#include "check.h"

static void test_parse_u32(void)
{
	uint32_t v = 0;

	CHECK(parse_u32("42", 0, 100, &v) == 0 && v == 42);
	CHECK(parse_u32("0x10", 0, 100, &v) == 0 && v == 16);
	CHECK(parse_u32("101", 0, 100, &v) == -ERANGE);
	CHECK(parse_u32("", 0, 100, &v) == -EINVAL);
	CHECK(parse_u32(" 1", 0, 100, &v) == -EINVAL);
	CHECK(parse_u32("-1", 0, 100, &v) == -EINVAL);
	CHECK(parse_u32("1x", 0, 100, &v) == -EINVAL);
	CHECK(parse_u32("99999999999999999999", 0, 0xffffffffu, &v) == -EINVAL);
}

static void test_ifname(void)
{
	CHECK(ifname_is_valid("wlan0"));
	CHECK(ifname_is_valid("enp0s31f6"));
	CHECK(ifname_is_valid("wg-mullvad.1_x"));
	CHECK(ifname_is_valid("abcdefghijklmno"));	/* 15 */
	CHECK(!ifname_is_valid("abcdefghijklmnop"));	/* 16 */
	CHECK(!ifname_is_valid(""));
	CHECK(!ifname_is_valid("."));
	CHECK(!ifname_is_valid(".."));
	CHECK(!ifname_is_valid("a/b"));
	CHECK(!ifname_is_valid("a b"));
	CHECK(!ifname_is_valid("a:b"));
	CHECK(!ifname_is_valid("a\nb"));
	CHECK(!ifname_is_valid("wlan0$(id)"));
}

static void test_jail_name(void)
{
	CHECK(jail_name_is_valid("vpn"));
	CHECK(jail_name_is_valid("work-2.firefox+x_y"));
	CHECK(jail_name_is_valid("01234567890123456789012345678901"));	/* 32 */
	CHECK(!jail_name_is_valid("012345678901234567890123456789012"));	/* 33 */
	CHECK(!jail_name_is_valid(""));
	CHECK(!jail_name_is_valid("."));
	CHECK(!jail_name_is_valid(".."));
	CHECK(!jail_name_is_valid(".hidden"));
	CHECK(!jail_name_is_valid("-x"));
	CHECK(!jail_name_is_valid("a/b"));
	CHECK(!jail_name_is_valid("a:b"));
	CHECK(!jail_name_is_valid("a b"));
	CHECK(!jail_name_is_valid("a\nb"));
	CHECK(!jail_name_is_valid("caf\xc3\xa9"));
	CHECK(!jail_name_is_valid("a=b"));
}

static void test_printable(void)
{
	char buf[80];

	CHECK(!strcmp(printable("a\nb\x1b", buf, sizeof(buf)), "a?b?"));
	CHECK(strlen(printable("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
			       buf, sizeof(buf))) == 64);
}

static int parse(struct cli_options *o, char *why, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	return cli_parse(argc, argv, o, why, 256);
}

static void test_cli(void)
{
	struct cli_options o;
	char why[256];

	char *ok1[] = { "netjail", "-i", "wlan0", "steam", "-i", "x", NULL };
	CHECK(parse(&o, why, ok1) == 0 && o.action == ACTION_RUN && !strcmp(o.uplink, "wlan0"));
	/* Parsing stops at COMMAND: its own options are left alone. */
	CHECK(!strcmp(o.command[0], "steam") && !strcmp(o.command[1], "-i"));

	char *ok2[] = { "netjail", "--interface=wg0", "-g", "10.0.0.1", "-d", "::1", "-v", "--",
			"-weird-command", NULL };
	CHECK(parse(&o, why, ok2) == 0 && o.has_gateway && o.verbose && o.dns_count == 1 &&
	      !strcmp(o.command[0], "-weird-command") && !o.allow_host);
	char *host[] = { "netjail", "-i", "wlan0", "--allow-host", "psql", NULL };
	CHECK(parse(&o, why, host) == 0 && o.allow_host && !strcmp(o.command[0], "psql"));
	char *host_arg[] = { "netjail", "-i", "wlan0", "--allow-host=yes", "psql", NULL };
	CHECK(parse(&o, why, host_arg) == -EINVAL);

	char *help[] = { "netjail", "--help", NULL };
	CHECK(parse(&o, why, help) == 0 && o.action == ACTION_HELP);
	char *list[] = { "netjail", "--list", NULL };
	CHECK(parse(&o, why, list) == 0 && o.action == ACTION_LIST);
	char *both[] = { "netjail", "--list", "--cleanup", NULL };
	CHECK(parse(&o, why, both) == -EINVAL);
	char *extra[] = { "netjail", "--cleanup", "x", NULL };
	CHECK(parse(&o, why, extra) == -EINVAL && strstr(why, "unexpected"));

	char *nocmd[] = { "netjail", "-i", "wlan0", NULL };
	CHECK(parse(&o, why, nocmd) == -EINVAL && strstr(why, "no command"));
	char *noif[] = { "netjail", "true", NULL };
	CHECK(parse(&o, why, noif) == -EINVAL && strstr(why, "-i"));
	char *badif[] = { "netjail", "-i", "a/b", "true", NULL };
	CHECK(parse(&o, why, badif) == -EINVAL && strstr(why, "interface name"));
	char *badgw[] = { "netjail", "-i", "x", "-g", "1.2.3", "true", NULL };
	CHECK(parse(&o, why, badgw) == -EINVAL && strstr(why, "gateway"));
	char *v6gw[] = { "netjail", "-i", "x", "-g", "fe80::1", "true", NULL };
	CHECK(parse(&o, why, v6gw) == -EINVAL);
	char *baddns[] = { "netjail", "-i", "x", "-d", "resolver", "true", NULL };
	CHECK(parse(&o, why, baddns) == -EINVAL && strstr(why, "nameserver"));
	char *unknown[] = { "netjail", "--bogus", "true", NULL };
	CHECK(parse(&o, why, unknown) == -EINVAL && strstr(why, "--bogus"));
	char *unknown_short[] = { "netjail", "-x", "true", NULL };
	CHECK(parse(&o, why, unknown_short) == -EINVAL && strstr(why, "'-x'"));
	char *noarg[] = { "netjail", "-i", NULL };
	CHECK(parse(&o, why, noarg) == -EINVAL && strstr(why, "needs an argument"));
	char *newline[] = { "netjail", "--bogus\nnetjail: forged", "true", NULL };
	CHECK(parse(&o, why, newline) == -EINVAL && !strchr(why, '\n'));

	/* --name, --join: checked names; a joiner picks none of the jail's settings. */
	char *named[] = { "netjail", "--name", "vpn", "-i", "wg0", "firefox", NULL };
	CHECK(parse(&o, why, named) == 0 && o.action == ACTION_RUN && !strcmp(o.name, "vpn"));
	char *badname[] = { "netjail", "--name", "../x", "-i", "wg0", "firefox", NULL };
	CHECK(parse(&o, why, badname) == -EINVAL && strstr(why, "invalid jail name"));
	char *join[] = { "netjail", "--join", "vpn", "thunderbird", "-i", "x", NULL };
	CHECK(parse(&o, why, join) == 0 && o.action == ACTION_JOIN && !strcmp(o.join, "vpn") &&
	      !strcmp(o.command[0], "thunderbird") && !o.uplink);
	char *join_if[] = { "netjail", "--join", "vpn", "-i", "x", "true", NULL };
	CHECK(parse(&o, why, join_if) == -EINVAL && strstr(why, "the jail's"));
	char *join_p[] = { "netjail", "-P", "80:80", "--join", "vpn", "true", NULL };
	CHECK(parse(&o, why, join_p) == -EINVAL && strstr(why, "the jail's"));
	char *join_nocmd[] = { "netjail", "--join", "vpn", NULL };
	CHECK(parse(&o, why, join_nocmd) == -EINVAL && strstr(why, "no command"));
	char *join_list[] = { "netjail", "--join", "vpn", "--list", NULL };
	CHECK(parse(&o, why, join_list) == -EINVAL);
	char *jos[] = { "netjail", "--join-or-start", "-i", "x", "true", NULL };
	CHECK(parse(&o, why, jos) == -EINVAL && strstr(why, "--join-or-start"));
	char *jos_named[] = { "netjail", "--name", "w", "--join-or-start", "-i", "x", "true", NULL };
	CHECK(parse(&o, why, jos_named) == 0 && o.join_or_start);
	char *name_list[] = { "netjail", "--name", "w", "--list", NULL };
	CHECK(parse(&o, why, name_list) == -EINVAL && strstr(why, "--name"));
	char *names[] = { "netjail", "--list-names", NULL };
	CHECK(parse(&o, why, names) == 0 && o.action == ACTION_LIST && o.list_names);

	/* --probe ADDR:PORT, with --check only, numbers only. */
	char *probe4[] = { "netjail", "--check", "-i", "x", "--probe", "203.0.113.10:7", NULL };
	CHECK(parse(&o, why, probe4) == 0 && o.probe.family == AF_INET && o.probe.port == 7 &&
	      o.probe.addr.s_addr == htonl(0xcb00710a));
	char *probe6[] = { "netjail", "--check", "-i", "x", "--probe=[2001:db8::1]:443", NULL };
	CHECK(parse(&o, why, probe6) == 0 && o.probe.family == AF_INET6 && o.probe.port == 443);
	char *probe_run[] = { "netjail", "--probe", "1.2.3.4:5", "-i", "x", "true", NULL };
	CHECK(parse(&o, why, probe_run) == -EINVAL && strstr(why, "--probe goes with --check"));
	static const char *const bad_probes[] = {
		"example.org:80", "1.2.3.4", "1.2.3.4:", "1.2.3.4:0", "1.2.3.4:65536", ":80",
		"2001:db8::1:80", "[2001:db8::1]", "[1.2.3.4]:80", "1.2.3.4:+80", "1.2.3.4:-1",
		"[]:80", "1.2.3.4:80x", "1.2.3.4:0x50", "1.2.3.4: 80",
	};
	for (size_t i = 0; i < sizeof(bad_probes) / sizeof(bad_probes[0]); i++) {
		char *bad[] = { "netjail", "--check", "-i", "x", "--probe", (char *)bad_probes[i], NULL };

		CHECK(parse(&o, why, bad) == -EINVAL && strstr(why, "invalid probe"));
	}
}

static void test_pool(void)
{
	struct pool_config cfg = pool_defaults;
	struct jail_net net;
	char text[INET_ADDRSTRLEN];

	CHECK(pool_slot_count(&cfg) == 255);
	CHECK(pool_slot(&cfg, 0, &net) == -ERANGE);
	CHECK(pool_slot(&cfg, 256, &net) == -ERANGE);
	CHECK(pool_slot(&cfg, 1, &net) == 0);
	CHECK(!strcmp(net.host_veth, "nj1"));
	CHECK(!strcmp(inet_ntop(AF_INET, &net.host_addr, text, sizeof(text)), "10.231.0.5"));
	CHECK(!strcmp(inet_ntop(AF_INET, &net.jail_addr, text, sizeof(text)), "10.231.0.6"));
	CHECK(net.mark == 0x01000000u && net.table == 0x6e6a0001u);
	CHECK(pool_slot(&cfg, 255, &net) == 0);
	CHECK(!strcmp(inet_ntop(AF_INET, &net.subnet, text, sizeof(text)), "10.231.3.252"));
	CHECK((net.mark & ~cfg.mark_mask) == 0);

	CHECK(pool_slot_of_table(&cfg, 0x6e6a0000u) == 0);
	CHECK(pool_slot_of_table(&cfg, 0x6e6a0001u) == 1);
	CHECK(pool_slot_of_table(&cfg, 0x6e6a00ffu) == 255);
	CHECK(pool_slot_of_table(&cfg, 0x6e6a0100u) == 0);
	CHECK(pool_slot_of_table(&cfg, 254) == 0);
	CHECK(pool_slot_of_veth(&cfg, "nj7") == 7);
	CHECK(pool_slot_of_veth(&cfg, "nj07") == 0);
	CHECK(pool_slot_of_veth(&cfg, "nj0x7") == 0);
	CHECK(pool_slot_of_veth(&cfg, "nj0") == 0);
	CHECK(pool_slot_of_veth(&cfg, "nj256") == 0);
	CHECK(pool_slot_of_veth(&cfg, "eth0") == 0);

	/* A small pool limits the slots before the mark bits do. */
	inet_pton(AF_INET, "192.168.77.0", &cfg.pool_base);
	cfg.pool_prefix = 28;
	CHECK(pool_slot_count(&cfg) == 3);

	struct in_addr a, b;
	inet_pton(AF_INET, "10.231.0.4", &a);
	inet_pton(AF_INET, "10.0.0.0", &b);
	CHECK(prefixes_overlap(a, 30, b, 8));
	CHECK(!prefixes_overlap(a, 30, b, 16));
	inet_pton(AF_INET, "10.231.0.6", &b);
	CHECK(prefixes_overlap(a, 30, b, 32));
	inet_pton(AF_INET, "10.231.0.8", &b);
	CHECK(!prefixes_overlap(a, 30, b, 32));
}

static void test_publish(void)
{
	struct publish p;

	CHECK(publish_parse("8080:80", &p) == 0 && p.host_port == 8080 && p.jail_port == 80 &&
	      p.proto == IPPROTO_TCP && !p.has_addr);
	CHECK(publish_parse("5353:53/udp", &p) == 0 && p.proto == IPPROTO_UDP);
	CHECK(publish_parse("80:8080/tcp", &p) == 0 && p.proto == IPPROTO_TCP);
	CHECK(publish_parse("192.0.2.2:80:8080", &p) == 0 && p.has_addr &&
	      p.addr.s_addr == htonl(0xc0000202) && p.host_port == 80 && p.jail_port == 8080);
	CHECK(publish_parse("80", &p) == -EINVAL);
	CHECK(publish_parse(":80", &p) == -EINVAL);
	CHECK(publish_parse("80:", &p) == -EINVAL);
	CHECK(publish_parse("0:80", &p) == -EINVAL);
	CHECK(publish_parse("65536:80", &p) == -EINVAL);
	CHECK(publish_parse("0x50:80", &p) == -EINVAL);
	CHECK(publish_parse("80:80/sctp", &p) == -EINVAL);
	CHECK(publish_parse("80:80/", &p) == -EINVAL);
	CHECK(publish_parse("host:80:80", &p) == -EINVAL);
	CHECK(publish_parse("1:2:3:4", &p) == -EINVAL);
	CHECK(publish_parse("192.0.2.2::80", &p) == -EINVAL);
}

int main(void)
{
	test_parse_u32();
	test_ifname();
	test_jail_name();
	test_printable();
	test_cli();
	test_pool();
	test_publish();
	return CHECK_DONE("unit");
}
