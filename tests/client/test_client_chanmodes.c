/*
 * Channel operators as the client sees them: ISUPPORT tokens, MODE lines split into
 * changes and said as sentences, the user list with operators first, being kicked (never
 * rejoined), refusals 471-477 and 482 as sentences, and the commands that run a channel
 * (/op /deop /voice /devoice /kick /ban /unban /invite /mode /join KEY).
 */
#include "session_fx.h"

#include "client/chanmodes.h"

/* The last line said ends with want (after its time stamp and mark). */
static void
said(struct fx *fx, const char *want)
{
	const char *got = last_msg(fx);
	size_t g = strlen(got), w = strlen(want);
	if (g < w || strcmp(got + g - w, want) != 0)
		fail_msg("last line '%s', wanted '%s'", got, want);
}

static void
test_isupport(void **state)
{
	struct chm_info mi;
	(void)state;
	chm_info_default(&mi);
	assert_string_equal(mi.status_modes, "ov");
	assert_int_equal(chm_status_char(&mi, 'o'), '@');
	assert_int_equal(mi.per_line, CHM_PER_LINE_DEFAULT);
	chm_info_token(&mi, "PREFIX=(qaohv)~&@%+");
	chm_info_token(&mi, "CHANMODES=beI,kL,lf,imnpst");
	chm_info_token(&mi, "MODES=4");
	assert_string_equal(mi.status_chars, "~&@%+");
	assert_int_equal(chm_status_char(&mi, 'h'), '%');
	assert_string_equal(mi.always, "kL");
	assert_string_equal(mi.on_set, "lf");
	assert_int_equal(mi.per_line, 4);
	/* Malformed tokens change nothing. */
	chm_info_token(&mi, "PREFIX=(ov)@");
	chm_info_token(&mi, "PREFIX=ov@+");
	chm_info_token(&mi, "PREFIX=(o+)@v");
	chm_info_token(&mi, "MODES=x");
	chm_info_token(&mi, "MODES=0");
	assert_string_equal(mi.status_modes, "qaohv");
	assert_int_equal(mi.per_line, 4);
	chm_info_token(&mi, "MODES=999");
	assert_int_equal(mi.per_line, CHM_PER_LINE_MAX);
	chm_info_token(&mi, "PREFIX=");
	assert_string_equal(mi.status_modes, "qaohv");
	chm_info_token(&mi, "PREFIX=()");
	assert_string_equal(mi.status_modes, "");
}

static void
test_split_and_sentences(void **state)
{
	struct chm_info mi;
	struct chm_change ch[CHM_CHANGES_MAX];
	const char *args[] = { "bob", "secret", "10", "*!*@10.0.0.7", "carol" };
	char buf[512];
	(void)state;
	chm_info_default(&mi);
	int n = chm_split(&mi, "+okl-b+tv", args, 5, ch, CHM_CHANGES_MAX);
	assert_int_equal(n, 6);
	assert_int_equal(ch[0].status, '@');
	assert_string_equal(ch[0].arg, "bob");
	assert_string_equal(ch[1].arg, "secret");
	assert_string_equal(ch[2].arg, "10");
	assert_false(ch[3].plus);
	assert_string_equal(ch[3].arg, "*!*@10.0.0.7");
	assert_null(ch[4].arg);
	assert_string_equal(ch[5].arg, "carol");

	chm_sentence(&ch[0], "alice", "#lan", buf, sizeof buf);
	assert_string_equal(buf, "alice gave bob channel operator status in #lan (@)");
	chm_sentence(&ch[1], "alice", "#lan", buf, sizeof buf);
	assert_string_equal(buf, "alice set a key on #lan: joining takes /join #lan secret");
	chm_sentence(&ch[2], "alice", "#lan", buf, sizeof buf);
	assert_string_equal(buf, "alice limited #lan to 10 users");
	chm_sentence(&ch[3], "alice", "#lan", buf, sizeof buf);
	assert_string_equal(buf, "alice lifted the ban on *!*@10.0.0.7 in #lan");
	chm_sentence(&ch[4], "alice", "#lan", buf, sizeof buf);
	assert_string_equal(
	    buf, "alice set the topic lock on #lan: only operators change the topic");
	chm_sentence(&ch[5], "alice", "#lan", buf, sizeof buf);
	assert_string_equal(buf, "alice gave carol a voice in #lan (+)");

	/* -l takes no parameter; a missing one reads '?'; odd characters are skipped. */
	n = chm_split(&mi, "-l+o\x01 -v", NULL, 0, ch, CHM_CHANGES_MAX);
	assert_int_equal(n, 3);
	assert_null(ch[0].arg);
	chm_sentence(&ch[1], "srv", "#x", buf, sizeof buf);
	assert_string_equal(buf, "srv gave ? channel operator status in #x (@)");
	chm_sentence(&ch[2], "srv", "#x", buf, sizeof buf);
	assert_string_equal(buf, "srv took the voice of ? in #x");
	n = chm_split(&mi, "-o+imnsX", args, 1, ch, CHM_CHANGES_MAX);
	chm_sentence(&ch[0], "You", "#x", buf, sizeof buf);
	assert_string_equal(buf, "You took channel operator status from bob in #x");
	chm_sentence(&ch[1], "a", "#x", buf, sizeof buf);
	assert_string_equal(buf, "a made #x invite-only");
	chm_sentence(&ch[5], "a", "#x", buf, sizeof buf);
	assert_string_equal(buf, "a set mode +X on #x");
	/* At most cap changes. */
	assert_int_equal(chm_split(&mi, "+ttttttttt", NULL, 0, ch, 4), 4);
}

