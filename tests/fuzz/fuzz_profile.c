/* libFuzzer harness for profile_parse(): the input is the text of a profile.
 *
 * Whatever the file says, profile_parse() must either refuse it with a printable
 * "fuzz.conf:LINE: reason", or give a profile whose every string is in its own text
 * buffer, whose command words are non-empty, and whose values pass the same checks as
 * the command line's.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "profile.h"
#include "util.h"

static int in_buffer(const struct profile *p, const char *s)
{
	return s >= p->text && s < p->text + sizeof(p->text) &&
	       strnlen(s, (size_t)(p->text + sizeof(p->text) - s)) < (size_t)(p->text + sizeof(p->text) - s);
}

static void check_profile(const struct profile *p)
{
	size_t words = 0;

	if ((p->interface && (!in_buffer(p, p->interface) || !ifname_is_valid(p->interface))) ||
	    p->dns_count > CLI_MAX_DNS || p->publish_count > PUBLISH_MAX ||
	    p->setenv_count > PROFILE_MAX_ENV || p->unsetenv_count > PROFILE_MAX_ENV ||
	    p->ipv6 < -1 || p->ipv6 > 1)
		abort();
	for (size_t i = 0; i < p->dns_count; i++)
		if (!in_buffer(p, p->dns[i]) || parse_ip_any(p->dns[i]))
			abort();
	for (size_t i = 0; i < p->publish_count; i++)
		if (!p->publish[i].host_port || !p->publish[i].jail_port)
			abort();
	for (; p->command[words]; words++)
		if (words >= PROFILE_MAX_WORDS || !in_buffer(p, p->command[words]) || !p->command[words][0])
			abort();
	for (size_t i = 0; i < p->setenv_count; i++)
		if (!in_buffer(p, p->setenv[i]) || !strchr(p->setenv[i], '=') || p->setenv[i][0] == '=')
			abort();
	for (size_t i = 0; i < p->unsetenv_count; i++)
		if (!in_buffer(p, p->unsetenv[i]) || !p->unsetenv[i][0])
			abort();
}

static void check_why(const char *why, size_t size)
{
	size_t len = strnlen(why, size);

	if (len == size || strncmp(why, "fuzz.conf:", 10) != 0)
		abort();
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)why[i] < 0x20 || (unsigned char)why[i] >= 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct profile profile;
	char why[320];
	char *text;
	int err;

	if (size > PROFILE_MAX_BYTES)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(why, 'x', sizeof(why));
	why[sizeof(why) - 1] = '\0';
	err = profile_parse(text, "fuzz.conf", &profile, why, sizeof(why));
	if (err == 0)
		check_profile(&profile);
	else if (err != -EINVAL)
		abort();
	else
		check_why(why, sizeof(why));
	free(text);
	return 0;
}
