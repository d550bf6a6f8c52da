/* fuzz.h - the libFuzzer entry point, shared by the harnesses and replay.c. */
#ifndef NETJAIL_FUZZ_H
#define NETJAIL_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