static void
test_refusals(void **state)
{
	char buf[512];
	(void)state;
	for (int num = 471; num <= 477; num++) {
		assert_true(chm_refusal(num, "#lan", "text", buf, sizeof buf));
		assert_non_null(strstr(buf, num == 472 ? "mode" : "#lan"));
	}
	assert_true(chm_refusal(475, "#lan", "Cannot join channel (+k)", buf, sizeof buf));
	assert_string_equal(buf, "#lan needs a key: /join #lan KEY (ask its operators for the key)");
	assert_true(chm_refusal(473, "#lan", "", buf, sizeof buf));
	assert_non_null(strstr(buf, "/invite you"));
	assert_true(chm_refusal(482, "#lan", "", buf, sizeof buf));
	assert_non_null(strstr(buf, "You are not an operator of #lan"));
	assert_false(chm_refusal(401, "#lan", "", buf, sizeof buf));
}

/* A session: MODE lines move members (operators first) and read as sentences. */
static void
test_session_modes(void **state)
{
	struct fx *fx = *state;
	register_fx(fx); /* @alice bob */
	feed(fx, ":srv 005 alice PREFIX=(ov)@+ CHANMODES=b,k,l,imnst MODES=2 :are supported");
	assert_int_equal(fx->s.modes.per_line, 2);
	feed(fx, ":aaron!~a@h JOIN #lan");
	/* Rank before name: @alice, then aaron and bob. */
	assert_string_equal(member(fx, 0)->nick, "alice");
	assert_string_equal(member(fx, 1)->nick, "aaron");
	feed(fx, ":alice!~alice@h MODE #lan +v bob");
	said(fx, "You gave bob a voice in #lan (+)");
	assert_string_equal(member(fx, 1)->nick, "bob");
	assert_int_equal(member(fx, 1)->prefix, '+');
	feed(fx, ":bob!~b@h MODE #lan +o bob");
	assert_string_equal(member(fx, 0)->nick, "alice");
	assert_string_equal(member(fx, 1)->nick, "bob");
	assert_int_equal(member(fx, 1)->prefix, '@');
	/* -o leaves the voice. */
	feed(fx, ":bob!~b@h MODE #lan -o+t bob");
	assert_int_equal(member(fx, 1)->prefix, '+');
	said(fx, "bob set the topic lock on #lan: only operators change the topic");
	feed(fx, ":bob!~b@h MODE #lan -o alice");
	said(fx, "bob took channel operator status from you in #lan");
	assert_string_equal(member(fx, 0)->nick, "bob");
	/* multi-prefix names: both prefixes count. */
	feed(fx, ":srv 353 alice = #lan :@+carol aaron");
	feed(fx, ":srv 366 alice #lan :End");
	assert_string_equal(member(fx, 0)->nick, "carol");
	feed(fx, ":x!~x@h MODE #lan -o carol");
	assert_int_equal(member(fx, 0)->prefix, '+');
	/* Our own user modes. */
	feed(fx, ":alice MODE alice :+o");
	said(fx, "You are now a server operator");
	feed(fx, ":op!~o@h WALLOPS :restart at noon");
	said(fx, "WALLOPS from op: restart at noon");
}

