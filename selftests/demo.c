// SPDX-License-Identifier: GPL-2.0
/*
 * scripts/run's demonstration, run in the guest by selftests/demo.sh: a
 * fork tree with an mremap, reverse-map walks forced by migration and by
 * MADV_PAGEOUT, and what /proc/vmstat's cow_context_* counters say those
 * walks did. The parent writes NPAGES pages and forks a child, which
 * moves them with mremap() and forks a grandchild: every folio is then
 * mapped by three processes at two addresses, and a walk must find all
 * three through the CoW contexts (the child's remap table translates the
 * moved address). The parent migrates the folios to the other NUMA node;
 * the grandchild writes OWN pages (its own copies, in its own context)
 * and pages them out. Every process checks what its pages hold.
 *
 * Exits 0 only if both walks were counted, found every mapping and no
 * mismatch; 2 if the kernel has no cow_context counters (an unpatched
 * kernel, or one without CONFIG_ANON_COW_CONTEXT_VERIFY).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MPOL_MF_MOVE_ALL
#define MPOL_MF_MOVE_ALL (1 << 2)
#endif

#define NPAGES	64
#define OWN	16

struct vm {
	long long walk, visited, candidates, useful, trylock, mismatch;
};

static long psz;

static void fail(const char *what)
{
	fprintf(stdout, "demo: FAILED: %s%s%s\n", what,
		errno ? ": " : "", errno ? strerror(errno) : "");
	exit(1);
}

static int read_vm(struct vm *v)
{
	char key[64];
	long long x;
	int found = 0;
	FILE *f = fopen("/proc/vmstat", "r");

	memset(v, 0, sizeof(*v));
	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", key, &x) == 2) {
		long long *p = NULL;

		if (!strcmp(key, "cow_context_walk"))
			p = &v->walk;
		else if (!strcmp(key, "cow_context_visited"))
			p = &v->visited;
		else if (!strcmp(key, "cow_context_candidates"))
			p = &v->candidates;
		else if (!strcmp(key, "cow_context_useful"))
			p = &v->useful;
		else if (!strcmp(key, "cow_context_unverified_trylock"))
			p = &v->trylock;
		else if (!strcmp(key, "cow_context_mismatch"))
			p = &v->mismatch;
		if (p) {
			*p = x;
			found++;
		}
	}
	fclose(f);
	return found == 6 ? 0 : -1;
}

/* Print what the walks between a and b did; 0 if they look right. */
static int report(const struct vm *a, const struct vm *b, long walks, long useful)
{
	struct vm d = {
		b->walk - a->walk, b->visited - a->visited,
		b->candidates - a->candidates, b->useful - a->useful,
		b->trylock - a->trylock, b->mismatch - a->mismatch,
	};
	int ok = d.mismatch == 0 && d.walk >= walks && d.useful >= useful;

	printf("  vmstat  cow_context_walk +%lld, visited +%lld, candidates +%lld, useful +%lld, try-lock gave up +%lld, mismatch +%lld: %s\n",
	       d.walk, d.visited, d.candidates, d.useful, d.trylock,
	       d.mismatch, ok ? "ok" : "FAIL");
	if (!ok)
		printf("  (wanted >= %ld walks, >= %ld useful candidates, 0 mismatches)\n",
		       walks, useful);
	return ok ? 0 : -1;
}

/* Objects in use in slab cache NAME (its per-CPU slabs flushed first). */
static long slab_objs(const char *name)
{
	char path[128], line[512], n[64];
	long active = -1, x;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", name);
	fd = open(path, O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "1", 1) < 0)
			active = -1;
		close(fd);
	}
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", n, &x) == 2 && !strcmp(n, name))
			active = x;
	fclose(f);
	return active;
}

static char pattern(int i, int gen)
{
	return 'A' + (i * 7 + gen) % 26;
}

static int check(char *base, int n, int gen)
{
	for (int i = 0; i < n; i++)
		if (base[i * psz] != pattern(i, gen) ||
		    base[i * psz + psz - 1] != pattern(i, gen))
			return -1;
	return 0;
}

static void fill(char *base, int n, int gen)
{
	for (int i = 0; i < n; i++)
		memset(base + i * psz, pattern(i, gen), psz);
}

