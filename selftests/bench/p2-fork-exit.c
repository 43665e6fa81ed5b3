// SPDX-License-Identifier: GPL-2.0
/*
 * P2, fork+exit latency: for each N of @list, a process with N faulted
 * anonymous VMAs (one page each, unmapped gaps between them) times
 * fork() + the child's _exit(0) + waitpid(), @warm warm-up iterations
 * then @iters measured ones, one RESULT line per measured iteration.
 *
 * usage: p2-fork-exit [-n N,N,...] [-i ITERS] [-w WARM]
 */
#include "bench.h"

int main(int argc, char **argv)
{
	long list[16], iters = 10, warm = 2, n, k, i;
	int opt, nl = 0;
	char *base;

	bench_init("p2");
	nl = parse_list("10,100,1000,10000", list, 16);
	while ((opt = getopt(argc, argv, "n:i:w:")) != -1) {
		switch (opt) {
		case 'n': nl = parse_list(optarg, list, 16); break;
		case 'i': iters = parse_num(optarg); break;
		case 'w': warm = parse_num(optarg); break;
		default:
			fail("usage: p2-fork-exit [-n N,N,...] [-i ITERS] [-w WARM]");
		}
	}
	pin_to_cpu(0);
	for (k = 0; k < nl; k++) {
		long lines = count_maps();

		n = list[k];
		base = map_gapped(n, 1);
		if (count_maps() - lines < n)
			fail("%ld VMAs merged (maps grew by %ld)", n,
			     count_maps() - lines);
		for (i = 0; i < warm + iters; i++) {
			double t0 = now_us(), t1;
			pid_t pid = fork();

			if (pid < 0)
				die("fork with %ld VMAs", n);
			if (!pid)
				_exit(0);
			wait_child(pid);
			t1 = now_us();
			if (i >= warm)
				resultl("fork_exit", n, "us", t1 - t0);
		}
		if (munmap(base, 2 * n * page_size))
			die("munmap");
	}
	return 0;
}
