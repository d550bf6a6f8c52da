/* test_resolvconf.c - the jail's resolv.conf and nsswitch.conf text. */
#include <string.h>

#include "check.h"
#include "resolvconf.h"

static void test_parse(void)
{
	struct nameservers ns = { .count = 0 };

	nameservers_from_resolv_conf("# c\nnameserver 127.0.0.53\nnameserver\t9.9.9.9 \n"
				     "nameserver fe80::1%eth0\nnameserver 2001:DB8::1\n"
				     "nameserver bogus\nnameserver 9.9.9.9\nsearch x", &ns);
	CHECK(ns.count == 3);
	CHECK(!strcmp(ns.addr[0], "127.0.0.53"));
	CHECK(!strcmp(ns.addr[1], "9.9.9.9"));
	CHECK(!strcmp(ns.addr[2], "2001:db8::1"));	/* canonical, and duplicates dropped */

	ns.count = 0;
	nameservers_from_words("1.1.1.1 9.9.9.9:53 8.8.8.8:853 [2001:db8::2]:53 [2001:db8::3]:5353 "
			       "10.0.0.1#dns.example fe80::1%3 2001:db8::4 [x", &ns);
	CHECK(ns.count == 5);
	CHECK(!strcmp(ns.addr[0], "1.1.1.1"));
	CHECK(!strcmp(ns.addr[1], "9.9.9.9"));
	CHECK(!strcmp(ns.addr[2], "2001:db8::2"));
	CHECK(!strcmp(ns.addr[3], "10.0.0.1"));
	CHECK(!strcmp(ns.addr[4], "2001:db8::4"));
}

static void test_reachable(void)
{
	struct nameservers ns = { .count = 0 };

	CHECK(nameserver_is_host_local("127.0.0.53"));
	CHECK(nameserver_is_host_local("127.1.2.3"));
	CHECK(nameserver_is_host_local("::1"));
	CHECK(nameserver_is_host_local("0.0.0.0"));
	CHECK(nameserver_is_host_local("fe80::1"));
	CHECK(!nameserver_is_host_local("192.168.1.1"));
	CHECK(!nameserver_is_host_local("2001:db8::1"));
	nameservers_from_resolv_conf("nameserver 127.0.0.1\nnameserver 2001:db8::1\n"
				     "nameserver 10.0.0.1\n", &ns);
	nameservers_keep_reachable(&ns, false);
	CHECK(ns.count == 1 && !strcmp(ns.addr[0], "10.0.0.1"));
	ns.count = 0;
	nameservers_from_resolv_conf("nameserver 2001:db8::1\nnameserver ::1\n", &ns);
	nameservers_keep_reachable(&ns, true);
	CHECK(ns.count == 1 && !strcmp(ns.addr[0], "2001:db8::1"));
}

static void test_state_file(void)
{
	char value[64];

	CHECK(state_file_value("# x\nLLMNR=yes\nSERVERS=1.1.1.1 2.2.2.2\n", "SERVERS", value, sizeof(value)));
	CHECK(!strcmp(value, "1.1.1.1 2.2.2.2"));
	CHECK(!state_file_value("XSERVERS=1.1.1.1\nSERVERS\n", "SERVERS", value, sizeof(value)));
	CHECK(!state_file_value("SERVERS=1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4 5.5.5.5 6.6.6.6 7.7.7.7 8.8.8.8\n",
				"SERVERS", value, 16));
}

static void test_resolv_conf_out(void)
{
	struct nameservers ns = { .count = 0 };
	char out[512], tiny[40];

	nameservers_from_resolv_conf("nameserver 9.9.9.9\n", &ns);
	CHECK(resolv_conf_for_jail(&ns, "nameserver 127.0.0.53\nsearch a.example\noptions edns0\n"
				   "domain b\nsortlist 1.2.3.4\nsearchx y", out, sizeof(out)) == 0);
	CHECK(strstr(out, "\nnameserver 9.9.9.9\nsearch a.example\noptions edns0\ndomain b\n") != NULL);
	CHECK(!strstr(out, "127.0.0.53") && !strstr(out, "sortlist") && !strstr(out, "searchx"));
	CHECK(resolv_conf_for_jail(&ns, NULL, tiny, sizeof(tiny)) < 0);
	ns.count = 0;
	CHECK(resolv_conf_for_jail(&ns, NULL, out, sizeof(out)) == 0 && !strstr(out, "nameserver"));
}

/* trust-ad is for a resolver on a trusted path (the host's stub); the jail's are reached by
 * the uplink.  Every other option is kept, in its order. */
