/*
 * fuzz_flags.h: a command line from fuzz input, for the targets of the
 * genfilt and gentun flag parsers.  The input is lines "Fvalue": flag
 * letter F, then its value.  As cmd_getopt() would, only flags of the
 * command's optstring are taken, each at most once.
 */
#ifndef FUZZ_FLAGS_H
#define FUZZ_FLAGS_H

#include "cmd.h"

/* Split buf (NUL-terminated, modified) into cf; returns 0 or -1. */
int	fuzz_flags(char *, const char *, struct cmd_flags *);

#endif /* FUZZ_FLAGS_H */
