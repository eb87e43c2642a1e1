/*
 * The session's accounts side, pure: SASL EXTERNAL with our own certificate whenever a TLS
 * server offers it, the account on 900, /register, a nick someone else owns given up for
 * another, and who is logged in (extended-join, account-notify, WHO's r flag, WHOIS 330).
 */
#include "tests/client/session_fx.h"

/* Connects over TLS with a certificate, up to the end of CAP LS. */
static void
tls_connect(struct fx *fx, const char *ls)
{
	fx->s.tls = true;
	fx->s.have_cert = true;
	sess_connecting(&fx->s, 0);
	sess_connected(&fx->s, 0);
	take_sent(fx);
	feed(fx, ls);
}

static void
test_sasl_external(void **state)
{
	struct fx *fx = *state;

	tls_connect(fx, ":srv CAP * LS :server-time sasl=PLAIN,EXTERNAL account-notify "
	                "extended-join");
	assert_string_equal(take_sent(fx),
	    "CAP REQ :server-time account-notify extended-join sasl\r\n");
	feed(fx, ":srv CAP alice ACK :server-time account-notify extended-join sasl");
	/* Registration waits for the login. */
	assert_string_equal(take_sent(fx), "AUTHENTICATE EXTERNAL\r\n");
	feed(fx, "AUTHENTICATE +");
	assert_string_equal(take_sent(fx), "AUTHENTICATE +\r\n");
	feed(fx, ":srv 900 alice alice!~alice@h alice :You are now logged in as alice");
	assert_string_equal(fx->s.account, "alice");
	feed(fx, ":srv 903 alice :SASL authentication successful");
	assert_string_equal(take_sent(fx), "CAP END\r\n");
	feed(fx, ":srv 001 alice :Welcome");
	assert_string_equal(fx->s.account, "alice");
	/* A new connection starts logged out. */
	sess_lost(&fx->s, "gone", 10);
	sess_connecting(&fx->s, 20);
	sess_connected(&fx->s, 20);
	assert_string_equal(fx->s.account, "");
}

static void
test_sasl_refused_still_registers(void **state)
{
	struct fx *fx = *state;

	tls_connect(fx, ":srv CAP * LS :sasl");
	assert_string_equal(take_sent(fx), "CAP REQ :sasl\r\n");
	feed(fx, ":srv CAP alice ACK :sasl");
	assert_string_equal(take_sent(fx), "AUTHENTICATE EXTERNAL\r\n");
	feed(fx, "AUTHENTICATE +");
	take_sent(fx);
	feed(fx, ":srv 904 alice :SASL authentication failed");
	assert_string_equal(take_sent(fx), "CAP END\r\n");
	assert_string_equal(fx->s.account, "");
	assert_non_null(strstr(sb_get(&fx->welcome, fx->welcome.len - 1)->text, "/register"));
}

static void
test_no_sasl_without_tls_or_external(void **state)
{
	struct fx *fx = *state;

	/* Plain TCP: the key cannot be shown, so no SASL. */
	sess_connecting(&fx->s, 0);
	sess_connected(&fx->s, 0);
	take_sent(fx);
	feed(fx, ":srv CAP * LS :sasl");
	assert_string_equal(take_sent(fx), "CAP END\r\n");
	/* A server offering only PLAIN: nothing to log in with. */
	teardown(state);
	setup(state);
	fx = *state;
	tls_connect(fx, ":srv CAP * LS :sasl=PLAIN");
	assert_string_equal(take_sent(fx), "CAP END\r\n");
}

static void
test_register_command(void **state)
{
	struct fx *fx = *state;

	fx->s.tls = fx->s.have_cert = true;
	register_fx(fx);
	assert_int_equal(cmd_run(&fx->s, "/register", 0), CMD_NONE);
	assert_string_equal(take_sent(fx), "PRIVMSG NickServ :REGISTER\r\n");
	assert_int_equal(cmd_run(&fx->s, "/register s3cret", 0), CMD_NONE);
	assert_string_equal(take_sent(fx), "PRIVMSG NickServ :REGISTER s3cret\r\n");
	/* The password never shows in the wire view. */
	for (size_t i = 0; i < fx->wire.len; i++)
		assert_null(strstr(sb_get(&fx->wire, i)->text, "s3cret"));
	feed(fx, ":srv 900 alice alice!~alice@h alice :You are now logged in as alice");
	assert_int_equal(cmd_run(&fx->s, "/register newpw", 0), CMD_NONE);
	assert_string_equal(take_sent(fx), "PRIVMSG NickServ :SET PASSWORD newpw\r\n");
	assert_int_equal(cmd_run(&fx->s, "/register", 0), CMD_NONE);
	assert_string_equal(take_sent(fx), "");
	assert_int_equal(cmd_run(&fx->s, "/register two words", 0), CMD_NONE);
	assert_string_equal(take_sent(fx), "");
	/* Without TLS a bare /register cannot bind a key. */
	fx->s.tls = false;
	fx->s.account[0] = '\0';
	assert_int_equal(cmd_run(&fx->s, "/register", 0), CMD_NONE);
	assert_string_equal(take_sent(fx), "");
	assert_non_null(strstr(last_msg(fx), "Without TLS"));
}

static void
test_owned_nick_given_up(void **state)
{
	struct fx *fx = *state;

	register_fx(fx);
	feed(fx, ":NickServ!NickServ@services.srv NOTICE alice :alice is a registered nick. Log "
	         "in within 60 seconds (/msg NickServ IDENTIFY password) or you will be renamed.");
	assert_string_equal(take_sent(fx), "NICK alice_\r\n");
	assert_non_null(strstr(last_msg(fx), "registered to someone else's account"));
	/* Anyone else saying so, or about another nick, changes nothing. */
	feed(fx, ":mallory!~m@h NOTICE alice :alice is a registered nick.");
	feed(fx, ":NickServ!NickServ@services.srv NOTICE alice :bob is a registered nick.");
	assert_string_equal(take_sent(fx), "");
	/* Logged in, it is ours. */
	feed(fx, ":srv 900 alice alice!~alice@h alice :You are now logged in as alice");
	feed(fx, ":NickServ!NickServ@services.srv NOTICE alice :alice is a registered nick.");
	assert_string_equal(take_sent(fx), "");
}

static void
test_who_is_logged_in(void **state)
{
	struct fx *fx = *state;

	register_fx(fx);
	/* member(0) is alice, member(1) bob. */
	assert_false(member(fx, 1)->account);
	feed(fx, ":bob!~bob@h ACCOUNT bob");
	assert_true(member(fx, 1)->account);
	feed(fx, ":bob!~bob@h ACCOUNT *");
	assert_false(member(fx, 1)->account);
	feed(fx, ":carol!~c@h JOIN #lan carol :Carol");
	assert_true(member(fx, 2)->account);
	feed(fx, ":dave!~d@h JOIN #lan * :Dave");
	assert_false(member(fx, 3)->account);
	feed(fx, ":srv 352 alice #lan ~bob h srv bob Hr :0 Bob");
	assert_true(member(fx, 1)->account);
	feed(fx, ":srv 330 alice bob bob :is logged in as");
	assert_non_null(strstr(last_msg(fx), "bob is logged in as bob"));
	/* Our own ACCOUNT line sets the status line's account. */
	feed(fx, ":alice!~alice@h ACCOUNT alice");
	assert_string_equal(fx->s.account, "alice");
}

int
main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sasl_external, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sasl_refused_still_registers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_sasl_without_tls_or_external, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_command, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owned_nick_given_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_who_is_logged_in, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