/* The grandchild: wait for the parent's migration, then page out its own copies. */
static int grandchild(char *moved, int go)
{
	struct vm a, b;
	char c;

	if (read(go, &c, 1) != 1)
		fail("grandchild: waiting for the parent");
	if (check(moved, NPAGES, 0))
		fail("grandchild: the moved pages lost their contents");
	fill(moved, OWN, 1);	/* CoW: OWN new folios, mapped once */
	if (read_vm(&a))
		fail("no cow_context counters");
	if (madvise(moved, OWN * psz, MADV_PAGEOUT))
		fail("madvise(MADV_PAGEOUT)");
	if (read_vm(&b))
		fail("no cow_context counters");
	printf("pageout   pid %d wrote %d pages (its own copies) and paged them out (MADV_PAGEOUT)\n",
	       getpid(), OWN);
	if (report(&a, &b, OWN, OWN))
		return 1;
	if (check(moved, OWN, 1))
		fail("grandchild: paged-out pages lost their contents after swap-in");
	return 0;
}

int main(void)
{
	int ready[2], go[2], node[NPAGES], status[NPAGES], st;
	long av0, avc0, av1, avc1;
	void *pages[NPAGES];
	struct vm a, b;
	char *base, c;
	pid_t child, parent;
	int rc = 0, moved = 0;

	psz = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (read_vm(&a)) {
		printf("demo: FAILED: no cow_context_* counters in /proc/vmstat (kernel without CONFIG_ANON_COW_CONTEXT_VERIFY)\n");
		return 2;
	}
	base = mmap(NULL, NPAGES * psz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		fail("mmap");
	fill(base, NPAGES, 0);
	if (pipe(ready) || pipe(go))
		fail("pipe");
	av0 = slab_objs("anon_vma");
	avc0 = slab_objs("anon_vma_chain");

	parent = getpid();
	child = fork();
	if (child < 0)
		fail("fork");
	if (child == 0) {
		char *dst = mmap(NULL, NPAGES * psz, PROT_NONE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		char *to;
		pid_t g;

		if (dst == MAP_FAILED)
			fail("child: mmap");
		to = mremap(base, NPAGES * psz, NPAGES * psz,
			    MREMAP_MAYMOVE | MREMAP_FIXED, dst);
		if (to != dst)
			fail("child: mremap");
		g = fork();
		if (g < 0)
			fail("child: fork");
		if (g == 0) {
			printf("tree      pid %d -> %d (moved the %d pages with mremap) -> %d: each folio mapped 3 times, at 2 addresses\n",
			       (int)parent, (int)getppid(), NPAGES, (int)getpid());
			if (write(ready[1], "r", 1) != 1)
				fail("grandchild: pipe");
			exit(grandchild(to, go[0]));
		}
		if (waitpid(g, &st, 0) != g)
			fail("child: waitpid");
		exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
	}
	if (read(ready[0], &c, 1) != 1)
		fail("waiting for the tree");
	av1 = slab_objs("anon_vma");
	avc1 = slab_objs("anon_vma_chain");

	/* Where the folios are, then move each to the other node. */
	for (int i = 0; i < NPAGES; i++)
		pages[i] = base + i * psz;
	if (syscall(__NR_move_pages, 0, NPAGES, pages, NULL, status, 0))
		fail("move_pages (query)");
	for (int i = 0; i < NPAGES; i++) {
		if (status[i] < 0) {
			errno = -status[i];
			fail("move_pages: page not present");
		}
		node[i] = !status[i];
	}
	if (read_vm(&a))
		fail("no cow_context counters");
	if (syscall(__NR_move_pages, 0, NPAGES, pages, node, status, MPOL_MF_MOVE_ALL))
		fail("move_pages(MPOL_MF_MOVE_ALL) (needs two NUMA nodes)");
	if (read_vm(&b))
		fail("no cow_context counters");
	for (int i = 0; i < NPAGES; i++)
		moved += status[i] == node[i];
	printf("migrate   pid %d: move_pages(MPOL_MF_MOVE_ALL) of the %d shared folios to node %d: %d moved, contents %s\n",
	       (int)getpid(), NPAGES, node[0], moved,
	       check(base, NPAGES, 0) ? "CHANGED" : "intact");
	if (moved != NPAGES || check(base, NPAGES, 0))
		rc = 1;
	if (report(&a, &b, NPAGES, 3L * NPAGES))
		rc = 1;

	if (write(go[1], "g", 1) != 1)
		fail("pipe");
	if (waitpid(child, &st, 0) != child)
		fail("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		rc = 1;
	if (av0 >= 0 && avc0 >= 0)
		printf("slab      while the tree lived: anon_vma %+ld, anon_vma_chain %+ld objects\n",
		       av1 - av0, avc1 - avc0);
	printf("demo: %s\n", rc ? "FAILED" : "ok");
	return rc;
}
