/* runstat.c - run a command; print its wall time, CPU time and peak RSS. */

/*
 * usage: runstat OUTFILE COMMAND [ARG...]
 *
 * Runs COMMAND (standard output and error go where runstat's go), waits
 * for it with wait4 and writes one line to OUTFILE:
 *
 *     exit=N wall=SECONDS user=SECONDS sys=SECONDS maxrss_kib=N
 *
 * Times have microsecond resolution (GNU time's %e has 10 ms).  The
 * exit status of runstat is the command's (128 + signal when killed).
 * With RUNSTAT_TIMEOUT=SECONDS in the environment a command still running
 * after that long is sent SIGTERM, then SIGKILL 5 seconds later, so one
 * hung program cannot stall a whole benchmark.
 */

#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;
static pid_t child;

static void
on_alarm(int sig)
{
	(void)sig;
	kill(child, alarms++ == 0 ? SIGTERM : SIGKILL);
	alarm(5);
}

static double
tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	struct sigaction sa;
	const char *to = getenv("RUNSTAT_TIMEOUT");
	FILE *out;
	pid_t pid;
	int status, code;

	if (argc < 3) {
		fprintf(stderr, "usage: runstat OUTFILE COMMAND [ARG...]\n");
		return 2;
	}
	if ((out = fopen(argv[1], "w")) == NULL) {
		fprintf(stderr, "runstat: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) < 0) {
		fprintf(stderr, "runstat: fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		fclose(out);
		execvp(argv[2], argv + 2);
		fprintf(stderr, "runstat: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	child = pid;
	if (to != NULL && atoi(to) > 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_alarm;
		sigaction(SIGALRM, &sa, NULL);
		alarm((unsigned)atoi(to));
	}
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "runstat: wait4: %s\n",
			    strerror(errno));
			return 2;
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	alarm(0);
	if (alarms > 0)
		fprintf(stderr, "runstat: %s: timed out after %s s\n",
		    argv[2], to);
	code = WIFEXITED(status) ? WEXITSTATUS(status) :
	    128 + WTERMSIG(status);
	fprintf(out, "exit=%d wall=%.6f user=%.6f sys=%.6f maxrss_kib=%ld\n",
	    code, (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, tv_s(ru.ru_utime),
	    tv_s(ru.ru_stime), ru.ru_maxrss);
	fclose(out);
	return code;
}
