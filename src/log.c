/* log.c - the only place that writes netjail's own messages.
 *
 * Every message is one line on stderr starting with "netjail: ", so that scripts and
 * launchers can show it as it is.  Verbose lines describe each step (-v).
 *
 * Started from a desktop launcher, netjail has no terminal and its stderr goes nowhere a
 * user looks (or to a session log nobody reads).  So when stderr is not a terminal,
 * errors and warnings also go to syslog (the journal, on systemd), as "netjail[PID]: ...".
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

bool log_verbose_enabled;

static void vprint(int priority, const char *prefix, const char *fmt, va_list ap)
{
	char line[PATH_MAX + 1024];	/* a whole path and what is said about it */

	/* Every caller has called va_start; the analyzer does not follow it across calls. */
	vsnprintf(line, sizeof(line), fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
	fprintf(stderr, "netjail: %s%s\n", prefix, line);
	if (priority != LOG_DEBUG && !isatty(STDERR_FILENO)) {
		openlog("netjail", LOG_PID, LOG_USER);
		syslog(priority, "%s%s", prefix, line);
		closelog();
	}
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(LOG_ERR, "", fmt, ap);
	va_end(ap);
}

void log_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(LOG_WARNING, "warning: ", fmt, ap);
	va_end(ap);
}

void log_verbose(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose_enabled)
		return;
	va_start(ap, fmt);
	vprint(LOG_DEBUG, "", fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(LOG_ERR, "", fmt, ap);
	va_end(ap);
	exit(EXIT_NETJAIL_FAILED);
}
