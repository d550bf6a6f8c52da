/* cli.h - the command line, parsed without side effects. */
#ifndef NETJAIL_CLI_H
#define NETJAIL_CLI_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "publish.h"

#define CLI_MAX_DNS 4

enum cli_action {
	ACTION_RUN,
	ACTION_HELP,
	ACTION_VERSION,
	ACTION_CLEANUP,
	ACTION_LIST,
	ACTION_CHECK,
	ACTION_DESKTOP_ENTRY,
	ACTION_STOP,
	ACTION_JOIN,
};

/* --probe ADDR:PORT (with --check): a TCP connection the throwaway jail tries. */
struct cli_probe {
	int family;			/* AF_INET or AF_INET6; 0 if none was given */
	struct in_addr addr;
	struct in6_addr addr6;
	uint16_t port;
	const char *text;		/* as given */
};

struct cli_options {
	enum cli_action action;
	const char *uplink;		/* -i, validated as an interface name */
	bool has_gateway;
	struct in_addr gateway;		/* -g */
	const char *gateway_text;	/* -g as given */
	const char *dns[CLI_MAX_DNS];	/* -d, each a valid IPv4 or IPv6 address */
	size_t dns_count;
	struct publish publish[PUBLISH_MAX];	/* -P */
	size_t publish_count;
	const char *profile;		/* -p, NAME or path: see profile.h */
	const char *user;		/* -u */
	bool no_ipv6;			/* --no-ipv6 */
	bool allow_host;		/* --allow-host: the jail may reach the host's services */
	bool json;			/* --json, with --list */
	struct cli_probe probe;		/* --probe, with --check */
	bool verbose;
	const char *desktop_entry;	/* --desktop-entry FILE */
	const char *stop;		/* --stop JAIL: nj<N> or its netjail's pid, as --list shows */
	const char *name;		/* --name NAME, valid (jail_name_is_valid) */
	const char *join;		/* --join NAME: run COMMAND in the caller's jail NAME */
	bool join_or_start;		/* --join-or-start: with --name, join it if it runs */
	bool list_names;		/* --list-names: the caller's jails' names, for completion */
	char **command;			/* first non-option word and everything after it */
};

/* Parse argv into @opts.  Returns 0, or -EINVAL with a one-line reason in @why. */
int cli_parse(int argc, char **argv, struct cli_options *opts, char *why, size_t why_len);

/* The --help text. */
extern const char cli_usage[];

#endif
