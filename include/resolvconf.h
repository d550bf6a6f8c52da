/* resolvconf.h - the jail's /etc/resolv.conf and /etc/nsswitch.conf, built as text.
 *
 * Pure: parses and formats strings, opens nothing (dnsfind.c reads the host's files,
 * jailfs.c puts the results in place inside the jail).
 */
#ifndef NETJAIL_RESOLVCONF_H
#define NETJAIL_RESOLVCONF_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>

/* glibc reads at most 3 nameservers (MAXNS); a few more let unusable ones be dropped. */
#define NAMESERVERS_MAX 8

struct nameservers {
	char addr[NAMESERVERS_MAX][INET6_ADDRSTRLEN];
	size_t count;
};

/* Add the address of every "nameserver ADDR" line of resolv.conf(5) text @text. */
void nameservers_from_resolv_conf(const char *text, struct nameservers *out);

/* Add each address of a blank-separated list as systemd writes it ("1.1.1.1
 * 9.9.9.9:53 [2001:db8::1]:53 10.0.0.1#dns.example"); words with another port or that
 * are not an address are skipped. */
void nameservers_from_words(const char *words, struct nameservers *out);

/* Add the servers of the newest lease for interface @ifname in dhclient's leases file
 * @text (dhclient.leases(5): the "option domain-name-servers A,B;" of the last "lease { }"
 * whose "interface" is @ifname). */
void nameservers_from_dhclient_leases(const char *text, const char *ifname,
				      struct nameservers *out);

/* Add the servers (option 6, domain name servers) of DHCP message @msg of @len bytes, as
 * dhcpcd keeps a lease (RFC 2131: the BOOTP header, the magic cookie, then the options). */
void nameservers_from_dhcp_message(const unsigned char *msg, size_t len,
				   struct nameservers *out);

/* The value of line "KEY=..." in an env-style state file @text, copied into @value.
 * true if found. */
bool state_file_value(const char *text, const char *key, char *value, size_t size);

/* true if @addr is a server only the host itself can reach: loopback (127.0.0.53,
 * 127.0.0.1, ::1), unspecified, or IPv6 link-local. */
bool nameserver_is_host_local(const char *addr);

/* Drop the servers the jail cannot reach: host-local ones, and IPv6 ones when the jail
 * has no IPv6 (@ipv6 false). */
void nameservers_keep_reachable(struct nameservers *ns, bool ipv6);

/* The jail's resolv.conf: one "nameserver" line per server, then the "search", "domain"
 * and "options" lines of the host's @host_text (may be NULL), less the option "trust-ad": the
 * jail reaches its servers over the uplink, not by a path the AD bit could be trusted on.
 * 0, or -ENOSPC. */
int resolv_conf_for_jail(const struct nameservers *ns, const char *host_text,
			 char *out, size_t size);

/* The jail's nsswitch.conf: @host_text with its "hosts:" line replaced by one that keeps
 * only "files", "myhostname" and "dns" (always "files ... dns"), so that nothing resolves
 * through the host's resolver (nss-resolve) instead of the jail's resolv.conf.  0, or
 * -ENOSPC. */
int nsswitch_conf_for_jail(const char *host_text, char *out, size_t size);

#endif
