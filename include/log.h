/* log.h - one-line messages to stderr, prefixed "netjail: "; errors and warnings also go
 * to syslog when stderr is not a terminal (a desktop launcher). */
#ifndef NETJAIL_LOG_H
#define NETJAIL_LOG_H

#include <stdbool.h>

/* Exit status when netjail itself fails or refuses (env(1), chroot(1) convention). */
#define EXIT_NETJAIL_FAILED 125

extern bool log_verbose_enabled;

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "netjail: warning: ...": something the user should know, that does not stop the run. */
void log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print one error line and exit 125.  Only for paths that hold no host state. */
__attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...);

#endif
