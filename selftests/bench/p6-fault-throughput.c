// SPDX-License-Identifier: GPL-2.0
/*
 * P6, first-touch anonymous fault throughput: for each thread count T of
 * @list, T threads (thread i on CPU i) each write one byte to every page
 * of their own fresh @mib MiB region (4 KiB folios, no THP), in one
 * process; @warm warm-up then @iters measured iterations, each reporting
 * T * pages / elapsed time. Under icount all vCPUs share one host thread,
 * so the 2-thread number measures no real concurrency (use --tcg).
 *
 * usage: p6-fault-throughput [-m MIB] [-t T,T,...] [-i ITERS] [-w WARM]
 */
#include "bench.h"
#include <pthread.h>

static pthread_barrier_t start, end;
static char *region[64];
static size_t len;
static volatile int stop;

static void *worker(void *arg)
{
	long id = (long)arg;
	size_t off;
	int e;

	pin_to_cpu(id);
	for (;;) {
		e = pthread_barrier_wait(&start);
		if (e && e != PTHREAD_BARRIER_SERIAL_THREAD) {
			errno = e;
			die("pthread_barrier_wait");
		}
		if (stop)
			return NULL;
		for (off = 0; off < len; off += page_size)
			region[id][off] = 1;
		e = pthread_barrier_wait(&end);
		if (e && e != PTHREAD_BARRIER_SERIAL_THREAD) {
			errno = e;
			die("pthread_barrier_wait");
		}
	}
}

static void barrier(pthread_barrier_t *b)
{
	int e = pthread_barrier_wait(b);

	if (e && e != PTHREAD_BARRIER_SERIAL_THREAD) {
		errno = e;
		die("pthread_barrier_wait");
	}
}

int main(int argc, char **argv)
{
	long list[8], mib = 64, iters = 5, warm = 1, i, j, nt;
	pthread_t th[64];
	double t0, t1;
	int opt, nl, k, e;

	bench_init("p6");
	nl = parse_list("1,2", list, 8);
	while ((opt = getopt(argc, argv, "m:t:i:w:")) != -1) {
		switch (opt) {
		case 'm': mib = parse_num(optarg); break;
		case 't': nl = parse_list(optarg, list, 8); break;
		case 'i': iters = parse_num(optarg); break;
		case 'w': warm = parse_num(optarg); break;
		default:
			fail("usage: p6-fault-throughput [-m MIB] [-t T,T,...] [-i ITERS] [-w WARM]");
		}
	}
	if (!mib)
		fail("-m must be positive");
	len = mib << 20;
	for (k = 0; k < nl; k++) {
		nt = list[k];
		if (nt > 64 || nt > sysconf(_SC_NPROCESSORS_ONLN))
			fail("%ld threads: more than the CPUs online", nt);
		stop = 0;
		if ((e = pthread_barrier_init(&start, NULL, nt + 1)) ||
		    (e = pthread_barrier_init(&end, NULL, nt + 1))) {
			errno = e;
			die("pthread_barrier_init");
		}
		for (j = 0; j < nt; j++)
			if ((e = pthread_create(&th[j], NULL, worker,
						(void *)j))) {
				errno = e;
				die("pthread_create");
			}
		for (i = 0; i < warm + iters; i++) {
			for (j = 0; j < nt; j++)
				region[j] = map_anon(len);
			t0 = now_us();
			barrier(&start);
			barrier(&end);
			t1 = now_us();
			for (j = 0; j < nt; j++)
				if (munmap(region[j], len))
					die("munmap");
			if (i >= warm)
				resultl("faults", nt, "kfault/s",
					nt * (len / page_size) / (t1 - t0) * 1e3);
		}
		stop = 1;
		barrier(&start);
		for (j = 0; j < nt; j++)
			if ((e = pthread_join(th[j], NULL))) {
				errno = e;
				die("pthread_join");
			}
		pthread_barrier_destroy(&start);
		pthread_barrier_destroy(&end);
	}
	return 0;
}
