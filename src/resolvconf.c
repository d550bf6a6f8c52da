/* resolvconf.c - the text of the jail's resolv.conf and nsswitch.conf.
 *
 * The host's files are read by dnsfind.c; everything here is string work, so that it can
 * be unit-tested and fuzzed.  Lines are handled one at a time and never longer than a
 * fixed buffer: a longer line is dropped, never cut (a cut line could say something else).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "resolvconf.h"

#define LINE_MAX_BYTES 1024
#define BLANKS " \t"

/* Copy the next line of *@text into @line (without the newline) and advance.  false at
 * the end; a line too long for @line comes back empty. */
static bool next_line(const char **text, char *line, size_t size)
{
	const char *start = *text, *end;
	size_t len;

	if (!start || !*start)
		return false;
	end = strchr(start, '\n');
	len = end ? (size_t)(end - start) : strlen(start);
	*text = end ? end + 1 : start + len;
	if (len >= size)
		len = 0;
	memcpy(line, start, len);
	line[len] = '\0';
	return true;
}

static void add_address(struct nameservers *out, const char *text)
{
	unsigned char scratch[sizeof(struct in6_addr)];
	char canonical[INET6_ADDRSTRLEN];
	int family = strchr(text, ':') ? AF_INET6 : AF_INET;

	if (out->count >= NAMESERVERS_MAX || inet_pton(family, text, scratch) != 1)
		return;
	inet_ntop(family, scratch, canonical, sizeof(canonical));
	for (size_t i = 0; i < out->count; i++)
		if (!strcmp(out->addr[i], canonical))
			return;
	memcpy(out->addr[out->count++], canonical, sizeof(canonical));
}

void nameservers_from_resolv_conf(const char *text, struct nameservers *out)
{
	char line[LINE_MAX_BYTES];

	while (next_line(&text, line, sizeof(line))) {
		char *save = NULL, *key = strtok_r(line, BLANKS, &save);
		char *value = key ? strtok_r(NULL, BLANKS, &save) : NULL;

		/* "nameserver fe80::1%eth0": the zone names a host link, useless in the jail. */
		if (key && value && !strcmp(key, "nameserver") && !strchr(value, '%'))
			add_address(out, value);
	}
}

/* One word as systemd-resolved and networkd write a server: ADDR, ADDR:PORT,
 * [ADDR6]:PORT, any of them followed by %IFINDEX or #SERVERNAME. */
static void add_word(struct nameservers *out, char *word)
{
	char *cut = strpbrk(word, "#%"), *port = NULL;

	if (cut && *cut == '%')
		return;		/* scoped to a host link */
	if (cut)
		*cut = '\0';
	if (word[0] == '[') {
		char *close = strchr(word, ']');

		if (!close)
			return;
		*close = '\0';
		port = close[1] == ':' ? close + 2 : NULL;
		if (!port && close[1])
			return;
		word++;
	} else if (strchr(word, '.') && (port = strchr(word, ':'))) {
		*port++ = '\0';
	}
	/* resolv.conf has no port: a server on another port cannot be used. */
	if (port && strcmp(port, "53") != 0)
		return;
	add_address(out, word);
}

void nameservers_from_words(const char *words, struct nameservers *out)
{
	char copy[LINE_MAX_BYTES], *save = NULL;

	if (strlen(words) >= sizeof(copy))
		return;
	memcpy(copy, words, strlen(words) + 1);
	for (char *word = strtok_r(copy, BLANKS, &save); word; word = strtok_r(NULL, BLANKS, &save))
		add_word(out, word);
}

/* @line without its leading blanks and its last ';', if it starts with @key: what follows,
 * else NULL. */
static char *lease_statement(char *line, const char *key)
{
	char *start = line + strspn(line, BLANKS), *end;

	if (strncmp(start, key, strlen(key)) != 0)
		return NULL;
	start += strlen(key);
	end = strrchr(start, ';');
	if (!end || end[strspn(end + 1, BLANKS) + 1])
		return NULL;
	*end = '\0';
	return start + strspn(start, BLANKS);
}

