/* cli.c - command-line parsing.
 *
 * Parsing stops at the first word that is not an option, so that nothing after COMMAND
 * is ever read as netjail's own option (firejail's CVE-2022-31214 class of bug).  The
 * parser only fills a struct: it opens nothing and changes nothing, which also makes it
 * safe to fuzz.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "conf.h"
#include "util.h"

enum { OPT_CLEANUP = 256, OPT_LIST, OPT_NO_IPV6, OPT_JSON, OPT_CHECK, OPT_DESKTOP_ENTRY,
       OPT_ALLOW_HOST, OPT_PROBE, OPT_STOP, OPT_NAME, OPT_JOIN, OPT_JOIN_OR_START,
       OPT_LIST_NAMES };

const char cli_usage[] =
	"Usage: netjail [OPTIONS] [--] COMMAND [ARG]...\n"
	"       netjail -p PROFILE [OPTIONS] [[--] COMMAND [ARG]...]\n"
	"       netjail --join NAME [-u USER] [--] COMMAND [ARG]...\n"
	"       netjail --desktop-entry FILE.desktop OPTIONS\n"
	"Run COMMAND so that all its network traffic leaves by one uplink.\n"
	"\n"
	"  -i, --interface IFACE   uplink the command's traffic must leave by\n"
	"  -g, --gateway ADDR      next hop on that uplink (default: its lowest-metric\n"
	"                          default route; none needed on point-to-point links)\n"
	"  -d, --dns ADDR          nameserver for the jail (repeatable; default: the host's\n"
	"                          but another link's (a VPN's), else the uplink's own, or\n"
	"                          the servers behind the host's local resolver)\n"
	"  -P, --publish [ADDR:]HOSTPORT:JAILPORT[/tcp|udp]\n"
	"                          forward connections to the host's port (from the uplink\n"
	"                          and from the host itself) into the jail (repeatable)\n"
	"  -p, --profile NAME|FILE options and command from a profile (see netjail.profile(5));\n"
	"                          the command line wins\n"
	"      --no-ipv6           no IPv6 in the jail, even if the uplink has it\n"
	"      --allow-host        let the command connect to the host's own services (on\n"
	"                          any of its addresses); by default it cannot\n"
	"  -u, --user USER         run COMMAND as USER (root only)\n"
	"      --name NAME         name the jail, so that more programs can join it (one\n"
	"                          running jail of a name per user)\n"
	"      --join NAME         run COMMAND in your running jail NAME: its uplink,\n"
	"                          address, DNS and ports (root: -u USER for USER's jail)\n"
	"      --join-or-start     with --name: join that jail if it runs, else start it\n"
	"  -v, --verbose           say what is set up and torn down\n"
	"  -h, --help              show this help\n"
	"  -V, --version           show the version\n"
	"      --list [--json]     show the running jails (as JSON for scripts)\n"
	"      --check             with -i IFACE: would a jail on it work, and if not, why;\n"
	"                          with privilege, a throwaway jail also pings the gateway\n"
	"      --probe ADDR:PORT   with --check: the throwaway jail also connects to this\n"
	"                          TCP port ([IPv6]:PORT for IPv6)\n"
	"      --stop JAIL         end every program of a jail of yours (JAIL: its NAME, or\n"
	"                          JAIL or PID in --list): SIGTERM, SIGKILL 5 s later\n"
	"      --cleanup           remove what jails whose netjail died left behind\n"
	"      --desktop-entry FILE.desktop\n"
	"                          write a copy of that launcher that runs its program\n"
	"                          with these OPTIONS, to ~/.local/share/applications\n"
	"\n"
	"Admin policy: " NETJAIL_CONF_DIR "/" NETJAIL_CONF_NAME ", see netjail.conf(5).\n"
	"netjail returns when COMMAND ends; the jail stays while programs COMMAND started\n"
	"in the background run (see --list, --stop), and while programs joined to it run.\n"
	"Example: netjail --name vpn -i wg0 firefox, then netjail --join vpn thunderbird.\n"
	"Exit status: COMMAND's own; 128+N if it was killed by signal N; 125 if netjail\n"
	"failed; 126 if COMMAND cannot be executed; 127 if it was not found.  --check:\n"
	"0 if a jail would work, 1 if not.\n";

static const struct option long_options[] = {
	{ "interface", required_argument, NULL, 'i' },
	{ "gateway", required_argument, NULL, 'g' },
	{ "dns", required_argument, NULL, 'd' },
	{ "publish", required_argument, NULL, 'P' },
	{ "profile", required_argument, NULL, 'p' },
	{ "user", required_argument, NULL, 'u' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "cleanup", no_argument, NULL, OPT_CLEANUP },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "no-ipv6", no_argument, NULL, OPT_NO_IPV6 },
	{ "allow-host", no_argument, NULL, OPT_ALLOW_HOST },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "desktop-entry", required_argument, NULL, OPT_DESKTOP_ENTRY },
	{ "probe", required_argument, NULL, OPT_PROBE },
	{ "stop", required_argument, NULL, OPT_STOP },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "join", required_argument, NULL, OPT_JOIN },
	{ "join-or-start", no_argument, NULL, OPT_JOIN_OR_START },
	{ "list-names", no_argument, NULL, OPT_LIST_NAMES },
	{ NULL, 0, NULL, 0 },
};

#define FAIL(...) do { snprintf(why, why_len, __VA_ARGS__); return -EINVAL; } while (0)

/* User text in a message, made safe to print on one line. */
#define SHOW(text) printable((text), shown, sizeof(shown))

