/*
 * lsan.h: included once by each ATF-C test program.  libatf-c keeps its
 * test-case list until exit, which LeakSanitizer (make check SANITIZE=1)
 * reports; leaks from anywhere else still fail the test.
 */
#ifndef TESTS_SYS_LSAN_H
#define TESTS_SYS_LSAN_H

const char	*__lsan_default_suppressions(void);
const char	*__lsan_default_options(void);

const char *
__lsan_default_suppressions(void)
{
	return ("leak:libatf-c.so\n");
}

/* kyua takes anything on stderr while listing test cases as breakage. */
const char *
__lsan_default_options(void)
{
	return ("print_suppressions=0");
}

#endif /* TESTS_SYS_LSAN_H */