static void test_trust_ad_dropped(void)
{
	struct nameservers ns = { .count = 0 };
	char out[512];

	nameservers_from_resolv_conf("nameserver 9.9.9.9\n", &ns);
	CHECK(resolv_conf_for_jail(&ns, "nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n",
				   out, sizeof(out)) == 0);
	CHECK(strstr(out, "\noptions edns0\nsearch .\n") != NULL);
	CHECK(!strstr(out, "trust-ad"));
	CHECK(resolv_conf_for_jail(&ns, "options trust-ad\noptions\ttrust-ad  rotate\ttimeout:2 "
				   "trust-ad\noptions trust-adx ndots:2\n", out, sizeof(out)) == 0);
	CHECK(strstr(out, "\noptions rotate timeout:2\noptions trust-adx ndots:2\n") != NULL);
	CHECK(!strstr(out, "options\n") && !strstr(out, " trust-ad\n") && !strstr(out, " trust-ad "));
	/* A line of only trust-ad goes whole. */
	CHECK(resolv_conf_for_jail(&ns, "options trust-ad \n", out, sizeof(out)) == 0);
	CHECK(!strstr(out, "options"));
}

static void test_nsswitch(void)
{
	char out[512];

	CHECK(nsswitch_conf_for_jail("passwd: files\nhosts: files mdns4_minimal [NOTFOUND=return] "
				     "resolve [!UNAVAIL=return] myhostname dns\nnetworks: files",
				     out, sizeof(out)) == 0);
	CHECK(!strcmp(out, "passwd: files\nhosts: files myhostname dns\nnetworks: files\n"));
	CHECK(nsswitch_conf_for_jail("passwd: files\n", out, sizeof(out)) == 0);
	CHECK(!strcmp(out, "passwd: files\nhosts: files dns\n"));
	CHECK(nsswitch_conf_for_jail("  hosts: resolve\nhosts: files\n", out, sizeof(out)) == 0);
	CHECK(!strcmp(out, "hosts: files dns\n"));
	CHECK(nsswitch_conf_for_jail("", out, sizeof(out)) == 0 && !strcmp(out, "hosts: files dns\n"));
	CHECK(nsswitch_conf_for_jail("passwd: files\n", out, 8) < 0);
}

/* dhclient.leases(5): the newest lease of the interface asked for, whatever came before. */
static void test_dhclient_leases(void)
{
	static const char leases[] =
		"lease {\n  interface \"wan0\";\n  option domain-name-servers 203.0.113.9;\n}\n"
		"lease {\n  interface \"wan0\";\n  fixed-address 192.0.2.5;\n"
		"  option domain-name-servers 192.0.2.1, 192.0.2.2;\n  renew 4 2026/12/03 18:00:00;\n}\n"
		"lease {\n  interface \"wan01\";\n  option domain-name-servers 198.51.100.1;\n}\n"
		"lease {\n  interface \"wan0\";\n  option domain-name-servers bogus;\n}\n";
	struct nameservers ns = { .count = 0 };

	nameservers_from_dhclient_leases(leases, "wan0", &ns);
	CHECK(ns.count == 2 && !strcmp(ns.addr[0], "192.0.2.1") && !strcmp(ns.addr[1], "192.0.2.2"));
	ns.count = 0;
	nameservers_from_dhclient_leases(leases, "wan01", &ns);
	CHECK(ns.count == 1 && !strcmp(ns.addr[0], "198.51.100.1"));
	ns.count = 0;
	nameservers_from_dhclient_leases(leases, "wan", &ns);
	CHECK(ns.count == 0);
	/* A lease cut short (dhclient writing) is no lease. */
	nameservers_from_dhclient_leases("lease {\n interface \"wan0\";\n option "
					 "domain-name-servers 192.0.2.1;\n", "wan0", &ns);
	CHECK(ns.count == 0);
	nameservers_from_dhclient_leases("lease {\n interface \"wan0\";\n option "
					 "domain-name-servers 192.0.2.1\n}\n", "wan0", &ns);
	CHECK(ns.count == 0);
}

/* dhcpcd's lease: a DHCP message, whose option 6 lists the servers. */
static void test_dhcp_message(void)
{
	unsigned char msg[300] = { 0 };
	struct nameservers ns = { .count = 0 };
	static const unsigned char options[] = {
		99, 130, 83, 99,			/* the magic cookie */
		0,					/* a pad */
		3, 4, 192, 0, 2, 1,			/* routers: not servers */
		6, 8, 192, 0, 2, 53, 198, 51, 100, 53,	/* domain name servers */
		255,
		6, 4, 203, 0, 113, 9,			/* after the end: ignored */
	};

	memcpy(msg + 236, options, sizeof(options));
	nameservers_from_dhcp_message(msg, 236 + sizeof(options), &ns);
	CHECK(ns.count == 2 && !strcmp(ns.addr[0], "192.0.2.53") && !strcmp(ns.addr[1], "198.51.100.53"));
	ns.count = 0;
	nameservers_from_dhcp_message(msg, 236 + 16, &ns);	/* cut inside option 6 */
	CHECK(ns.count == 0);
	msg[236] = 0;						/* no cookie: not DHCP */
	nameservers_from_dhcp_message(msg, sizeof(msg), &ns);
	CHECK(ns.count == 0);
}

int main(void)
{
	test_parse();
	test_reachable();
	test_state_file();
	test_resolv_conf_out();
	test_trust_ad_dropped();
	test_nsswitch();
	test_dhclient_leases();
	test_dhcp_message();
	return CHECK_DONE("resolvconf");
}
