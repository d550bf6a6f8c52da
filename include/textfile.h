/* textfile.h - read a small text file whole. */
#ifndef NETJAIL_TEXTFILE_H
#define NETJAIL_TEXTFILE_H

#include <stddef.h>

/* Read regular file @path whole, with the current fsuid's rights, if it has at most @max
 * bytes.  Returns malloc'd NUL-terminated text (its length in *@len if @len is not NULL),
 * or NULL with errno: EINVAL if it is no regular file (a FIFO never blocks), EFBIG if it is
 * larger, EIO if it changed size while being read. */
char *text_file_read(const char *path, size_t max, size_t *len);

#endif
