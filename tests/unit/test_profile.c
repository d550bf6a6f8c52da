/* Unit tests for profile_parse() and profile_merge(), and the profiles netjail ships. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

#include "check.h"

static struct profile profile;
static char why[320];

static int parse(const char *text)
{
	why[0] = '\0';
	return profile_parse(text, "p.conf", &profile, why, sizeof(why));
}

/* Refused with "p.conf:LINE: ..." mentioning @words. */
static int refused_at(const char *text, int line, const char *words)
{
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "p.conf:%d: ", line);
	return parse(text) == -EINVAL && !strncmp(why, prefix, strlen(prefix)) &&
	       strstr(why, words) != NULL;
}

static void test_keys(void)
{
	CHECK(parse("[netjail]\ninterface = wlan0\ngateway = 192.168.1.1\n"
		    "dns = 9.9.9.9, 2620:fe::fe\nipv6 = no\npublish = 8080:80, 53:53/udp\n"
		    "dbus = none\ncommand = steam  -silent\tx\n"
		    "setenv = FOO=bar baz\nsetenv = EMPTY=\nunsetenv = DISPLAY WAYLAND_DISPLAY\n") == 0);
	CHECK(profile.interface && !strcmp(profile.interface, "wlan0"));
	CHECK(profile.has_gateway && profile.gateway.s_addr == htonl(0xc0a80101));
	CHECK(profile.dns_count == 2 && !strcmp(profile.dns[1], "2620:fe::fe"));
	CHECK(profile.ipv6 == 0);
	CHECK(profile.publish_count == 2 && profile.publish[1].proto == IPPROTO_UDP);
	CHECK(profile.dbus == DBUS_NONE);
	CHECK(profile.command[0] && !strcmp(profile.command[0], "steam") &&
	      !strcmp(profile.command[1], "-silent") && !strcmp(profile.command[2], "x") &&
	      !profile.command[3]);
	CHECK(profile.setenv_count == 2 && !strcmp(profile.setenv[0], "FOO=bar baz") &&
	      !strcmp(profile.setenv[1], "EMPTY="));
	CHECK(profile.unsetenv_count == 2 && !strcmp(profile.unsetenv[1], "WAYLAND_DISPLAY"));

	CHECK(parse("") == 0 && !profile.interface && profile.ipv6 == -1 && !profile.command[0] &&
	      profile.dbus == DBUS_UNSET);
	CHECK(parse("[netjail]\nipv6 = yes\ndbus = host\n") == 0 && profile.ipv6 == 1 &&
	      profile.dbus == DBUS_HOST && !profile.allow_host);
	CHECK(parse("[netjail]\nallow_host = yes\n") == 0 && profile.allow_host);
	CHECK(parse("[netjail]\nallow_host = no\n") == 0 && !profile.allow_host);
	CHECK(parse("[netjail]\nname = vpn\n") == 0 && !strcmp(profile.name, "vpn"));
	CHECK(parse("[netjail]\nmkdir = ~/.local/share/netjail/firefox, ~/b\n") == 0 &&
	      profile.mkdir_count == 2 && !strcmp(profile.mkdir[1], "~/b"));
	CHECK(parse("[netjail]\nmkdir = /tmp/x\n") == -EINVAL && strstr(why, "invalid mkdir"));
	CHECK(parse("[netjail]\nmkdir = ~/\n") == -EINVAL);
	CHECK(parse("[netjail]\nmkdir = ~/a/../../x\n") == -EINVAL);
	CHECK(parse("[netjail]\nmkdir = ~/a/..\n") == -EINVAL);
	CHECK(parse("[netjail]\nmkdir = ~/a ~/b ~/c ~/d ~/e\n") == -EINVAL && strstr(why, "at most 4"));
}

