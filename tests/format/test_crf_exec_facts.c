// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_crf_exec_facts.c - the records of format 1.2: the path used beside a
 * process's executable, CREDENTIALS and SYSCALL_RETURN records, written and
 * read back with their extreme values, the writer's refusals, a recoded file
 * that keeps them, and a 1.1-shaped PROCESS record (no path used) read as
 * before.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "format_test_util.h"
#include "recode.h"

/* A process image of chown exec'd as /bin/chown, a drop of credentials, a failed syscall. */
static struct bytes write_exec_facts(void)
{
	struct crf_process_def p = { .pid = 42, .start_time_ns = 7, .exe_path = "/usr/bin/chown",
				     .exe_path_used = "/bin/chown", .comm = "chown" };
	struct crf_process_def old = { .pid = 43, .start_time_ns = 8, .exe_path = "/usr/bin/true" };
	struct crf_credentials_rec root = { .tid = 42, .first_event = 0, .cap_effective = ~0ull,
					    .cap_permitted = 0x1ffffffffffull };
	struct crf_credentials_rec nobody = { .tid = 42, .first_event = 1, .uid = 65534,
					      .euid = 65534, .suid = 65534, .fsuid = 65534,
					      .gid = 65534, .egid = 65534, .fsgid = 65534 };
	struct crf_syscall_return_rec sr = { .tid = 42, .first_event = 1, .last_event = 2,
					     .syscall_nr = 260, .ret = -1, .time_ns = 5000 };
	struct crf_syscall_return_rec extreme = { .tid = 42, .first_event = 0, .last_event = 0,
						  .syscall_nr = -1, .ret = INT64_MIN,
						  .time_ns = UINT64_MAX };
	struct crf_event_rec ev = { .tid = 42, .cap = 0, .ret = -1, .syscall_nr = 260 };
	struct crf_writer *w = NULL;
	struct bytes out;
	uint32_t id, old_id;
	int fd = util_memfd();

	assert_int_equal(crf_writer_open(&w, fd, NULL), CRF_OK);
	assert_int_equal(crf_define_process(w, &p, &id), CRF_OK);
	assert_int_equal(crf_define_process(w, &old, &old_id), CRF_OK);
	root.process_id = nobody.process_id = sr.process_id = extreme.process_id = id;
	ev.process_id = id;
	assert_int_equal(crf_write_credentials(w, &root), CRF_OK);
	ev.time_ns = 1000;
	assert_int_equal(crf_write_event(w, &ev), CRF_OK);
	assert_int_equal(crf_write_syscall_return(w, &extreme), CRF_OK);
	assert_int_equal(crf_write_credentials(w, &nobody), CRF_OK);
	ev.time_ns = 2000;
	assert_int_equal(crf_write_event(w, &ev), CRF_OK);
	ev.time_ns = 3000;
	assert_int_equal(crf_write_event(w, &ev), CRF_OK);
	assert_int_equal(crf_write_syscall_return(w, &sr), CRF_OK);
	assert_int_equal(crf_writer_close(w), CRF_OK);
	crf_writer_free(w);
	out = util_read_fd(fd);
	close(fd);
	return out;
}

