/* util.h - strict parsers for untrusted text. */
#ifndef NETJAIL_UTIL_H
#define NETJAIL_UTIL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 0 if @text is a whole decimal or 0x-hex number in [min, max], else -EINVAL/-ERANGE. */
int parse_u32(const char *text, uint32_t min, uint32_t max, uint32_t *out);

/* Read a sysctl-like file open on @fd (closed here): one number in [0, max] and a newline.
 * 0, -EIO if it holds nothing, or parse_u32's error. */
int read_u32_fd(int fd, uint32_t max, uint32_t *out);

/* 0 if @text is a dotted-quad IPv4 address, else -EINVAL. */
int parse_ipv4(const char *text, struct in_addr *out);

/* 0 if @text is an IPv4 or IPv6 address, else -EINVAL. */
int parse_ip_any(const char *text);

/* true if @name can be a network interface name (1..15 chars of [A-Za-z0-9_.-], not "." or ".."). */
bool ifname_is_valid(const char *name);

/* true if @name can name a jail (--name): 1..32 of [A-Za-z0-9_.+-], not starting with '.'
 * or '-'.  No '/', ':', space or control: it goes into aliases, launchers and completions
 * as it is. */
bool jail_name_is_valid(const char *name);

/* Copy @text into @buf for a one-line message: at most 64 characters, every control or
 * non-ASCII byte shown as '?', so user input can never break or forge a line.  Returns @buf. */
const char *printable(const char *text, char *buf, size_t size);
/* The same without the 64-character cut, for a path the user must be able to find (cut
 * only where @size ends: give it PATH_MAX).  Returns @buf. */
const char *printable_whole(const char *text, char *buf, size_t size);

/* Check @text as a nameserver address and add it to @list (at most @max), as -d and a
 * profile's "dns" do.  0, or -EINVAL with the reason in @why. */
int nameserver_append(const char **list, size_t *count, size_t max, const char *text,
		      char *why, size_t why_len);

#endif
