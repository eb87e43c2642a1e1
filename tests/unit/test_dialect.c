/* Unit tests for server/dialect: the first-line judgement, IRC or plain text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "server/dialect.h"

static void
test_registration_lines_are_irc(void **state)
{
	static const char *const reg[] = { "NICK alice", "NICK alice 1", "NICK 9lives",
		"nick alice", "USER alice 0 * :Alice", "USER a b c d", "USER a b c d e",
		"PASS secret", "PASS user secret", "pass secret", "CAP LS", "CAP LS 302",
		"cap ls 302", "CAP REQ :server-time", "CAP END", "CAP LIST", "CAP NOTACOMMAND",
		"CAP :LS", "@tag=1 NICK alice", ":src NICK alice" };
	static const char *const other[] = { "PING :early", "PING x", "QUIT", "QUIT :bye",
		"@a=b PING x" };
	(void)state;
	for (size_t i = 0; i < sizeof reg / sizeof reg[0]; i++)
		if (dialect_judge(reg[i]) != DIALECT_REGISTER)
			fail_msg("\"%s\" should be an IRC registration", reg[i]);
	for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
		if (dialect_judge(other[i]) != DIALECT_IRC_OTHER)
			fail_msg("\"%s\" should be IRC, not a registration", other[i]);
}

static void
test_human_lines_are_plain(void **state)
{
	static const char *const human[] = { "hello", "", "   ", "PING everyone: meeting now",
		"USER here, anyone?", "CAP locks are fun", "NICK is not my name",
		"nick is late again", "pass the salt please", "QUIT smoking, they said",
		"JOIN #lan", "PRIVMSG #lan :hi", "ping me", "quit", "user a b c d e", "PING",
		"USER a b c", "NICK a 1x", "\x01\x02\x03", "/nick bob" };
	(void)state;
	for (size_t i = 0; i < sizeof human / sizeof human[0]; i++)
		if (dialect_judge(human[i]) != DIALECT_CHAT)
			fail_msg("\"%s\" should be plain text", human[i]);
}

static void
test_overlong_input_is_cut_not_trusted(void **state)
{
	char line[4096];
	(void)state;
	/* The judgement copies at most one IRC line; a long NICK line stays a judgement, not a crash. */
	memset(line, 'a', sizeof line - 1);
	line[sizeof line - 1] = '\0';
	memcpy(line, "NICK ", 5);
	assert_int_equal(dialect_judge(line), DIALECT_REGISTER);
	memcpy(line, "hi, ", 4);
	assert_int_equal(dialect_judge(line), DIALECT_CHAT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registration_lines_are_irc),
		cmocka_unit_test(test_human_lines_are_plain),
		cmocka_unit_test(test_overlong_input_is_cut_not_trusted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
