#include "common/hotcold.h"

void
hc_init(struct hc *h, int64_t cold_after_ms, int64_t cold_every_ms, int64_t now)
{
	*h = (struct hc){ .cold_after_ms = cold_after_ms, .cold_every_ms = cold_every_ms,
		.cold_next_ms = now + cold_every_ms };
	cset_init(&h->hot);
	cset_init(&h->cold);
}

void
hc_free(struct hc *h)
{
	cset_free(&h->hot);
	cset_free(&h->cold);
}

int
hc_add(struct hc *h, struct hc_member *m, int64_t now)
{
	size_t n = cset_count(&h->hot) + cset_count(&h->cold) + 1;

	/* Either set may come to hold every member: room for all of them in both. */
	if (cset_reserve(&h->hot, n) < 0 || cset_reserve(&h->cold, n) < 0)
		return -1;
	m->link = (struct cset_link){ 0 };
	m->active_ms = now;
	return cset_add(&h->hot, &m->link);
}

void
hc_remove(struct hc *h, struct hc_member *m)
{
	(void)h;
	cset_del(&m->link);
}

void
hc_activity(struct hc *h, struct hc_member *m, int64_t now)
{
	m->active_ms = now;
	hc_heat(h, m);
}

void
hc_heat(struct hc *h, struct hc_member *m)
{
	if (!hc_is_cold(h, m))
		return;
	h->warmed++;
	cset_add(&h->hot, &m->link); /* cannot fail: hc_add reserved room */
}

void
hc_cool(struct hc *h, struct hc_member *m)
{
	if (cset_has(&h->hot, &m->link))
		cset_add(&h->cold, &m->link); /* cannot fail: hc_add reserved room */
}

bool
hc_silent(const struct hc *h, const struct hc_member *m, int64_t now)
{
	return now - m->active_ms >= h->cold_after_ms;
}

bool
hc_cold_due(const struct hc *h, int64_t now)
{
	return cset_count(&h->cold) > 0 && now >= h->cold_next_ms;
}

void
hc_cold_polled(struct hc *h, int64_t now)
{
	h->cold_polls++;
	h->cold_next_ms = now + h->cold_every_ms;
}

int64_t
hc_cold_wait(const struct hc *h, int64_t now)
{
	if (cset_count(&h->cold) == 0)
		return INT64_MAX;
	return h->cold_next_ms > now ? h->cold_next_ms - now : 0;
}
