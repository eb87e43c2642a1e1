/*
 * Unit tests for the server's core called directly: the shared actions (actions.c), errors
 * as data and their IRC rendering (numerics.c), and the IRC command table (commands.c).
 * Connections are real conn structs on socketpairs; what they are sent is read from their
 * output queues, never from the network.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "common/limits.h"
#include "common/util.h"
#include "server/actions.h"
#include "server/channel.h"
#include "server/commands.h"
#include "server/conn.h"
#include "server/numerics.h"
#include "server/server.h"

enum { PEERS_MAX = 8 };
static int peer_fds[PEERS_MAX];
static int npeers;

static struct conn *
new_conn(const char *nick)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(40000) };
	int sv[2];

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_true(npeers < PEERS_MAX);
	peer_fds[npeers++] = sv[1];
	struct conn *c = conn_new(sv[0], (struct sockaddr *)&sin);
	conn_add(c);
	c->mode = CONN_IRC;
	if (nick != NULL) {
		conn_set_nick(c, nick);
		str_copy(c->user, nick, sizeof c->user);
		c->got_user = true;
		act_register(c);
	}
	return c;
}

/* What c was sent since the last call, as one string (the queue is emptied). */
static const char *
sent(struct conn *c)
{
	static char buf[8192];
	size_t n = ob_pending(&c->out);
	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, ob_data(&c->out), n);
	buf[n] = '\0';
	ob_clear(&c->out);
	return buf;
}

static int
setup(void **state)
{
	(void)state;
	memset(&srv, 0, sizeof srv);
	str_copy(srv.cfg.name, "irc.test", sizeof srv.cfg.name);
	str_copy(srv.cfg.channel, "#lan", sizeof srv.cfg.channel);
	srv.cfg.sendq = SENDQ_DEFAULT;
	srv.cfg.timeout_s = PING_INTERVAL_DEFAULT;
	srv_init();
	npeers = 0;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	/* Connections here skip the loop, which otherwise sets up and frees the lists they join. */
	cset_free(&srv.pending);
	cset_free(&srv.dying);
	for (size_t i = 0; i < srv.nconns; i++) {
		struct conn *c = srv.conns[i];
		act_teardown_quiet(c);
		act_teardown(c);
		close(c->fd);
		conn_free(c);
	}
	srv.nconns = 0;
	for (int i = 0; i < npeers; i++)
		close(peer_fds[i]);
	assert_int_equal(srv.channels.len, 0);
	assert_int_equal(srv.nicks.len, 0);
	srv_free();
	return 0;
}

static void
test_join_say_part(void **state)
{
	struct conn *a = new_conn("alice"), *b = new_conn("bob"), *c = new_conn("carol");
	struct channel *ch;
	const struct conn *away;
	(void)state;

	assert_int_equal(act_join(a, "#a", NULL, &ch), NUM_OK);
	assert_non_null(ch);
	assert_int_equal(act_join(b, "#A", NULL, &ch), NUM_OK);
	assert_non_null(ch);
	assert_non_null(strstr(sent(a), ":bob!~bob@127.0.0.1 JOIN #a\r\n"));
	/* Joining again is no error and no event. */
	assert_int_equal(act_join(b, "#a", NULL, &ch), NUM_OK);
	assert_null(ch);
	(void)sent(b);

	assert_int_equal(act_say(a, "#a", "hi there", false, ACT_SAY_TEXT, &away), NUM_OK);
	assert_null(away);
	assert_string_equal(sent(b), ":alice!~alice@127.0.0.1 PRIVMSG #a :hi there\r\n");
	assert_string_equal(sent(a), ""); /* no echo without echo-message */
	assert_int_equal(act_say(a, "#nowhere", "x", false, ACT_SAY_TEXT, &away), NUM_NO_SUCH_NICK);
	assert_int_equal(
	    act_say(c, "#a", "x", false, ACT_SAY_TEXT, &away), NUM_CANNOT_SEND_TO_CHAN);
	assert_int_equal(act_say(a, "nobody", "x", false, ACT_SAY_TEXT, &away), NUM_NO_SUCH_NICK);

	assert_true(act_away(c, "at lunch"));
	assert_int_equal(act_say(a, "carol", "ping", false, ACT_SAY_TEXT, &away), NUM_OK);
	assert_ptr_equal(away, c);
	assert_int_equal(act_say(a, "carol", "ping", true, ACT_SAY_TEXT, &away), NUM_OK);
	assert_null(away); /* never an automatic reply to a NOTICE */
	assert_false(act_away(c, ""));
	assert_null(c->away);

	assert_int_equal(act_part(c, "#a", NULL), NUM_NOT_ON_CHANNEL);
	assert_int_equal(act_part(c, "#b", NULL), NUM_NO_SUCH_CHANNEL);
	(void)sent(b);
	assert_int_equal(act_part(a, "#a", "bye"), NUM_OK);
	assert_string_equal(sent(b), ":alice!~alice@127.0.0.1 PART #a :bye\r\n");
	assert_int_equal(act_part(b, "#a", NULL), NUM_OK);
	assert_null(srv_find_channel("#a")); /* the last one out frees it */
}