static void test_refusals(void)
{
	CHECK(refused_at("[netjail]\nbogus = 1\n", 2, "unknown key 'bogus'"));
	CHECK(refused_at("[other]\ninterface = wlan0\n", 2, "unknown section [other]"));
	CHECK(refused_at("interface = wlan0\n", 1, "unknown section"));
	CHECK(refused_at("[netjail]\ninterface = wlan0\ninterface = eth0\n", 3, "set twice"));
	CHECK(refused_at("[netjail]\ninterface = a/b\n", 2, "invalid interface name"));
	CHECK(refused_at("[netjail]\nname = ../x\n", 2, "invalid jail name"));
	CHECK(refused_at("[netjail]\ngateway = 300.1.1.1\n", 2, "invalid gateway"));
	CHECK(refused_at("[netjail]\ndns = 1.1.1.1, nope\n", 2, "invalid nameserver 'nope'"));
	CHECK(refused_at("[netjail]\ndns = 1.1.1.1 1.1.1.2 1.1.1.3 1.1.1.4 1.1.1.5\n", 2,
			 "too many nameservers"));
	CHECK(refused_at("[netjail]\nipv6 = maybe\n", 2, "expected yes or no"));
	CHECK(refused_at("[netjail]\ndbus = session\n", 2, "expected host or none"));
	CHECK(refused_at("[netjail]\nallow_host = 1\n", 2, "expected yes or no"));
	CHECK(refused_at("[netjail]\npublish = 80\n", 2, "invalid port to publish"));
	CHECK(refused_at("[netjail]\ncommand =\n", 2, "empty command"));
	CHECK(refused_at("[netjail]\nsetenv = FOO\n", 2, "expected NAME=VALUE"));
	CHECK(refused_at("[netjail]\nsetenv = 1X=y\n", 2, "invalid setenv"));
	CHECK(refused_at("[netjail]\nunsetenv = A-B\n", 2, "invalid variable name"));
	CHECK(refused_at("[netjail]\ninterface = \x1b[31m\n", 2, "invalid interface name '?[31m'"));
	CHECK(parse("[netjail]\n garbage\n") == -EINVAL && strstr(why, "p.conf:2:"));
	CHECK(parse("[netjail]\ngateway = 192.0.2.1\n") == -EINVAL &&
	      strstr(why, "'gateway' needs 'interface'"));
}

static void test_merge(void)
{
	struct cli_options opts;
	char *none[] = { NULL }, *echo[] = { "echo", "hi", NULL };

	parse("[netjail]\ninterface = up1\ngateway = 198.51.100.1\ncommand = prog arg\n"
	      "publish = 8080:80\nipv6 = no\n");
	memset(&opts, 0, sizeof(opts));
	opts.command = none;
	profile_merge(&profile, &opts);
	CHECK(!strcmp(opts.uplink, "up1") && opts.has_gateway && opts.no_ipv6 &&
	      opts.publish_count == 1 && !strcmp(opts.command[0], "prog") && !opts.allow_host);

	/* allow_host = yes is --allow-host; "no" cannot undo the option. */
	parse("[netjail]\ninterface = up1\nallow_host = yes\n");
	memset(&opts, 0, sizeof(opts));
	opts.command = echo;
	profile_merge(&profile, &opts);
	CHECK(opts.allow_host);
	parse("[netjail]\ninterface = up1\nallow_host = no\n");
	opts.allow_host = true;
	profile_merge(&profile, &opts);
	CHECK(opts.allow_host);

	memset(&opts, 0, sizeof(opts));
	opts.uplink = "up0";	/* another interface: the profile's gateway is not for it */
	opts.command = echo;
	profile_merge(&profile, &opts);
	CHECK(!strcmp(opts.uplink, "up0") && !opts.has_gateway && !strcmp(opts.command[0], "echo"));
}

/* Every profile netjail ships parses. */
static void test_shipped(void)
{
	DIR *dir = opendir("profiles");
	struct dirent *entry;
	int count = 0;

	CHECK(dir != NULL);
	while (dir && (entry = readdir(dir))) {
		char path[512], text[PROFILE_MAX_BYTES + 1];
		size_t len;
		FILE *f;

		if (!strstr(entry->d_name, ".conf"))
			continue;
		snprintf(path, sizeof(path), "profiles/%s", entry->d_name);
		f = fopen(path, "r");
		len = f ? fread(text, 1, PROFILE_MAX_BYTES, f) : 0;
		if (f)
			fclose(f);
		text[len] = '\0';
		CHECK(profile_parse(text, path, &profile, why, sizeof(why)) == 0 && profile.command[0]);
		if (why[0])
			printf("# %s\n", why);
		count++;
	}
	if (dir)
		closedir(dir);
	CHECK(count >= 4);
}

int main(void)
{
	test_keys();
	test_refusals();
	test_merge();
	test_shipped();
	return CHECK_DONE("profile");
}
