/* SPDX-License-Identifier: GPL-2.0-or-later
 * Test runner: every registered suite runs in its own child process under
 * CUnit's basic interface (so a segfault is one failed suite, not the end
 * of the run); tdm_malloc blocks still live after a test count as a
 * failure (leak check). Prints per-suite results, then "N passed, N
 * failed" and exits 1 on any failure. An argument runs only the suites
 * whose names contain it. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <tandem/alloc.h>
#include "test.h"

static struct tdm_test_suite *suites;
static struct tdm_test_suite **tail = &suites;
static const struct tdm_test_suite *running;

void tdm_test_register(struct tdm_test_suite *s)
{
	*tail = s;
	tail = &s->next;
}

/* Every CUnit test calls this trampoline, which finds the case by name,
 * runs it, and checks that it freed what it allocated. */
static void run_case(void)
{
	CU_pTest t = CU_get_current_test();
	long before = tdm_alloc_live();

	for (const struct tdm_test_case *c = running->cases; c->name; c++) {
		if (strcmp(c->name, t->pName) == 0) {
			c->fn();
			break;
		}
	}
	tdm_alloc_fail_after(-1);
	if (tdm_alloc_live() != before) {
		fprintf(stderr, "  leak: %s: %ld block(s) not freed\n",
			t->pName, tdm_alloc_live() - before);
		CU_FAIL("leak: tdm_malloc blocks not freed");
	}
}

/* Prints each failed assertion as file:line: test: condition. */
static void report_failures(void)
{
	for (CU_pFailureRecord f = CU_get_failure_list(); f; f = f->pNext)
		printf("  FAIL %s:%u: %s: %s\n", f->strFileName ? f->strFileName : "?",
		       f->uiLineNumber, f->pTest ? f->pTest->pName : "?",
		       f->strCondition ? f->strCondition : "");
}

/* In the child: run one suite, report "passed failed" through the pipe. */
static int run_suite_child(const struct tdm_test_suite *s, int fd)
{
	CU_pSuite cs;
	unsigned ran, failed;
	char msg[64];
	int n;

	running = s;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	cs = CU_add_suite(s->name, NULL, NULL);
	for (const struct tdm_test_case *c = s->cases; c->name; c++)
		CU_add_test(cs, c->name, run_case);
	CU_basic_set_mode(CU_BRM_SILENT);
	CU_basic_run_tests();
	ran = CU_get_number_of_tests_run();
	failed = CU_get_number_of_tests_failed();
	report_failures();
	printf("suite %s: %u passed, %u failed\n", s->name, ran - failed, failed);
	CU_cleanup_registry();
	n = snprintf(msg, sizeof(msg), "%u %u", ran - failed, failed);
	if (write(fd, msg, (size_t)n) != n)
		return 2;
	return 0;
}

/* Runs a suite in a child; adds its counts. A crashed child counts every
 * test of the suite that did not report as failed. */
static void run_suite(const struct tdm_test_suite *s, unsigned *pass,
		      unsigned *fail)
{
	int fds[2], status;
	unsigned p = 0, f = 0, total = 0;
	char msg[64] = "";
	pid_t pid;
	ssize_t n;

	for (const struct tdm_test_case *c = s->cases; c->name; c++)
		total++;
	fflush(stdout);
	if (pipe(fds) || (pid = fork()) < 0) {
		perror("fork");
		*fail += total;
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		_exit(run_suite_child(s, fds[1]));
	}
	close(fds[1]);
	n = read(fds[0], msg, sizeof(msg) - 1);
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (n > 0 && sscanf(msg, "%u %u", &p, &f) == 2 &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		*pass += p;
		*fail += f;
		return;
	}
	fprintf(stderr, "suite %s: crashed (%s %d); counting %u test(s) failed\n",
		s->name, WIFSIGNALED(status) ? "signal" : "exit",
		WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
		total);
	*fail += total;
}

int main(int argc, char **argv)
{
	unsigned pass = 0, fail = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (const struct tdm_test_suite *s = suites; s; s = s->next) {
		if (argc > 1 && !strstr(s->name, argv[1]))
			continue;
		run_suite(s, &pass, &fail);
	}
	printf("\n%u passed, %u failed\n", pass, fail);
	return fail ? 1 : 0;
}