static void
test_join_errors(void **state)
{
	struct conn *a = new_conn("alice");
	struct channel *ch;
	char name[CHANNEL_LEN + 8];
	(void)state;

	assert_int_equal(act_join(a, "lan", NULL, &ch), NUM_NO_SUCH_CHANNEL);
	memset(name, 'x', sizeof name - 1);
	name[0] = '#';
	name[sizeof name - 1] = '\0';
	assert_int_equal(act_join(a, name, NULL, &ch), NUM_BAD_CHAN_NAME);
	assert_null(ch);
	for (int i = 0; i < CHANNELS_PER_CLIENT; i++) {
		snprintf(name, sizeof name, "#c%d", i);
		assert_int_equal(act_join(a, name, NULL, &ch), NUM_OK);
	}
	assert_int_equal(act_join(a, "#onemore", NULL, &ch), NUM_TOO_MANY_CHANNELS);
	assert_null(ch);
	act_part_all(a, "done");
	assert_int_equal(a->nchans, 0);
	assert_int_equal(srv.channels.len, 0);
}

static void
test_nicks(void **state)
{
	struct conn *a = new_conn("alice"), *b = new_conn("bob");
	struct channel *ch;
	(void)state;

	assert_int_equal(act_check_nick(a, ""), NUM_NO_NICKNAME_GIVEN);
	assert_int_equal(act_check_nick(a, "9lives"), NUM_ERRONEUS_NICKNAME);
	assert_int_equal(act_check_nick(a, "BOB"), NUM_NICKNAME_IN_USE);
	assert_int_equal(act_check_nick(a, "ALICE"), NUM_OK);
	assert_int_equal(act_join(a, "#a", NULL, &ch), NUM_OK);
	assert_int_equal(act_join(b, "#a", NULL, &ch), NUM_OK);
	(void)sent(a);
	(void)sent(b);
	act_change_nick(a, "alicia");
	assert_string_equal(sent(b), ":alice!~alice@127.0.0.1 NICK :alicia\r\n");
	assert_null(srv_find_nick("alice"));
	assert_ptr_equal(srv_find_nick("ALICIA"), a);
}

static void
test_teardown_counts(void **state)
{
	struct conn *a = new_conn("alice"), *b = new_conn("bob");
	struct channel *ch;
	(void)state;

	assert_int_equal(srv.nusers, 2);
	assert_true(act_set_invisible(a, true));
	assert_false(act_set_invisible(a, true));
	assert_int_equal(srv.ninvisible, 1);
	assert_int_equal(act_join(a, "#a", NULL, &ch), NUM_OK);
	assert_int_equal(act_join(b, "#a", NULL, &ch), NUM_OK);
	(void)sent(b);
	str_copy(a->reason, "Quit: gone", sizeof a->reason);
	act_teardown(a);
	assert_string_equal(sent(b), ":alice!~alice@127.0.0.1 QUIT :Quit: gone\r\n");
	assert_int_equal(srv.nusers, 1);
	assert_int_equal(srv.ninvisible, 0);
	assert_null(srv_find_nick("alice"));
	ch = srv_find_channel("#a");
	assert_non_null(ch);
	assert_int_equal(ch->nmembers, 1);

	act_quit(b, NULL);
	assert_true(b->dead);
	assert_string_equal(b->reason, "Quit: Client quit");
}

/* Text longer than a relayed line can carry goes out in pieces, each a whole line. */
static void
test_say_splits(void **state)
{
	struct conn *a = new_conn("alice"), *b = new_conn("bob");
	struct channel *ch;
	const struct conn *away;
	char text[1200];
	const char *out, *p;
	int lines = 0;
	(void)state;

	for (size_t i = 0; i + 1 < sizeof text; i++)
		text[i] = i % 10 == 9 ? ' ' : 'w';
	text[sizeof text - 1] = '\0';
	assert_int_equal(act_join(a, "#a", NULL, &ch), NUM_OK);
	assert_int_equal(act_join(b, "#a", NULL, &ch), NUM_OK);
	(void)sent(b);
	assert_int_equal(act_say(a, "#a", text, false, ACT_SAY_TEXT, &away), NUM_OK);
	out = sent(b);
	for (p = out; *p != '\0'; lines++) {
		const char *end = strstr(p, "\r\n");
		assert_non_null(end);
		assert_true((size_t)(end - p) <= IRC_LINE_BODY);
		assert_true(end[-1] != ' '); /* split at a space, which is not sent */
		p = end + 2;
	}
	assert_int_equal(lines, 3);
	/* A CTCP other than ACTION goes as it is, in one message. */
	assert_int_equal(
	    act_say(a, "#a", "\001VERSION\001", false, ACT_SAY_VERBATIM, &away), NUM_OK);
	assert_string_equal(sent(b), ":alice!~alice@127.0.0.1 PRIVMSG #a :\001VERSION\001\r\n");
}