static void check_exec_facts(const struct bytes *file)
{
	struct crf_reader *r = NULL;
	struct crf_item item;
	int fd = util_fd_with(file->data, file->len);
	int processes = 0, creds = 0, sysrets = 0, events = 0, ret;

	assert_int_equal(crf_reader_open(&r, fd, NULL), CRF_OK);
	while ((ret = crf_reader_next(r, &item, NULL)) == 1) {
		switch (item.kind) {
		case CRF_ITEM_PROCESS:
			if (processes++ == 0) {
				assert_string_equal(item.process->exe_path, "/usr/bin/chown");
				assert_string_equal(item.process->exe_path_used, "/bin/chown");
			} else {
				/* Written without the field, as a 1.1 writer writes every record. */
				assert_null(item.process->exe_path_used);
			}
			break;
		case CRF_ITEM_CREDENTIALS: {
			const struct crf_credentials *c = item.credentials;

			assert_non_null(c->process);
			assert_int_equal(c->process->pid, 42);
			assert_int_equal(c->tid, 42);
			if (creds++ == 0) {
				assert_int_equal(c->first_event, 0);
				assert_int_equal(c->euid, 0);
				assert_true(c->cap_effective == ~0ull);
				assert_true(c->cap_permitted == 0x1ffffffffffull);
			} else {
				assert_int_equal(c->first_event, 1);
				assert_int_equal(c->uid, 65534);
				assert_int_equal(c->euid, 65534);
				assert_int_equal(c->suid, 65534);
				assert_int_equal(c->fsuid, 65534);
				assert_int_equal(c->gid, 65534);
				assert_int_equal(c->egid, 65534);
				assert_int_equal(c->fsgid, 65534);
				assert_true(c->cap_effective == 0);
			}
			break;
		}
		case CRF_ITEM_SYSCALL_RETURN: {
			const struct crf_syscall_return *s = item.syscall_return;

			assert_non_null(s->process);
			assert_int_equal(s->tid, 42);
			if (sysrets++ == 0) {
				assert_int_equal(s->first_event, 0);
				assert_int_equal(s->last_event, 0);
				assert_int_equal(s->syscall_nr, -1);
				assert_true(s->ret == INT64_MIN);
				assert_true(s->time_ns == UINT64_MAX);
			} else {
				assert_int_equal(s->first_event, 1);
				assert_int_equal(s->last_event, 2);
				assert_int_equal(s->syscall_nr, 260);
				assert_true(s->ret == -1);
				assert_int_equal(s->time_ns, 5000);
			}
			break;
		}
		case CRF_ITEM_EVENT:
			assert_int_equal(item.event->index, events);
			events++;
			break;
		default:
			break;
		}
	}
	assert_int_equal(ret, 0);
	assert_int_equal(processes, 2);
	assert_int_equal(creds, 2);
	assert_int_equal(sysrets, 2);
	assert_int_equal(events, 3);
	assert_int_equal(crf_reader_recovery(r)->blocks_skipped, 0);
	assert_int_equal(crf_reader_recovery(r)->unresolved_refs, 0);
	crf_reader_free(r);
	close(fd);
}

static void test_exec_facts_round_trip(void **state)
{
	struct bytes file = write_exec_facts();

	(void)state;
	check_exec_facts(&file);
	util_bytes_free(&file);
}

/* crf_recode keeps them: same event numbers, same process ids. */
static void test_recode_keeps_exec_facts(void **state)
{
	struct bytes file = write_exec_facts(), again;
	struct recode_totals totals = { 0 };
	int in = util_fd_with(file.data, file.len), out = util_memfd();

	(void)state;
	assert_int_equal(recode(in, out, NULL, &totals, NULL), CRF_OK);
	again = util_read_fd(out);
	check_exec_facts(&again);
	util_bytes_free(&again);
	util_bytes_free(&file);
	close(in);
	close(out);
}

static void test_writer_refuses_bad_ranges(void **state)
{
	struct crf_process_def p = { .pid = 1 };
	struct crf_event_rec ev = { .tid = 1 };
	struct crf_credentials_rec c = { .tid = 1 };
	struct crf_syscall_return_rec sr = { .tid = 1 };
	struct crf_writer *w = NULL;
	uint32_t id;
	int fd = util_memfd();

	(void)state;
	assert_int_equal(crf_writer_open(&w, fd, NULL), CRF_OK);
	/* No process yet. */
	c.process_id = 1;
	assert_int_equal(crf_write_credentials(w, &c), CRF_ERR_INVALID_ARG);
	assert_int_equal(crf_define_process(w, &p, &id), CRF_OK);
	assert_int_equal(crf_write_credentials(w, &c), CRF_OK);
	c.process_id = 0;
	assert_int_equal(crf_write_credentials(w, &c), CRF_ERR_INVALID_ARG);
	assert_int_equal(crf_write_credentials(w, NULL), CRF_ERR_INVALID_ARG);
	/* A syscall return names events already written, first <= last. */
	sr.process_id = id;
	assert_int_equal(crf_write_syscall_return(w, &sr), CRF_ERR_INVALID_ARG);
	ev.process_id = id;
	assert_int_equal(crf_write_event(w, &ev), CRF_OK);
	assert_int_equal(crf_write_syscall_return(w, &sr), CRF_OK);
	sr.last_event = 1;
	assert_int_equal(crf_write_syscall_return(w, &sr), CRF_ERR_INVALID_ARG);
	sr.first_event = 1;
	sr.last_event = 0;
	assert_int_equal(crf_write_syscall_return(w, &sr), CRF_ERR_INVALID_ARG);
	assert_int_equal(crf_writer_close(w), CRF_OK);
	crf_writer_free(w);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_facts_round_trip),
		cmocka_unit_test(test_recode_keeps_exec_facts),
		cmocka_unit_test(test_writer_refuses_bad_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
