#include "server/flood.h"

#include <sys/ioctl.h>

#include "common/util.h"
#include "server/conn.h"
#include "server/server.h"

void
flood_refill(struct conn *c)
{
	if (srv.cfg.flood_rate > 0 && c->tokens < FLOOD_BURST) {
		c->tokens +=
		    (double)srv.cfg.flood_rate * (double)(srv.now_ms - c->tokens_ms) / 1000.0;
		if (c->tokens > FLOOD_BURST)
			c->tokens = FLOOD_BURST;
	}
	c->tokens_ms = srv.now_ms;
	c->throttled = false;
}

bool
flood_allows(struct conn *c)
{
	if (srv.cfg.flood_rate == 0 || c->tokens >= 1.0)
		return true;
	c->throttled = lb_ready(&c->in);
	/* A paste: say why it trickles in, rather than leave the user guessing. */
	if (c->throttled && c->mode == CONN_PLAIN &&
	    (c->slow_told_ms == 0 || srv.now_ms - c->slow_told_ms >= SLOW_NOTICE_MS)) {
		c->slow_told_ms = srv.now_ms;
		conn_notice(c, "Your lines are being sent at %d a second; the rest follow.",
		    srv.cfg.flood_rate);
	}
	return false;
}

void
flood_charge(struct conn *c, int cost)
{
	if (srv.cfg.flood_rate > 0)
		c->tokens -= cost;
}

bool
flood_check_excess(struct conn *c)
{
	int unread = 0;

	if (!c->throttled)
		return false;
	ioctl(c->fd, FIONREAD, &unread);
	size_t limit = c->mode == CONN_PLAIN ? PLAIN_PASTE_BYTES : FLOOD_KICK_BYTES;
	if ((size_t)unread + lb_pending(&c->in) <= limit)
		return false;
	srv.stats.flood_kicks++;
	log_warn("flood: #%u %s from %s is far over the limit", c->id, conn_nick(c), c->host);
	conn_close_link(c, "Excess Flood");
	return true;
}
