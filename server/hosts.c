#include "server/hosts.h"

#include <stdlib.h>

#include "common/hmap.h"
#include "common/limits.h"
#include "common/util.h"

struct host {
	char addr[HOST_LEN]; /* the key lives in the entry */
	int count;
};

static struct hmap hosts;

int
hosts_add(const char *addr)
{
	struct host *h = hmap_get(&hosts, addr);

	if (h == NULL) {
		h = xcalloc(1, sizeof *h);
		str_copy(h->addr, addr, sizeof h->addr);
		if (hmap_put(&hosts, h->addr, h) < 0) {
			log_error("out of memory counting connections from %s", addr);
			exit(1);
		}
	}
	return ++h->count;
}

void
hosts_remove(const char *addr)
{
	struct host *h = hmap_get(&hosts, addr);

	if (h != NULL && --h->count <= 0) {
		hmap_del(&hosts, h->addr);
		free(h);
	}
}

int
hosts_count(const char *addr)
{
	const struct host *h = hmap_get(&hosts, addr);

	return h != NULL ? h->count : 0;
}
