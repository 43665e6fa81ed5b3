// SPDX-License-Identifier: GPL-2.0
/*
 * P1, rmap metadata memory: a parent with @vmas faulted anonymous VMAs
 * (one page each, separated by unmapped gaps so that they cannot merge;
 * proven by counting /proc/self/maps lines) forks @children children that
 * each write to a few pages and stay alive. The slab bytes (active objects
 * x object size, from /proc/slabinfo; needs slab_nomerge) of anon_vma,
 * anon_vma_chain, every cache named "cow_context*", maple_node,
 * vm_area_struct and all kmalloc-* caches, before the forks and with every
 * child alive, give KiB per child. Every cache is shrunk first (sysfs
 * "shrink": per-CPU slabs and sheaves flushed), or SLUB would count their
 * free objects as active.
 *
 * kmalloc() of more than two pages bypasses the slab caches (it takes
 * pages, counted in /proc/meminfo's Slab but in no cache of
 * /proc/slabinfo): "kmalloc_large" is meminfo's Slab minus the pages of
 * all slabinfo caches, and "slab_total" is meminfo's Slab, all per child.
 * "rmap_total" adds anon_vma, anon_vma_chain, cow_context*, kmalloc and
 * kmalloc_large: all but the VMA and maple tree caches.
 *
 * The whole system's figures, in KiB: "boot_*" before the parent maps
 * anything (the guest as booted), "zygote_*" with the last round's children
 * alive (a zygote-like tree), for anon_vma, anon_vma_chain, cow_context*,
 * kmalloc, kmalloc_large and slab_total.
 *
 * Each snapshot follows a one-second pause, so that objects freed after
 * an RCU grace period (maple nodes) are gone; @warm warm-up rounds go
 * unreported.
 *
 * usage: p1-rmap-memory [-v VMAS] [-c CHILDREN] [-p PAGES] [-r ROUNDS]
 *                       [-w WARM]
 */
#include "bench.h"
#include <dirent.h>

enum { ANON_VMA, AVC, COW_CONTEXT, MAPLE, VMA, KMALLOC, NCAT,
	/* Not slabinfo caches; filled in by slab_bytes() too. */
	KMALLOC_LARGE = NCAT, SLAB_TOTAL, NALL };
static const char *const cat_name[NALL] = {
	"anon_vma", "anon_vma_chain", "cow_context", "maple_node",
	"vm_area_struct", "kmalloc", "kmalloc_large", "slab_total",
};

/*
 * Flush every cache's per-CPU slabs and sheaves (kmem_cache_shrink), so
 * that /proc/slabinfo's active_objs counts objects really in use.
 */
static void shrink_slabs(void)
{
	DIR *d = opendir("/sys/kernel/slab");
	struct dirent *e;
	char path[512];
	int fd;

	if (!d)
		die("open /sys/kernel/slab");
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 e->d_name);
		fd = open(path, O_WRONLY);
		if (fd < 0)
			continue;	/* aliases and caches without one */
		if (write(fd, "1", 1) != 1)
			die("write %s", path);
		close(fd);
	}
	closedir(d);
}

static void slab_bytes(double *bytes)
{
	char line[512], name[128];
	long active, total, size, perslab, pages, slabs;
	double slab_pages = 0;
	int c, seen = 0;
	FILE *f;

	/* Let RCU-deferred frees of earlier work happen first. */
	sleep(1);
	shrink_slabs();
	/*
	 * Slabs of SLAB_TYPESAFE_BY_RCU caches (anon_vma) that the shrink
	 * emptied leave /proc/slabinfo at once but meminfo's Slab only after
	 * a grace period: wait for it, or kmalloc_large goes negative.
	 */
	sleep(1);
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		die("open /proc/slabinfo (root and CONFIG_SLUB_DEBUG needed)");
	memset(bytes, 0, NALL * sizeof(*bytes));
	bytes[SLAB_TOTAL] = meminfo_slab();
	while (fgets(line, sizeof(line), f)) {
		/* name active num size perslab pages : tunables ... : slabdata active num */
		if (sscanf(line, "%127s %ld %ld %ld %ld %ld : tunables %*d %*d %*d : slabdata %*d %ld",
			   name, &active, &total, &size, &perslab, &pages,
			   &slabs) != 7)
			continue;
		slab_pages += (double)slabs * pages * page_size;
		if (!strcmp(name, "anon_vma"))
			c = ANON_VMA;
		else if (!strcmp(name, "anon_vma_chain"))
			c = AVC;
		else if (!strncmp(name, "cow_context", 11))
			c = COW_CONTEXT;
		else if (!strcmp(name, "maple_node"))
			c = MAPLE;
		else if (!strcmp(name, "vm_area_struct"))
			c = VMA;
		else if (!strncmp(name, "kmalloc-", 8))
			c = KMALLOC;
		else
			continue;
		bytes[c] += (double)active * size;
		seen |= 1 << c;
	}
	fclose(f);
	if (!slab_pages)
		fail("/proc/slabinfo: no slabdata columns");
	bytes[KMALLOC_LARGE] = bytes[SLAB_TOTAL] - slab_pages;
	/* The base kernel has no cow_context cache: that one may be absent. */
	if ((seen | 1 << COW_CONTEXT) != (1 << NCAT) - 1)
		fail("/proc/slabinfo lacks anon_vma, anon_vma_chain, maple_node, vm_area_struct or kmalloc-*");
}