/* A guest who turns out to be an IRC client leaves as a QUIT and gives its nick back. */
static void
test_unregister(void **state)
{
	struct conn *a = new_conn("alice"), *g = new_conn("guest1");
	struct channel *ch;
	(void)state;

	assert_int_equal(act_join(a, "#lan", NULL, &ch), NUM_OK);
	assert_int_equal(act_join(g, "#lan", NULL, &ch), NUM_OK);
	(void)sent(a);
	act_unregister(g, "Registering as an IRC client");
	assert_string_equal(
	    sent(a), ":guest1!~guest1@127.0.0.1 QUIT :Registering as an IRC client\r\n");
	assert_false(g->registered);
	assert_string_equal(g->nick, "");
	assert_int_equal(g->nchans, 0);
	assert_null(srv_find_nick("guest1"));
	assert_int_equal(srv.nusers, 1);
	/* Registering again as IRC makes one registration of this connection, not two. */
	act_register(g);
	assert_int_equal(srv.stats.registered, 2);
}

static void
test_numeric_rendering(void **state)
{
	struct conn *a = new_conn("alice");
	char w[8];
	(void)state;

	num_reply(a, NUM_NO_SUCH_CHANNEL, "#a b");
	num_reply(a, NUM_NO_NICKNAME_GIVEN, NULL);
	num_reply(a, NUM_ERRONEUS_NICKNAME, "");
	assert_string_equal(sent(a),
	    ":irc.test 403 alice #a :No such channel\r\n"
	    ":irc.test 431 alice :No nickname given\r\n"
	    ":irc.test 432 alice * :Erroneous nickname\r\n");
	assert_string_equal(num_word("abcdefghij", w, sizeof w), "abcdefg");
	assert_null(num_text(NUM_OK));
	/* Every error an action can return has a text. */
	static const enum num_error all[] = { NUM_NO_SUCH_NICK, NUM_NO_SUCH_CHANNEL,
		NUM_CANNOT_SEND_TO_CHAN, NUM_TOO_MANY_CHANNELS, NUM_NO_NICKNAME_GIVEN,
		NUM_ERRONEUS_NICKNAME, NUM_NICKNAME_IN_USE, NUM_NOT_ON_CHANNEL, NUM_BAD_CHAN_NAME };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		assert_non_null(num_text(all[i]));
}

static void
test_command_table(void **state)
{
	struct conn *a = new_conn("alice"), *b = new_conn("bob"), *u = new_conn(NULL);
	int min, max, cost, privmsg_cost, pong_cost;
	bool reg;
	char line[IRC_LINE_MAX];
	(void)state;

	assert_true(cmd_lookup("PRIVMSG", &min, &max, &reg, &cost));
	assert_true(reg);
	assert_true(cmd_lookup("PONG", &min, &max, &reg, &cost));
	assert_false(reg);
	assert_true(cmd_lookup("USER", &min, &max, &reg, &cost));
	assert_int_equal(min, 4);
	assert_false(cmd_lookup("KNOCK", &min, &max, &reg, &cost));
	assert_false(cmd_lookup("privmsg", &min, &max, &reg, &cost));

	/* A PRIVMSG to four targets costs more flood tokens than a PONG. */
	str_copy(line, "PRIVMSG bob,bob,bob,bob :hello", sizeof line);
	privmsg_cost = cmd_line(a, line);
	str_copy(line, "PONG :irc.test", sizeof line);
	pong_cost = cmd_line(a, line);
	assert_int_equal(pong_cost, 1);
	assert_int_equal(privmsg_cost, 4);
	(void)sent(b);

	/* Too many parameters, too few, and not registered yet. */
	str_copy(line, "QUIT a b", sizeof line);
	cmd_line(a, line);
	assert_string_equal(sent(a), ":irc.test 461 alice QUIT :Not enough parameters\r\n");
	str_copy(line, "JOIN #a", sizeof line);
	cmd_line(u, line);
	assert_string_equal(sent(u), ":irc.test 451 * :You have not registered\r\n");
	/* USER with an empty realname is one parameter short. */
	str_copy(line, "USER x 0 * :", sizeof line);
	cmd_line(u, line);
	assert_string_equal(sent(u), ":irc.test 461 * USER :Not enough parameters\r\n");
	assert_false(u->got_user);
}

int
main(void)
{
	log_set_level(LOG_WARN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_join_say_part, setup, teardown),
		cmocka_unit_test_setup_teardown(test_join_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nicks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_teardown_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_say_splits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unregister, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numeric_rendering, setup, teardown),
		cmocka_unit_test_setup_teardown(test_command_table, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