/* Kicked: said clearly, the channel left and never rejoined, even after a reconnect. */
static void
test_kicked(void **state)
{
	struct fx *fx = *state;
	register_fx(fx);
	feed(fx, ":bob!~b@h KICK #lan carol :flooding");
	feed(fx, ":carol!~c@h JOIN #lan");
	feed(fx, ":bob!~b@h KICK #lan carol :flooding");
	said(fx, "bob kicked carol from #lan (flooding)");
	feed(fx, ":bob!~b@h KICK #lan alice :be nice");
	said(fx, "You were kicked from #lan by bob (be nice). lanchat "
	                                  "does not rejoin it: /join #lan to go back");
	assert_int_equal(fx->last.line.kind, SB_ERROR);
	assert_null(sess_find_chan(&fx->s, "#lan"));
	assert_null(strstr(take_sent(fx), "JOIN"));
	/* After a reconnect the channel is not joined again either. */
	sess_lost(&fx->s, "reset", 2000);
	sess_connecting(&fx->s, 3000);
	sess_connected(&fx->s, 3000);
	feed(fx, ":srv 001 alice :Welcome alice");
	assert_null(strstr(take_sent(fx), "JOIN #lan"));
	/* A refusal to join reads as what to do. */
	feed(fx, ":srv 475 alice #lan :Cannot join channel (+k)");
	said(fx, "#lan needs a key: /join #lan KEY (ask its operators for "
	                                  "the key)");
	feed(fx, ":bob!~b@h INVITE alice #lan");
	said(fx, "bob invites you to #lan: /join #lan to go");
}

static void
test_commands(void **state)
{
	struct fx *fx = *state;
	register_fx(fx);
	feed(fx, ":srv 005 alice MODES=2 :are supported");
	cmd_run(&fx->s, "/op bob carol dave", 0);
	assert_string_equal(take_sent(fx), "MODE #lan +oo bob carol\r\nMODE #lan +o dave\r\n");
	cmd_run(&fx->s, "/deop bob", 0);
	cmd_run(&fx->s, "/voice bob", 0);
	cmd_run(&fx->s, "/devoice bob", 0);
	assert_string_equal(
	    take_sent(fx), "MODE #lan -o bob\r\nMODE #lan +v bob\r\nMODE #lan -v bob\r\n");
	cmd_run(&fx->s, "/ban bob *!*@10.0.0.7", 0);
	cmd_run(&fx->s, "/unban bob", 0);
	assert_string_equal(
	    take_sent(fx), "MODE #lan +bb bob!*@* *!*@10.0.0.7\r\nMODE #lan -b bob!*@*\r\n");
	cmd_run(&fx->s, "/kick bob you know why", 0);
	cmd_run(&fx->s, "/kick bob", 0);
	assert_string_equal(take_sent(fx), "KICK #lan bob :you know why\r\nKICK #lan bob\r\n");
	cmd_run(&fx->s, "/invite bob", 0);
	cmd_run(&fx->s, "/invite bob #dev", 0);
	assert_string_equal(take_sent(fx), "INVITE bob #lan\r\nINVITE bob #dev\r\n");
	cmd_run(&fx->s, "/mode", 0);
	cmd_run(&fx->s, "/mode +k secret", 0);
	cmd_run(&fx->s, "/mode #dev +i", 0);
	assert_string_equal(take_sent(fx), "MODE #lan\r\nMODE #lan +k secret\r\nMODE #dev +i\r\n");
	cmd_run(&fx->s, "/join #dev key", 0);
	assert_string_equal(take_sent(fx), "JOIN #dev key\r\n");
	/* Bad words are refused before anything is sent. */
	cmd_run(&fx->s, "/op bad,nick", 0);
	cmd_run(&fx->s, "/ban -x", 0);
	assert_string_equal(take_sent(fx), "");
	cmd_run(&fx->s, "/op", 0);
	assert_non_null(strstr(last_msg(fx), "Usage: /op NICK"));
	/* Outside a channel window: said where to go. */
	win_select(fx->s.wins, 0);
	cmd_run(&fx->s, "/kick bob", 0);
	assert_string_equal(take_sent(fx), "");
	assert_non_null(strstr(last_msg(fx), "/kick works in a channel's window"));
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_isupport),
		cmocka_unit_test(test_split_and_sentences),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test_setup_teardown(test_session_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kicked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commands, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
