/* Unit tests for common/outbuf: the bounded output queue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/limits.h"
#include "common/outbuf.h"

static void
test_empty(void **state)
{
	struct outbuf ob;
	(void)state;

	ob_init(&ob);
	assert_int_equal(ob_pending(&ob), 0);
	/* Consuming or clearing an empty queue is harmless. */
	ob_consume(&ob, 10, OUTBUF_KEEP);
	ob_clear(&ob);
	assert_int_equal(ob_pending(&ob), 0);
	ob_free(&ob);
	ob_free(&ob);
}

static void
test_append_consume_order(void **state)
{
	struct outbuf ob;
	(void)state;

	ob_init(&ob);
	assert_int_equal(ob_append(&ob, "hello ", 6, 0), OB_OK);
	assert_int_equal(ob_append(&ob, "world\r\n", 7, 0), OB_OK);
	assert_int_equal(ob_pending(&ob), 13);
	assert_memory_equal(ob_data(&ob), "hello world\r\n", 13);
	/* A partial write: only what was written is dropped. */
	ob_consume(&ob, 4, OUTBUF_KEEP);
	assert_int_equal(ob_pending(&ob), 9);
	assert_memory_equal(ob_data(&ob), "o world\r\n", 9);
	ob_consume(&ob, 9, OUTBUF_KEEP);
	assert_int_equal(ob_pending(&ob), 0);
	ob_free(&ob);
}

static void
test_consume_more_than_pending(void **state)
{
	struct outbuf ob;
	(void)state;

	ob_init(&ob);
	assert_int_equal(ob_append(&ob, "abc", 3, 0), OB_OK);
	ob_consume(&ob, 1000, OUTBUF_KEEP);
	assert_int_equal(ob_pending(&ob), 0);
	assert_int_equal(ob_append(&ob, "d", 1, 0), OB_OK);
	assert_memory_equal(ob_data(&ob), "d", 1);
	ob_free(&ob);
}

static void
test_limit(void **state)
{
	char chunk[100];
	struct outbuf ob;
	(void)state;

	memset(chunk, 'L', sizeof chunk);
	ob_init(&ob);
	/* Up to the limit exactly is allowed; one byte more is refused and changes nothing. */
	for (int i = 0; i < 10; i++)
		assert_int_equal(ob_append(&ob, chunk, sizeof chunk, 1000), OB_OK);
	assert_int_equal(ob_pending(&ob), 1000);
	assert_int_equal(ob_append(&ob, chunk, 1, 1000), OB_FULL);
	assert_int_equal(ob_pending(&ob), 1000);
	/* The limit is on pending bytes: after a write there is room again. */
	ob_consume(&ob, 300, OUTBUF_KEEP);
	for (int i = 0; i < 3; i++)
		assert_int_equal(ob_append(&ob, chunk, sizeof chunk, 1000), OB_OK);
	assert_int_equal(ob_append(&ob, chunk, 1, 1000), OB_FULL);
	assert_int_equal(ob_pending(&ob), 1000);
	/* A single append larger than the limit is refused on an empty queue too. */
	ob_clear(&ob);
	assert_int_equal(ob_append(&ob, chunk, 100, 99), OB_FULL);
	assert_int_equal(ob_pending(&ob), 0);
	ob_free(&ob);
}

static void
test_growth_keeps_content(void **state)
{
	struct outbuf ob;
	char byte;
	size_t total = 0;
	(void)state;

	/* Grow far past the initial capacity, with reads interleaved, and check every byte. */
	ob_init(&ob);
	size_t next_out = 0;
	for (size_t i = 0; i < 200000; i++) {
		byte = (char)(i % 251);
		assert_int_equal(ob_append(&ob, &byte, 1, 0), OB_OK);
		total++;
		if (i % 7 == 0) {
			/* Consume a few bytes, verifying them. */
			size_t k = ob_pending(&ob) < 3 ? ob_pending(&ob) : 3;
			for (size_t j = 0; j < k; j++)
				assert_int_equal(ob_data(&ob)[j], (char)((next_out + j) % 251));
			next_out += k;
			ob_consume(&ob, k, OUTBUF_KEEP);
		}
	}
	assert_int_equal(ob_pending(&ob), total - next_out);
	for (size_t j = 0; j < ob_pending(&ob); j++)
		assert_int_equal(ob_data(&ob)[j], (char)((next_out + j) % 251));
	assert_true(ob.cap >= ob_pending(&ob));
	ob_free(&ob);
}