int main(int argc, char **argv)
{
	long vmas = 1000, children = 50, pages = 4, rounds = 1, warm = 1;
	long lines, r, i, j;
	size_t stride;
	double s0[NALL], s1[NALL], boot[NALL];
	char name[64];
	char *base;
	int opt;

	bench_init("p1");
	while ((opt = getopt(argc, argv, "v:c:p:r:w:")) != -1) {
		switch (opt) {
		case 'v': vmas = parse_num(optarg); break;
		case 'c': children = parse_num(optarg); break;
		case 'p': pages = parse_num(optarg); break;
		case 'r': rounds = parse_num(optarg); break;
		case 'w': warm = parse_num(optarg); break;
		default:
			fail("usage: p1-rmap-memory [-v VMAS] [-c CHILDREN] [-p PAGES] [-r ROUNDS] [-w WARM]");
		}
	}
	if (!vmas || !children)
		fail("-v and -c must be positive");
	pin_to_cpu(0);
	stride = 2 * page_size;
	slab_bytes(boot);
	lines = count_maps();
	base = map_gapped(vmas, 1);
	lines = count_maps() - lines;
	if (lines < vmas)
		fail("%ld VMAs mapped but /proc/self/maps grew by %ld lines: they merged",
		     vmas, lines);
	resultl("maps_lines_added", vmas, "lines", lines);

	for (r = 0; r < warm + rounds; r++) {
		int ready[2], release[2];
		pid_t *pid = calloc(children, sizeof(*pid));
		char c;

		if (!pid)
			die("calloc");
		if (pipe(ready) || pipe(release))
			die("pipe");
		slab_bytes(s0);
		for (i = 0; i < children; i++) {
			pid[i] = fork();
			if (pid[i] < 0)
				die("fork child %ld", i);
			if (!pid[i]) {
				close(release[1]);
				close(ready[0]);
				for (j = 0; j < pages; j++)
					base[((i * pages + j) % vmas) * stride] = 'w';
				xwrite(ready[1], "r", 1);
				/* EOF when the parent closes its end. */
				if (read(release[0], &c, 1) < 0)
					_exit(1);
				_exit(0);
			}
		}
		for (i = 0; i < children; i++)
			xread(ready[0], &c, 1);
		slab_bytes(s1);
		close(release[1]);
		for (i = 0; i < children; i++)
			wait_child(pid[i]);
		close(release[0]);
		close(ready[0]);
		close(ready[1]);
		free(pid);
		if (r < warm)
			continue;
		for (i = 0; i < NALL; i++)
			resultl(cat_name[i], vmas, "KiB/child",
				(s1[i] - s0[i]) / children / 1024);
		/*
		 * The series keeps its contexts and summaries in kmalloc
		 * memory, small and large: count them, and with them the
		 * (near zero, see the base kernel) other kmalloc use of fork.
		 */
		resultl("rmap_total", vmas, "KiB/child",
			(s1[ANON_VMA] + s1[AVC] + s1[COW_CONTEXT] +
			 s1[KMALLOC] + s1[KMALLOC_LARGE] -
			 s0[ANON_VMA] - s0[AVC] - s0[COW_CONTEXT] -
			 s0[KMALLOC] - s0[KMALLOC_LARGE]) /
			children / 1024);
	}
	for (i = 0; i < NALL; i++) {
		if (i == MAPLE || i == VMA)
			continue;
		snprintf(name, sizeof(name), "boot_%s", cat_name[i]);
		resultl(name, vmas, "KiB", boot[i] / 1024);
		snprintf(name, sizeof(name), "zygote_%s", cat_name[i]);
		resultl(name, vmas, "KiB", s1[i] / 1024);
	}
	return 0;
}
