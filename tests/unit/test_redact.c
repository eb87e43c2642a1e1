/* Unit tests for common/redact: passwords out of lines shown in wire views, traces and logs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/redact.h"

/* redact_line of in must give want. */
static void
expect(const char *in, const char *want)
{
	char out[600];
	size_t n = redact_line(in, strlen(in), out, sizeof out);

	/* The cut is where the kept part ends. */
	if (strcmp(in, want) == 0)
		assert_int_equal(redact_cut(in, strlen(in)), strlen(in));
	else
		assert_int_equal(redact_cut(in, strlen(in)), strlen(want) - strlen(REDACT_MARK));

	if (strcmp(out, want) != 0 || n != strlen(want))
		fail_msg("\"%s\": got \"%s\" (%zu), want \"%s\"", in, out, n, want);
}

static void
test_irc_lines(void **state)
{
	(void)state;
	expect("PASS hunter2", "PASS ***");
	expect("PASS :alice:hunter2", "PASS ***");
	expect("pass hunter2", "pass ***");
	expect("OPER admin s3cret", "OPER admin ***");
	expect("OPER admin", "OPER admin");
	expect("AUTHENTICATE PLAIN", "AUTHENTICATE PLAIN");
	expect("AUTHENTICATE EXTERNAL", "AUTHENTICATE EXTERNAL");
	expect("AUTHENTICATE +", "AUTHENTICATE +");
	expect("AUTHENTICATE *", "AUTHENTICATE *");
	expect("AUTHENTICATE YWxpY2UAYWxpY2UAaHVudGVyMg==", "AUTHENTICATE ***");
	expect("REGISTER alice * hunter2", "REGISTER alice ***");
	expect("PRIVMSG NickServ :IDENTIFY hunter2", "PRIVMSG NickServ :IDENTIFY ***");
	expect("PRIVMSG nickserv :identify alice hunter2", "PRIVMSG nickserv :identify ***");
	expect(
	    "PRIVMSG NickServ@lanbox :REGISTER hunter2", "PRIVMSG NickServ@lanbox :REGISTER ***");
	expect("PRIVMSG NickServ :SET PASSWORD new1", "PRIVMSG NickServ :SET PASSWORD ***");
	expect("PRIVMSG NickServ :GHOST bob hunter2", "PRIVMSG NickServ :GHOST bob ***");
	expect("NOTICE NickServ IDENTIFY hunter2", "NOTICE NickServ IDENTIFY ***");
	expect("NS IDENTIFY hunter2", "NS IDENTIFY ***");
	expect("NICKSERV REGISTER hunter2", "NICKSERV REGISTER ***");
	/* Tags and a source before the command. */
	expect("@label=1 :alice PRIVMSG NickServ :IDENTIFY x",
	    "@label=1 :alice PRIVMSG NickServ :IDENTIFY ***");
	/* Nothing secret: as it is. */
	expect("PRIVMSG #lan :PASS the salt", "PRIVMSG #lan :PASS the salt");
	expect("PRIVMSG NickServ :INFO alice", "PRIVMSG NickServ :INFO alice");
	expect("PRIVMSG NickServ :CERT ADD", "PRIVMSG NickServ :CERT ADD");
	expect("PRIVMSG NickServ :SET EMAIL x", "PRIVMSG NickServ :SET EMAIL x");
	expect("NICK alice", "NICK alice");
	expect("", "");
	expect("PASS", "PASS");
	expect("PASS   ", "PASS   ");
}

static void
test_plain_commands(void **state)
{
	(void)state;
	expect("/identify hunter2", "/identify ***");
	expect("/identify alice hunter2", "/identify ***");
	expect("/register hunter2", "/register ***");
	expect("/oper admin s3cret", "/oper admin ***");
	expect("/pass hunter2", "/pass ***");
	expect("/msg NickServ identify hunter2", "/msg NickServ identify ***");
	expect("/msg bob identify hunter2", "/msg bob identify hunter2");
	expect("/ns register hunter2", "/ns register ***");
	expect("/me waves", "/me waves");
	expect("hello there", "hello there");
}

static void
test_service_text_and_bounds(void **state)
{
	char out[16];
	(void)state;
	assert_int_equal(redact_service_text("IDENTIFY a b", 12, out, sizeof out), 12);
	assert_string_equal(out, "IDENTIFY ***");
	redact_service_text("HELP", 4, out, sizeof out);
	assert_string_equal(out, "HELP");
	assert_true(redact_is_service("NickServ", 8));
	assert_true(redact_is_service("NICKSERV@x", 10));
	assert_false(redact_is_service("NickServer", 10));
	/* Cut to the room there is, the mark included, never past it. */
	assert_int_equal(redact_line("PASS hunter2", 12, out, 8), 7);
	assert_string_equal(out, "PASS **");
	assert_int_equal(redact_line("PRIVMSG #lan :hello", 19, out, 6), 5);
	assert_string_equal(out, "PRIVM");
	assert_int_equal(redact_line("PASS x", 6, out, 1), 0);
	assert_string_equal(out, "");
	/* Not NUL-terminated input: only len bytes are read. */
	assert_int_equal(redact_line("PASS secretXXXX", 4, out, sizeof out), 4);
	assert_string_equal(out, "PASS");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_irc_lines),
		cmocka_unit_test(test_plain_commands),
		cmocka_unit_test(test_service_text_and_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