void nameservers_from_dhclient_leases(const char *text, const char *ifname,
				      struct nameservers *out)
{
	struct nameservers newest = { .count = 0 }, lease = { .count = 0 };
	char line[LINE_MAX_BYTES], quoted[IF_NAMESIZE + 3], *value;
	bool ours = false;

	if (strlen(ifname) >= IF_NAMESIZE)
		return;
	snprintf(quoted, sizeof(quoted), "\"%s\"", ifname);
	while (next_line(&text, line, sizeof(line))) {
		const char *start = line + strspn(line, BLANKS);

		if (!strncmp(start, "lease", 5) && strchr(start, '{')) {
			lease.count = 0;	/* a new lease: what came before is older */
			ours = false;
		} else if (start[0] == '}') {
			if (ours && lease.count)
				newest = lease;
			ours = false;
		} else if ((value = lease_statement(line, "interface "))) {
			ours = !strcmp(value, quoted);
		} else if ((value = lease_statement(line, "option domain-name-servers "))) {
			lease.count = 0;
			for (char *save = NULL, *word = strtok_r(value, ", \t", &save); word;
			     word = strtok_r(NULL, ", \t", &save))
				add_address(&lease, word);
		}
	}
	for (size_t i = 0; i < newest.count; i++)
		add_address(out, newest.addr[i]);
}

/* RFC 2131: options start after the 236-byte BOOTP header and the 4-byte magic cookie. */
#define DHCP_OPTIONS_AT 240
#define DHCP_PAD 0
#define DHCP_DNS_SERVERS 6
#define DHCP_END 255

void nameservers_from_dhcp_message(const unsigned char *msg, size_t len,
				   struct nameservers *out)
{
	static const unsigned char cookie[4] = { 99, 130, 83, 99 };
	size_t at = DHCP_OPTIONS_AT;

	if (len < DHCP_OPTIONS_AT || memcmp(msg + DHCP_OPTIONS_AT - 4, cookie, 4) != 0)
		return;
	while (at < len && msg[at] != DHCP_END) {
		size_t option_len;

		if (msg[at] == DHCP_PAD) {
			at++;
			continue;
		}
		if (at + 2 > len || at + 2 + msg[at + 1] > len)
			return;		/* cut short: trust nothing after */
		option_len = msg[at + 1];
		for (size_t i = 0; msg[at] == DHCP_DNS_SERVERS && i + 4 <= option_len; i += 4) {
			char text[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, msg + at + 2 + i, text, sizeof(text));
			add_address(out, text);
		}
		at += 2 + option_len;
	}
}

bool state_file_value(const char *text, const char *key, char *value, size_t size)
{
	char line[LINE_MAX_BYTES];
	size_t key_len = strlen(key);

	while (next_line(&text, line, sizeof(line))) {
		if (strncmp(line, key, key_len) != 0 || line[key_len] != '=')
			continue;
		return (size_t)snprintf(value, size, "%s", line + key_len + 1) < size;
	}
	return false;
}

bool nameserver_is_host_local(const char *addr)
{
	struct in6_addr v6;
	struct in_addr v4;

	if (inet_pton(AF_INET, addr, &v4) == 1)
		return (ntohl(v4.s_addr) >> 24) == 127 || v4.s_addr == 0;
	if (inet_pton(AF_INET6, addr, &v6) != 1)
		return true;
	return IN6_IS_ADDR_LOOPBACK(&v6) || IN6_IS_ADDR_UNSPECIFIED(&v6) ||
	       IN6_IS_ADDR_LINKLOCAL(&v6) || IN6_IS_ADDR_V4MAPPED(&v6);
}

void nameservers_keep_reachable(struct nameservers *ns, bool ipv6)
{
	size_t kept = 0;

	for (size_t i = 0; i < ns->count; i++) {
		if (nameserver_is_host_local(ns->addr[i]) || (!ipv6 && strchr(ns->addr[i], ':')))
			continue;
		if (kept != i)
			memcpy(ns->addr[kept], ns->addr[i], sizeof(ns->addr[i]));
		kept++;
	}
	ns->count = kept;
}

/* Append @text to @out; -ENOSPC if it does not fit. */
static int append(char *out, size_t size, size_t *used, const char *text)
{
	size_t len = strlen(text);

	if (*used + len >= size)
		return -ENOSPC;
	memcpy(out + *used, text, len + 1);
	*used += len;
	return 0;
}

