#include "client/lanplan.h"

#include <stdio.h>
#include <string.h>

#include "common/limits.h"
#include "common/sanitize.h"
#include "common/util.h"

void
lanplan_boot_start(struct lanplan_boot *b, int64_t now)
{
	memset(b, 0, sizeof *b);
	b->active = true;
	b->start_ms = now;
	/* Servers answer our start-up beacon at once (see server/announce.c). */
	b->wait_ms = DISCOVER_WAIT_MS;
}

void
lanplan_boot_quiet(struct lanplan_boot *b)
{
	b->wait_ms = DISCOVER_QUIET_WAIT_MS;
}

enum lanplan_boot_action
lanplan_boot_step(struct lanplan_boot *b, size_t nservers, int64_t now)
{
	if (!b->active)
		return LANPLAN_BOOT_WAIT;
	if (nservers > 0 && b->first_ms == 0)
		b->first_ms = now;
	if (now < b->start_ms + b->wait_ms)
		return LANPLAN_BOOT_WAIT;
	if (nservers == 0) {
		/* A server heard and then forgotten counts as none: start the settle again. */
		b->first_ms = 0;
		if (b->told_none)
			return LANPLAN_BOOT_WAIT;
		b->told_none = true;
		return LANPLAN_BOOT_NONE;
	}
	if (now < b->first_ms + DISCOVER_SETTLE_MS)
		return LANPLAN_BOOT_WAIT;
	b->active = false;
	return nservers == 1 ? LANPLAN_BOOT_CONNECT : LANPLAN_BOOT_PICK;
}

int64_t
lanplan_boot_deadline(const struct lanplan_boot *b)
{
	if (!b->active)
		return INT64_MAX;
	int64_t t = b->start_ms + b->wait_ms;
	if (b->first_ms != 0 && b->first_ms + DISCOVER_SETTLE_MS > t)
		t = b->first_ms + DISCOVER_SETTLE_MS;
	return t;
}

void
lanplan_picker_open(struct lanplan_picker *p)
{
	memset(p, 0, sizeof *p);
	p->open = true;
}

void
lanplan_picker_sync(struct lanplan_picker *p, const struct beacon_peer *const *servers, size_t n)
{
	uint64_t keep = lanplan_picker_selected(p);
	char keep_addr[HOST_LEN];
	size_t row = p->sel;

	str_copy(keep_addr, lanplan_picker_selected_addr(p), sizeof keep_addr);
	if (n > LANPLAN_PICK_MAX)
		n = LANPLAN_PICK_MAX;
	p->n = n;
	p->sel = row < n ? row : (n > 0 ? n - 1 : 0);
	for (size_t i = 0; i < n; i++) {
		p->ids[i] = servers[i]->b.id;
		str_copy(p->addrs[i], servers[i]->addr, sizeof p->addrs[i]);
		if (keep != 0 && p->ids[i] == keep && strcmp(p->addrs[i], keep_addr) == 0)
			p->sel = i;
	}
}

enum lanplan_pick_result
lanplan_picker_key(struct lanplan_picker *p, enum lanplan_pick_key k)
{
	if (!p->open)
		return LANPLAN_PICK_CANCELLED;
	switch (k) {
	case LANPLAN_KEY_UP:
		if (p->sel > 0)
			p->sel--;
		break;
	case LANPLAN_KEY_DOWN:
		if (p->sel + 1 < p->n)
			p->sel++;
		break;
	case LANPLAN_KEY_HOME:
		p->sel = 0;
		break;
	case LANPLAN_KEY_END:
		p->sel = p->n > 0 ? p->n - 1 : 0;
		break;
	case LANPLAN_KEY_ENTER:
		/* Enter on an empty list does nothing: the list may fill while it is open. */
		if (p->n == 0)
			break;
		p->open = false;
		return LANPLAN_PICK_CHOSEN;
	case LANPLAN_KEY_CANCEL:
		p->open = false;
		return LANPLAN_PICK_CANCELLED;
	}
	return LANPLAN_PICK_OPEN;
}

uint64_t
lanplan_picker_selected(const struct lanplan_picker *p)
{
	return p->sel < p->n ? p->ids[p->sel] : 0;
}

const char *
lanplan_picker_selected_addr(const struct lanplan_picker *p)
{
	return p->sel < p->n ? p->addrs[p->sel] : "";
}

bool
lanplan_picker_is_selected(const struct lanplan_picker *p, const struct beacon_peer *s)
{
	return p->sel < p->n && p->ids[p->sel] == s->b.id && strcmp(p->addrs[p->sel], s->addr) == 0;
}

bool
lanplan_auto_join_ok(const struct beacon_roster *r, const struct beacon_peer *const *servers,
    size_t n)
{
	return n == 1 && !servers[0]->suspect && beacon_roster_claims(r, servers[0]->b.id) == 1;
}

enum beacon_status
lanplan_self_status(bool away, int64_t last_key_ms, int64_t now, uint32_t *idle_s)
{
	int64_t idle = now - last_key_ms;

	if (idle < 0)
		idle = 0;
	*idle_s = idle / 1000 > UINT32_MAX ? UINT32_MAX : (uint32_t)(idle / 1000);
	if (away)
		return BEACON_AWAY;
	return idle >= IDLE_AFTER_MS ? BEACON_IDLE : BEACON_AVAILABLE;
}

void
lanplan_age(char *buf, size_t cap, int64_t ms)
{
	int64_t s = ms < 0 ? 0 : ms / 1000;

	if (s < 60)
		snprintf(buf, cap, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, cap, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		snprintf(buf, cap, "%lldh", (long long)(s / 3600));
	else
		snprintf(buf, cap, "%lldd", (long long)(s / 86400));
}

void
lanplan_server_line(char *buf, size_t cap, const struct beacon_peer *p, int64_t now)
{
	char name[SERVER_NAME_LEN * 4 + 1], addr[HOST_LEN * 4 + 1], age[16];

	/* The codec has validated the text already; sanitising again keeps the rule simple. */
	san_text(name, sizeof name, p->b.name, strlen(p->b.name), SAN_STRIP_FORMAT);
	san_text(addr, sizeof addr, p->addr, strlen(p->addr), SAN_STRIP_FORMAT);
	lanplan_age(age, sizeof age, now - p->heard_ms);
	snprintf(buf, cap, "%s  %s:%u  %u/%u users  heard %s ago%s", name, addr,
	    (unsigned)p->b.port, (unsigned)p->b.users, (unsigned)p->b.max, age,
	    p->suspect ? "  SUSPECT: its id was first heard from another address" : "");
}

void
lanplan_summary(char *buf, size_t cap, size_t nservers, size_t npeople)
{
	snprintf(buf, cap, "%zu server%s, %zu %s", nservers, nservers == 1 ? "" : "s", npeople,
	    npeople == 1 ? "person" : "people");
}
