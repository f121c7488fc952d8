/*
 * lsan.h: libatf-c 0.21 leaks the test-case list it builds when kyua
 * asks a program for its cases (-l).  These suppressions name only
 * libatf-c's own allocators.  Suppressing the module ("leak:libatf-c.so")
 * would also hide every leak in a test body or the engine below it,
 * since atf_tc_run() is on each of those stacks.  Include once per test
 * program.
 */
#ifndef TESTS_SYS_LSAN_H
#define TESTS_SYS_LSAN_H

const char	*__lsan_default_options(void);
const char	*__lsan_default_suppressions(void);

/* kyua takes any stderr from -l as a broken program. */
const char *
__lsan_default_options(void)
{
	return ("print_suppressions=0");
}

/* Called by LeakSanitizer at startup; unused without it. */
const char *
__lsan_default_suppressions(void)
{
	return ("leak:atf_tp_get_tcs\n"
	    "leak:atf_list_init\n"
	    "leak:atf_list_append\n"
	    "leak:atf_map_insert\n"
	    "leak:atf_map_init_charpp\n");
}

#endif /* TESTS_SYS_LSAN_H */