/* The host's "options" line @line as the jail's, in @out (as large as @line): without
 * "trust-ad", which tells glibc to believe the AD bit (resolv.conf(5)).  That is sound only
 * on a trusted path to the resolver, a stub on the host's loopback; the jail's servers are
 * reached over the uplink, where anyone on the way could set the bit.  Every other option
 * tunes how queries are made (edns0, timeout:, rotate, ...) and holds for any server.
 * false if no option is left. */
static bool options_for_jail(const char *line, char *out, size_t size)
{
	char copy[LINE_MAX_BYTES], *save = NULL;
	size_t used = 0;
	bool kept = false;

	snprintf(copy, sizeof(copy), "%s", line + strlen("options"));
	used = (size_t)snprintf(out, size, "options");
	for (char *word = strtok_r(copy, BLANKS, &save); word; word = strtok_r(NULL, BLANKS, &save)) {
		if (!strcmp(word, "trust-ad") || used + 1 + strlen(word) >= size)
			continue;	/* (never too long: the words come from a line of @size) */
		used += (size_t)snprintf(out + used, size - used, " %s", word);
		kept = true;
	}
	return kept;
}

int resolv_conf_for_jail(const struct nameservers *ns, const char *host_text,
			 char *out, size_t size)
{
	static const char header[] = "# Written by netjail for this jail only; the host's file is untouched.\n";
	char line[LINE_MAX_BYTES], options[LINE_MAX_BYTES];
	size_t used = 0;
	int err = append(out, size, &used, header);

	for (size_t i = 0; !err && i < ns->count; i++) {
		snprintf(line, sizeof(line), "nameserver %s\n", ns->addr[i]);
		err = append(out, size, &used, line);
	}
	/* Search domains and options still apply (but trust-ad); only the servers change. */
	while (!err && next_line(&host_text, line, sizeof(line) - 1)) {
		size_t key_len = strcspn(line, BLANKS);
		const char *kept = NULL;

		if ((key_len == 6 && !strncmp(line, "search", 6)) ||
		    (key_len == 6 && !strncmp(line, "domain", 6)))
			kept = line;
		else if (key_len == 7 && !strncmp(line, "options", 7) &&
			 options_for_jail(line, options, sizeof(options)))
			kept = options;
		if (kept)
			err = append(out, size, &used, kept);
		if (kept && !err)
			err = append(out, size, &used, "\n");
	}
	return err;
}

/* The jail's "hosts:" line from the host's (NULL if it has none). */
static void jail_hosts_line(const char *host_line, char *out, size_t size)
{
	char copy[LINE_MAX_BYTES] = "", *save = NULL;
	bool myhostname = false;

	if (host_line && strlen(host_line) < sizeof(copy))
		snprintf(copy, sizeof(copy), "%s", host_line + strlen("hosts:"));
	for (char *word = strtok_r(copy, BLANKS, &save); word; word = strtok_r(NULL, BLANKS, &save))
		myhostname |= !strcmp(word, "myhostname");
	/* No "[NOTFOUND=return]" kept: it belonged to a service that is gone. */
	snprintf(out, size, "hosts: files%s dns\n", myhostname ? " myhostname" : "");
}

int nsswitch_conf_for_jail(const char *host_text, char *out, size_t size)
{
	char line[LINE_MAX_BYTES + 1], hosts[64];
	size_t used = 0;
	bool replaced = false;
	int err = 0;

	while (!err && next_line(&host_text, line, sizeof(line) - 1)) {
		const char *start = line + strspn(line, BLANKS);

		if (!strncmp(start, "hosts:", 6)) {
			if (!replaced)
				jail_hosts_line(start, hosts, sizeof(hosts));
			err = replaced ? 0 : append(out, size, &used, hosts);
			replaced = true;
			continue;
		}
		err = append(out, size, &used, line);
		if (!err)
			err = append(out, size, &used, "\n");
	}
	if (!err && !replaced) {
		jail_hosts_line(NULL, hosts, sizeof(hosts));
		err = append(out, size, &used, hosts);
	}
	return err;
}
