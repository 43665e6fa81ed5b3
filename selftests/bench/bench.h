/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the cowctx benchmark programs (selftests/bench/p*.c).
 *
 * Every program prints one line per sample:
 *   RESULT bench=<bench> name=<metric> param=<x> unit=<u> value=<v>
 * and exits nonzero with a message naming the failed call on any error.
 * scripts/bench collects these lines from each guest boot.
 */
#ifndef COWCTX_BENCH_H
#define COWCTX_BENCH_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MPOL_MF_MOVE_ALL
#define MPOL_MF_MOVE_ALL (1 << 2)
#endif

static const char *bench_name = "bench";
static long page_size;

static inline void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	fprintf(stderr, "%s: error: ", bench_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
	exit(1);
}

/* die() without an errno suffix, for failures that are not a syscall's. */
#define fail(...)				\
	do {					\
		errno = 0;			\
		die(__VA_ARGS__);		\
	} while (0)

static inline void bench_init(const char *name)
{
	bench_name = name;
	page_size = sysconf(_SC_PAGESIZE);
	if (page_size <= 0)
		die("sysconf(_SC_PAGESIZE)");
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static inline double now_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		die("clock_gettime");
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static inline void result(const char *name, const char *param,
			  const char *unit, double value)
{
	printf("RESULT bench=%s name=%s param=%s unit=%s value=%.3f\n",
	       bench_name, name, param, unit, value);
}

static inline void resultl(const char *name, long param, const char *unit,
			   double value)
{
	char p[32];

	snprintf(p, sizeof(p), "%ld", param);
	result(name, p, unit, value);
}

/* Parse "10,100,1000" into @v (at most @max entries); returns the count. */
static inline int parse_list(const char *s, long *v, int max)
{
	int n = 0;
	char *end;

	while (*s) {
		if (n == max)
			fail("too many values in list '%s'", s);
		errno = 0;
		v[n] = strtol(s, &end, 10);
		if (end == s || v[n] <= 0 || errno)
			fail("bad number list '%s'", s);
		n++;
		s = *end == ',' ? end + 1 : end;
	}
	if (!n)
		fail("empty number list");
	return n;
}

static inline long parse_num(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || end == s || v < 0 || errno)
		fail("bad number '%s'", s);
	return v;
}

/* Anonymous private mapping, 4 KiB folios only (no THP), not faulted. */
static inline char *map_anon(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap %zu bytes", len);
	if (madvise(p, len, MADV_NOHUGEPAGE))
		die("madvise(MADV_NOHUGEPAGE)");
	return p;
}

/*
 * Write every page of [p, p + len), each with its own non-zero byte
 * pattern, so that every page is a separate anonymous folio (zram stores
 * such same-filled pages without compressing them).
 */
static inline void touch(char *p, size_t len, int seed)
{
	size_t off;

	for (off = 0; off < len; off += page_size)
		memset(p + off, 1 + (seed + off / page_size) % 251, page_size);
}

/*
 * @n anonymous VMAs of @pages pages each, separated by one unmapped page
 * so that they can never merge, every page faulted. Returns the first;
 * VMA k starts at base + k * (pages + 1) * page_size.
 */
static inline char *map_gapped(long n, long pages)
{
	size_t stride = (pages + 1) * page_size;
	char *base = map_anon(n * stride);
	long k;

	for (k = 0; k < n; k++) {
		if (munmap(base + k * stride + pages * page_size, page_size))
			die("munmap gap %ld", k);
		touch(base + k * stride, pages * page_size, k);
	}
	return base;
}

static inline long count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	long n = 0;
	int c;

	if (!f)
		die("open /proc/self/maps");
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* A field of /proc/vmstat (e.g. "pswpout"). */
static inline long vmstat(const char *key)
{
	char name[64];
	long v, found = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		die("open /proc/vmstat");
	while (fscanf(f, "%63s %ld", name, &v) == 2)
		if (!strcmp(name, key))
			found = v;
	fclose(f);
	if (found < 0)
		fail("no '%s' in /proc/vmstat", key);
	return found;
}

static inline void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity(cpu %d)", cpu);
}

/*
 * move_pages(2) of [p, p + len) to @node (raw syscall, MPOL_MF_MOVE_ALL so
 * that pages mapped by several processes move too), @batch pages per
 * call. Returns the number of pages that ended on @node.
 */
static inline long move_range(char *p, size_t len, int node, long batch)
{
	long n = len / page_size, done = 0, i, j, k;
	void **pages = malloc(batch * sizeof(*pages));
	int *nodes = malloc(batch * sizeof(*nodes));
	int *status = malloc(batch * sizeof(*status));

	if (!pages || !nodes || !status)
		die("malloc");
	for (i = 0; i < n; i += batch) {
		k = n - i < batch ? n - i : batch;
		for (j = 0; j < k; j++) {
			pages[j] = p + (i + j) * page_size;
			nodes[j] = node;
		}
		if (syscall(SYS_move_pages, 0, k, pages, nodes, status,
			    MPOL_MF_MOVE_ALL))
			die("move_pages(%ld pages to node %d)", k, node);
		for (j = 0; j < k; j++)
			done += status[j] == node;
	}
	free(pages);
	free(nodes);
	free(status);
	return done;
}

/* The node of the page at @p (move_pages query mode). */
static inline int page_node(char *p)
{
	void *pages[1] = { p };
	int status[1];

	if (syscall(SYS_move_pages, 0, 1, pages, NULL, status, 0))
		die("move_pages(query)");
	if (status[0] < 0) {
		errno = -status[0];
		die("move_pages(query) status");
	}
	return status[0];
}

/* MADV_PAGEOUT of [p, p + len); returns microseconds, *@out pages swapped. */
static inline double pageout(char *p, size_t len, long *out)
{
	long s0 = vmstat("pswpout");
	double t0 = now_us(), t1;

	if (madvise(p, len, MADV_PAGEOUT))
		die("madvise(MADV_PAGEOUT)");
	t1 = now_us();
	*out = vmstat("pswpout") - s0;
	return t1 - t0;
}

/* Children that block until released (pipes), and reaping them. */
static inline void wait_child(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		die("waitpid(%d)", pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		fail("child %d failed (status 0x%x)", pid, st);
}

static inline void xwrite(int fd, const void *buf, size_t n)
{
	if (write(fd, buf, n) != (ssize_t)n)
		die("write to pipe");
}

static inline void xread(int fd, void *buf, size_t n)
{
	ssize_t r = read(fd, buf, n);

	if (r != (ssize_t)n) {
		if (r >= 0)
			errno = 0;
		die("read from pipe (%zd of %zu bytes)", r, n);
	}
}

/* Shared memory for results written by children. */
static inline void *map_shared(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap shared %zu bytes", len);
	return p;
}

/*
 * /proc/meminfo's Slab: slab pages and large kmalloc() pages, bytes. The
 * per-CPU vmstat deltas are folded in first (vm.stat_refresh), or Slab
 * lags by up to a few hundred KiB.
 */
static inline double meminfo_slab(void)
{
	char line[256];
	double kb = -1;
	FILE *f;
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);

	if (fd < 0 || write(fd, "1", 1) != 1)
		die("write /proc/sys/vm/stat_refresh (root needed)");
	close(fd);
	f = fopen("/proc/meminfo", "r");
	if (!f)
		die("open /proc/meminfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %lf kB", &kb) == 1)
			break;
	fclose(f);
	if (kb < 0)
		fail("/proc/meminfo has no Slab line");
	return kb * 1024;
}

#endif
