/* util.c - strict parsers: whole-string matches with range checks, never atoi/sscanf. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "publish.h"
#include "util.h"

int parse_u32(const char *text, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long value;
	char *end;

	/* strtoull accepts leading spaces and a minus sign: refuse both. */
	if (!text || !isdigit((unsigned char)text[0]))
		return -EINVAL;
	errno = 0;
	value = strtoull(text, &end, 0);
	if (errno || *end != '\0')
		return -EINVAL;
	if (value < min || value > max)
		return -ERANGE;
	*out = (uint32_t)value;
	return 0;
}

int read_u32_fd(int fd, uint32_t max, uint32_t *out)
{
	char text[24];
	ssize_t len = read(fd, text, sizeof(text) - 1);

	close(fd);
	if (len <= 0)
		return -EIO;
	text[len] = '\0';
	text[strcspn(text, "\n")] = '\0';
	return parse_u32(text, 0, max, out);
}

int parse_ipv4(const char *text, struct in_addr *out)
{
	return inet_pton(AF_INET, text, out) == 1 ? 0 : -EINVAL;
}

int parse_ip_any(const char *text)
{
	struct in6_addr scratch;

	if (inet_pton(AF_INET, text, &scratch) == 1 || inet_pton(AF_INET6, text, &scratch) == 1)
		return 0;
	return -EINVAL;
}

bool ifname_is_valid(const char *name)
{
	size_t len = strnlen(name, IFNAMSIZ);

	/* The kernel refuses "/", ":" and spaces; we also refuse everything a shell or a
	 * log reader could misread, since names end up in messages and in link aliases. */
	if (len == 0 || len >= IFNAMSIZ || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!isalnum(c) && c != '_' && c != '-' && c != '.')
			return false;
	}
	return true;
}

bool jail_name_is_valid(const char *name)
{
	size_t len = strnlen(name, 33);

	/* isalnum() follows the locale: ASCII only, by hand. */
	if (len == 0 || len > 32 || name[0] == '.' || name[0] == '-')
		return false;
	return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.+-") ==
	       len;
}

static const char *printable_up_to(const char *text, size_t max, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < max && i + 1 < size && text[i]; i++) {
		buf[i] = '?';
		if (text[i] >= 0x20 && text[i] < 0x7f)
			buf[i] = text[i];
	}
	buf[i] = '\0';
	return buf;
}

const char *printable(const char *text, char *buf, size_t size)
{
	return printable_up_to(text, 64, buf, size);
}

const char *printable_whole(const char *text, char *buf, size_t size)
{
	return printable_up_to(text, size, buf, size);
}

static int parse_port(const char *text, size_t len, uint16_t *port)
{
	char copy[8];
	uint32_t value;

	if (len == 0 || len >= sizeof(copy))
		return -EINVAL;
	memcpy(copy, text, len);
	copy[len] = '\0';
	/* Decimal only: "0x50" is a typo here, not a port. */
	if (strspn(copy, "0123456789") != len || parse_u32(copy, 1, 65535, &value))
		return -EINVAL;
	*port = (uint16_t)value;
	return 0;
}

int publish_parse(const char *text, struct publish *out)
{
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	const char *first_colon = memchr(text, ':', len), *last_colon = memrchr(text, ':', len);
	char address[INET_ADDRSTRLEN];

	memset(out, 0, sizeof(*out));
	out->proto = IPPROTO_TCP;
	if (slash && !strcmp(slash, "/udp"))
		out->proto = IPPROTO_UDP;
	else if (slash && strcmp(slash, "/tcp") != 0)
		return -EINVAL;
	if (!first_colon || !last_colon)
		return -EINVAL;
	if (first_colon != last_colon) {
		size_t address_len = (size_t)(first_colon - text);

		if (address_len >= sizeof(address))
			return -EINVAL;
		memcpy(address, text, address_len);
		address[address_len] = '\0';
		if (parse_ipv4(address, &out->addr))
			return -EINVAL;
		out->has_addr = true;
		len -= address_len + 1;
		text = first_colon + 1;
	}
	if (parse_port(text, (size_t)(last_colon - text), &out->host_port) ||
	    parse_port(last_colon + 1, len - (size_t)(last_colon - text) - 1, &out->jail_port))
		return -EINVAL;
	return 0;
}

int publish_append(struct publish *list, size_t *count, const char *text, char *why, size_t why_len)
{
	char shown[72];

	if (*count == PUBLISH_MAX) {
		snprintf(why, why_len, "too many published ports: at most %d", PUBLISH_MAX);
		return -EINVAL;
	}
	if (publish_parse(text, &list[*count])) {
		snprintf(why, why_len, "invalid port to publish '%s': expected "
			 "[ADDR:]HOSTPORT:JAILPORT[/tcp|udp]", printable(text, shown, sizeof(shown)));
		return -EINVAL;
	}
	(*count)++;
	return 0;
}

int nameserver_append(const char **list, size_t *count, size_t max, const char *text,
		      char *why, size_t why_len)
{
	char shown[72];

	if (parse_ip_any(text)) {
		snprintf(why, why_len, "invalid nameserver '%s': expected an IP address",
			 printable(text, shown, sizeof(shown)));
		return -EINVAL;
	}
	if (*count == max) {
		snprintf(why, why_len, "too many nameservers: at most %zu", max);
		return -EINVAL;
	}
	list[(*count)++] = text;
	return 0;
}
