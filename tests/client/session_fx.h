/*
 * The fixture shared by the session tests: a session with its window list, what it sent,
 * and the last line its hook saw.
 */
#ifndef LANCHAT_TESTS_CLIENT_SESSION_FX_H
#define LANCHAT_TESTS_CLIENT_SESSION_FX_H

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "client/commands.h"
#include "client/session.h"
#include "common/ircmsg.h"

struct fx {
	struct session s;
	struct win_list wins;
	struct scrollback welcome, wire;
	char sent[65536];
	/* The last line added to any window, as the session's line hook saw it. */
	struct {
		char text[4096];
		struct sb_line line;
		char win[WIN_NAME_LEN + 1];
		enum win_act act;
	} last;
	size_t nlines;
};

static inline void
on_line(void *arg, const struct win *w, const struct sb_line *l, enum win_act act)
{
	struct fx *fx = arg;
	snprintf(fx->last.text, sizeof fx->last.text, "%s", l->text);
	fx->last.line = *l;
	fx->last.line.text = fx->last.text;
	snprintf(fx->last.win, sizeof fx->last.win, "%s", w->name);
	fx->last.act = act;
	fx->nlines++;
}

static inline int
setup(void **state)
{
	static struct fx fx;
	memset(&fx, 0, sizeof fx);
	win_init(&fx.wins, 100);
	sb_init(&fx.welcome, 100);
	sb_init(&fx.wire, 100);
	sess_init(&fx.s, "alice", "#lan", &fx.wins, &fx.welcome, &fx.wire, 42);
	fx.s.on_line = on_line;
	fx.s.on_line_arg = &fx;
	*state = &fx;
	return 0;
}

static inline int
teardown(void **state)
{
	struct fx *fx = *state;
	sess_free(&fx->s);
	win_free(&fx->wins);
	sb_free(&fx->welcome);
	sb_free(&fx->wire);
	return 0;
}

/* Takes everything queued for the server as one string and empties the queue. */
static inline const char *
take_sent(struct fx *fx)
{
	size_t n = ob_pending(&fx->s.out);
	assert_true(n < sizeof fx->sent);
	if (n > 0)
		memcpy(fx->sent, ob_data(&fx->s.out), n);
	fx->sent[n] = '\0';
	ob_consume(&fx->s.out, n, 0);
	return fx->sent;
}

static inline void
feed(struct fx *fx, const char *line)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", line);
	sess_feed(&fx->s, buf, 1000, 1700000000);
}

static inline const char *
last_msg(struct fx *fx)
{
	assert_true(fx->nlines > 0);
	return fx->last.text;
}

/* A line cut at the wire limit never ends in half a UTF-8 character. */
static inline void
register_fx(struct fx *fx)
{
	sess_connecting(&fx->s, 0);
	sess_connected(&fx->s, 0);
	feed(fx, ":srv CAP * LS :echo-message");
	feed(fx, ":srv 001 alice :Welcome alice");
	feed(fx, ":alice!~alice@h JOIN #lan");
	feed(fx, ":srv 353 alice = #lan :@alice bob");
	feed(fx, ":srv 366 alice #lan :End of NAMES list");
	take_sent(fx);
}

static inline const struct sess_member *
member(struct fx *fx, size_t i)
{
	struct sess_chan *c = sess_find_chan(&fx->s, sess_current(&fx->s)->name);
	chan_sort(c);
	assert_true(i < c->nmembers);
	return c->members[i];
}

#endif