static int set_action(struct cli_options *opts, enum cli_action action, char *why, size_t why_len)
{
	if (opts->action != ACTION_RUN && opts->action != action)
		FAIL("--cleanup, --list, --stop, --join, --check, --desktop-entry, --help and "
		     "--version cannot be combined");
	opts->action = action;
	return 0;
}

/* ADDR:PORT or [IPv6]:PORT, addresses as numbers only: a name would have to be resolved,
 * and by whom is part of what --check is asking. */
static int parse_probe(const char *text, struct cli_probe *probe)
{
	char addr[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(text, ':');
	size_t len = colon ? (size_t)(colon - text) : 0;
	uint32_t port;

	if (!colon || len == 0 || len >= sizeof(addr) ||
	    colon[1 + strspn(colon + 1, "0123456789")] != '\0' ||
	    parse_u32(colon + 1, 1, 65535, &port))
		return -EINVAL;
	memcpy(addr, text, len);
	addr[len] = '\0';
	if (addr[0] == '[' && addr[len - 1] == ']') {
		addr[len - 1] = '\0';
		if (inet_pton(AF_INET6, addr + 1, &probe->addr6) != 1)
			return -EINVAL;
		probe->family = AF_INET6;
	} else {
		if (parse_ipv4(addr, &probe->addr))
			return -EINVAL;
		probe->family = AF_INET;
	}
	probe->port = (uint16_t)port;
	probe->text = text;
	return 0;
}

static int take_option(int opt, const char *arg, char *const *argv, struct cli_options *opts,
		       char *why, size_t why_len)
{
	char shown[72];

	switch (opt) {
	case 'i':
		if (!ifname_is_valid(arg))
			FAIL("invalid interface name '%s': use 1-15 letters, digits, '_', '-' or '.'", SHOW(arg));
		opts->uplink = arg;
		return 0;
	case 'g':
		if (parse_ipv4(arg, &opts->gateway))
			FAIL("invalid gateway '%s': expected an IPv4 address", SHOW(arg));
		opts->has_gateway = true;
		opts->gateway_text = arg;
		return 0;
	case 'd':
		return nameserver_append(opts->dns, &opts->dns_count, CLI_MAX_DNS, arg, why, why_len);
	case 'P':
		return publish_append(opts->publish, &opts->publish_count, arg, why, why_len);
	case 'p':
		if (!arg[0])
			FAIL("empty profile name");
		opts->profile = arg;
		return 0;
	case 'u':
		if (!arg[0])
			FAIL("empty user name");
		opts->user = arg;
		return 0;
	case 'v':
		opts->verbose = true;
		return 0;
	case 'h':
		return set_action(opts, ACTION_HELP, why, why_len);
	case 'V':
		return set_action(opts, ACTION_VERSION, why, why_len);
	case OPT_CLEANUP:
		return set_action(opts, ACTION_CLEANUP, why, why_len);
	case OPT_LIST:
		return set_action(opts, ACTION_LIST, why, why_len);
	case OPT_CHECK:
		return set_action(opts, ACTION_CHECK, why, why_len);
	case OPT_DESKTOP_ENTRY:
		if (!arg[0])
			FAIL("empty desktop entry file name");
		opts->desktop_entry = arg;
		return set_action(opts, ACTION_DESKTOP_ENTRY, why, why_len);
	case OPT_STOP:
		if (!arg[0])
			FAIL("empty jail name");
		opts->stop = arg;
		return set_action(opts, ACTION_STOP, why, why_len);
	case OPT_NAME:
	case OPT_JOIN:
		if (!jail_name_is_valid(arg))
			FAIL("invalid jail name '%s': use 1-32 letters, digits, '_', '.', '+' or '-', "
			     "not starting with '.' or '-'", SHOW(arg));
		if (opt == OPT_NAME) {
			opts->name = arg;
			return 0;
		}
		opts->join = arg;
		return set_action(opts, ACTION_JOIN, why, why_len);
	case OPT_JOIN_OR_START:
		opts->join_or_start = true;
		return 0;
	case OPT_LIST_NAMES:
		opts->list_names = true;
		return set_action(opts, ACTION_LIST, why, why_len);
	case OPT_JSON:
		opts->json = true;
		return 0;
	case OPT_PROBE:
		if (parse_probe(arg, &opts->probe))
			FAIL("invalid probe '%s': expected ADDR:PORT or [IPv6]:PORT, the address "
			     "as numbers", SHOW(arg));
		return 0;
	case OPT_NO_IPV6:
		opts->no_ipv6 = true;
		return 0;
	case OPT_ALLOW_HOST:
		opts->allow_host = true;
		return 0;
	/* optopt: a short option's char (negative above 0x7f), or 0, or the value of a long
	 * option given an argument it does not take ("--list=x": OPT_LIST, not a char). */
	case ':':
		if (optopt && optopt < OPT_CLEANUP)
			FAIL("option '-%c' needs an argument", isprint((unsigned char)optopt) ? optopt : '?');
		FAIL("option '%s' needs an argument", SHOW(argv[optind - 1]));
	default:
		if (optopt && optopt < OPT_CLEANUP)
			FAIL("unknown option '-%c' (see netjail --help)",
			     isprint((unsigned char)optopt) ? optopt : '?');
		FAIL("unknown option '%s' (see netjail --help)", SHOW(argv[optind - 1]));
	}
}

int cli_parse(int argc, char **argv, struct cli_options *opts, char *why, size_t why_len)
{
	char shown[72];
	int opt;

	memset(opts, 0, sizeof(*opts));
	why[0] = '\0';
	/* optind = 0 makes glibc re-initialise getopt, so the parser can run more than once. */
	optind = 0;
	opterr = 0;
	/* "+": stop at the first non-option; ":": report a missing argument as ':'. */
	while ((opt = getopt_long(argc, argv, "+:i:g:d:P:p:u:vhV", long_options, NULL)) != -1) {
		int err = take_option(opt, optarg, argv, opts, why, why_len);

		if (err)
			return err;
	}
	opts->command = argv + optind;

	if (opts->json && opts->action != ACTION_LIST)
		FAIL("--json goes with --list");
	if (opts->probe.family && opts->action != ACTION_CHECK)
		FAIL("--probe goes with --check");
	if (opts->join_or_start && ((!opts->name && !opts->profile) ||
				    (opts->action != ACTION_RUN && opts->action != ACTION_DESKTOP_ENTRY)))
		FAIL("--join-or-start goes with --name (or a profile's name), to start a command or "
		     "write a launcher");
	if (opts->name && opts->action != ACTION_RUN && opts->action != ACTION_DESKTOP_ENTRY)
		FAIL("--name goes with a command to start, or --desktop-entry");
	if (opts->json && opts->list_names)
		FAIL("--json goes with --list");
	switch (opts->action) {
	case ACTION_RUN:
		if (!opts->command[0] && !opts->profile)
			FAIL("no command given (see netjail --help)");
		if (!opts->uplink && !opts->profile)
			FAIL("no uplink given: pass -i IFACE");
		return 0;
	case ACTION_CHECK:
		if (opts->command[0])
			FAIL("unexpected argument '%s'", SHOW(opts->command[0]));
		if (!opts->uplink && !opts->profile)
			FAIL("--check needs an uplink: pass -i IFACE");
		return 0;
	case ACTION_JOIN:
		/* The jail's settings are its owner's (and the admin's policy): a joiner picks
		 * none of them. */
		if (opts->uplink || opts->has_gateway || opts->dns_count || opts->publish_count ||
		    opts->profile || opts->no_ipv6 || opts->allow_host)
			FAIL("--join runs COMMAND in the jail as it is: -i, -g, -d, -P, -p, --no-ipv6 "
			     "and --allow-host are the jail's");
		if (!opts->command[0])
			FAIL("no command given (see netjail --help)");
		return 0;
	case ACTION_DESKTOP_ENTRY:
		if (opts->command[0])
			FAIL("unexpected argument '%s': the launcher gives the command",
			     SHOW(opts->command[0]));
		if (!opts->uplink && !opts->profile)
			FAIL("--desktop-entry needs an uplink: pass -i IFACE");
		if (opts->user)
			FAIL("-u cannot go into a launcher");
		return 0;
	default:
		if (opts->command[0])
			FAIL("unexpected argument '%s'", SHOW(opts->command[0]));
		return 0;
	}
}