static void
test_slide_before_grow(void **state)
{
	char chunk[2048];
	struct outbuf ob;
	(void)state;

	/* After a partial consume, appending reuses the consumed front instead of growing. */
	ob_init(&ob);
	memset(chunk, 's', sizeof chunk);
	assert_int_equal(ob_append(&ob, chunk, 400, 0), OB_OK);
	size_t cap = ob.cap;
	assert_true(cap >= 400 && cap - 50 <= sizeof chunk);
	ob_consume(&ob, 350, OUTBUF_KEEP);
	chunk[0] = 'T';
	assert_int_equal(ob_append(&ob, chunk, cap - 50, 0), OB_OK);
	assert_int_equal(ob.cap, cap);
	assert_int_equal(ob_pending(&ob), cap);
	assert_int_equal(ob_data(&ob)[0], 's');
	assert_int_equal(ob_data(&ob)[50], 'T');
	ob_free(&ob);
}

static void
test_release_past_keep(void **state)
{
	char chunk[4096];
	struct outbuf ob;
	(void)state;

	memset(chunk, 'r', sizeof chunk);
	ob_init(&ob);
	/* A large emptied buffer is released... */
	assert_int_equal(ob_append(&ob, chunk, sizeof chunk, 0), OB_OK);
	assert_true(ob.cap > OUTBUF_KEEP);
	ob_consume(&ob, sizeof chunk, OUTBUF_KEEP);
	assert_int_equal(ob.cap, 0);
	assert_null(ob.data);
	/* ...and still usable afterwards. */
	assert_int_equal(ob_append(&ob, "x", 1, 0), OB_OK);
	assert_memory_equal(ob_data(&ob), "x", 1);

	/* A small one is kept for reuse, as is a big one that is not yet empty. */
	ob_consume(&ob, 1, OUTBUF_KEEP);
	assert_true(ob.cap > 0 && ob.cap <= OUTBUF_KEEP);
	assert_non_null(ob.data);
	assert_int_equal(ob_append(&ob, chunk, sizeof chunk, 0), OB_OK);
	ob_consume(&ob, sizeof chunk - 1, OUTBUF_KEEP);
	assert_true(ob.cap > OUTBUF_KEEP);
	assert_int_equal(ob_pending(&ob), 1);
	ob_free(&ob);
	assert_null(ob.data);

	/* "Larger than keep" is strict: a buffer of exactly keep bytes stays. */
	assert_int_equal(ob_append(&ob, chunk, 600, 0), OB_OK);
	size_t cap = ob.cap;
	ob_consume(&ob, 600, cap);
	assert_int_equal(ob.cap, cap);
	assert_non_null(ob.data);
	assert_int_equal(ob_append(&ob, chunk, 600, 0), OB_OK);
	ob_consume(&ob, 600, cap - 1);
	assert_int_equal(ob.cap, 0);
	ob_free(&ob);
}

static void
test_zero_length_append(void **state)
{
	struct outbuf ob;
	(void)state;

	ob_init(&ob);
	assert_int_equal(ob_append(&ob, "", 0, 0), OB_OK);
	assert_int_equal(ob_pending(&ob), 0);
	assert_int_equal(ob_append(&ob, "", 0, 1), OB_OK);
	/*
	 * Reading an empty queue is harmless too, even once its storage is released: the
	 * pointer is never NULL, so memcpy(dst, ob_data(), ob_pending()) is always defined.
	 */
	char dst[4];
	assert_int_equal(ob_pending(&ob), 0);
	assert_non_null(ob_data(&ob));
	memcpy(dst, ob_data(&ob), ob_pending(&ob));
	assert_int_equal(ob_append(&ob, "ab", 2, 0), OB_OK);
	ob_consume(&ob, 2, 0);
	assert_int_equal(ob_append(&ob, "", 0, 0), OB_OK);
	assert_non_null(ob_data(&ob));
	memcpy(dst, ob_data(&ob), ob_pending(&ob));
	assert_int_equal(ob_pending(&ob), 0);
	ob_free(&ob);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_append_consume_order),
		cmocka_unit_test(test_consume_more_than_pending),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_growth_keeps_content),
		cmocka_unit_test(test_slide_before_grow),
		cmocka_unit_test(test_release_past_keep),
		cmocka_unit_test(test_zero_length_append),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
