// SPDX-License-Identifier: GPL-2.0-only
/*
 * pprof_profile.c - pprof's profile.proto, written (see pprof_profile.h).
 *
 * Field numbers of perftools.profiles.Profile and its messages, as the
 * format defines them:
 *   Profile   1 sample_type, 2 sample, 4 location, 5 function,
 *             6 string_table, 11 period_type, 12 period, 13 comment
 *   ValueType 1 type, 2 unit (string table indexes)
 *   Sample    1 location_id (packed, leaf first), 2 value (packed), 3 label
 *   Label     1 key, 2 str
 *   Location  1 id, 4 line;  Line 1 function_id
 *   Function  1 id, 2 name, 3 system_name, 4 filename
 * The string table's first entry must be "". Samples, locations and
 * functions are encoded as they are added; the string table, known only at
 * the end, is written last (field order does not matter on the wire).
 */
#include "pprof_profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protobuf_encode.h"
#include "string_intern.h"
#include "text_escape.h"

enum {
	PROFILE_SAMPLE_TYPE = 1,
	PROFILE_SAMPLE = 2,
	PROFILE_LOCATION = 4,
	PROFILE_FUNCTION = 5,
	PROFILE_STRING_TABLE = 6,
	PROFILE_PERIOD_TYPE = 11,
	PROFILE_PERIOD = 12,
	PROFILE_COMMENT = 13,
	VALUE_TYPE_TYPE = 1,
	VALUE_TYPE_UNIT = 2,
	SAMPLE_LOCATION_ID = 1,
	SAMPLE_VALUE = 2,
	SAMPLE_LABEL = 3,
	LABEL_KEY = 1,
	LABEL_STR = 2,
	LOCATION_ID = 1,
	LOCATION_LINE = 4,
	LINE_FUNCTION_ID = 1,
	FUNCTION_ID = 1,
	FUNCTION_NAME = 2,
	FUNCTION_SYSTEM_NAME = 3,
	FUNCTION_FILENAME = 4,
};

struct pprof_profile {
	struct string_intern *strings;
	struct string_intern *functions; /* "LEN:FILE" + name: unambiguous keys, number = id - 1 */
	uint64_t type, unit;
	struct strbuf samples, locations, function_msgs, comments;
};

/*
 * The string table's number of s. profile.proto is proto3, whose strings
 * readers reject unless they are UTF-8, and a recording's names may hold
 * any bytes: each byte that starts no valid sequence becomes '?'.
 */
static int intern(struct pprof_profile *p, const char *s, uint64_t *index)
{
	struct strbuf valid = STRBUF_INIT;
	int rc;

	s = s ? s : "";
	for (const unsigned char *c = (const unsigned char *)s; *c;) {
		int len = utf8_sequence_length(c);

		if (len)
			strbuf_add(&valid, (const char *)c, (size_t)len);
		else
			strbuf_addc(&valid, '?');
		c += len ? len : 1;
	}
	rc = valid.failed ? -ENOMEM : string_intern_add(p->strings, strbuf_str(&valid), index);
	strbuf_release(&valid);
	return rc;
}

struct pprof_profile *pprof_new(const char *type, const char *unit)
{
	struct pprof_profile *p = calloc(1, sizeof(*p));
	uint64_t empty;

	if (!p)
		return NULL;
	p->strings = string_intern_new();
	p->functions = string_intern_new();
	if (!p->strings || !p->functions || intern(p, "", &empty) || intern(p, type, &p->type) ||
	    intern(p, unit, &p->unit)) {
		pprof_free(p);
		return NULL;
	}
	return p;
}

/* The id of function name in file, encoding the Function message the first time. */
static int function_id(struct pprof_profile *p, const char *name, const char *file,
		       uint64_t *id)
{
	struct strbuf key = STRBUF_INIT, msg = STRBUF_INIT;
	size_t before = string_intern_count(p->functions);
	uint64_t index, name_index, file_index;
	int rc;

	strbuf_addf(&key, "%zu:%s%s", strlen(file), file, name);
	rc = key.failed ? -ENOMEM : string_intern_add(p->functions, strbuf_str(&key), &index);
	if (!rc)
		*id = index + 1;
	if (!rc && string_intern_count(p->functions) > before) {
		rc = intern(p, name, &name_index);
		if (!rc)
			rc = intern(p, file, &file_index);
		if (!rc) {
			pb_uint(&msg, FUNCTION_ID, *id);
			pb_uint(&msg, FUNCTION_NAME, name_index);
			pb_uint(&msg, FUNCTION_SYSTEM_NAME, name_index);
			pb_uint(&msg, FUNCTION_FILENAME, file_index);
			pb_bytes(&p->function_msgs, PROFILE_FUNCTION, strbuf_str(&msg),
				 strbuf_len(&msg));
			rc = msg.failed ? -ENOMEM : 0;
		}
	}
	strbuf_release(&key);
	strbuf_release(&msg);
	return rc;
}

int pprof_add_location(struct pprof_profile *p, uint64_t id, const char *function,
		       const char *file)
{
	struct strbuf line = STRBUF_INIT, msg = STRBUF_INIT;
	uint64_t fid;
	int rc;

	if (!id)
		return -EINVAL;
	rc = function_id(p, function ? function : "", file ? file : "", &fid);
	if (rc)
		return rc;
	pb_uint(&line, LINE_FUNCTION_ID, fid);
	pb_uint(&msg, LOCATION_ID, id);
	pb_bytes(&msg, LOCATION_LINE, strbuf_str(&line), strbuf_len(&line));
	pb_bytes(&p->locations, PROFILE_LOCATION, strbuf_str(&msg), strbuf_len(&msg));
	rc = line.failed || msg.failed ? -ENOMEM : 0;
	strbuf_release(&line);
	strbuf_release(&msg);
	return rc;
}

int pprof_add_sample(struct pprof_profile *p, const uint64_t *locations, size_t count,
		     int64_t value, const struct pprof_label *labels, size_t label_count)
{
	struct strbuf msg = STRBUF_INIT, label = STRBUF_INIT;
	uint64_t v = (uint64_t)value, key, str;
	int rc = 0;

	if (count)
		pb_packed(&msg, SAMPLE_LOCATION_ID, locations, count);
	pb_packed(&msg, SAMPLE_VALUE, &v, 1);
	for (size_t i = 0; i < label_count && !rc; i++) {
		rc = intern(p, labels[i].key, &key);
		if (!rc)
			rc = intern(p, labels[i].value, &str);
		if (rc)
			break;
		strbuf_reset(&label);
		pb_uint(&label, LABEL_KEY, key);
		pb_uint(&label, LABEL_STR, str);
		pb_bytes(&msg, SAMPLE_LABEL, strbuf_str(&label), strbuf_len(&label));
	}
	pb_bytes(&p->samples, PROFILE_SAMPLE, strbuf_str(&msg), strbuf_len(&msg));
	if (!rc && (msg.failed || label.failed))
		rc = -ENOMEM;
	strbuf_release(&msg);
	strbuf_release(&label);
	return rc;
}

int pprof_add_comment(struct pprof_profile *p, const char *text)
{
	uint64_t index;
	int rc = intern(p, text, &index);

	if (!rc)
		pb_uint(&p->comments, PROFILE_COMMENT, index);
	return rc;
}

static void add_value_type(struct strbuf *out, uint32_t field, uint64_t type, uint64_t unit)
{
	struct strbuf msg = STRBUF_INIT;

	pb_uint(&msg, VALUE_TYPE_TYPE, type);
	pb_uint(&msg, VALUE_TYPE_UNIT, unit);
	if (msg.failed)
		out->failed = true;
	pb_bytes(out, field, strbuf_str(&msg), strbuf_len(&msg));
	strbuf_release(&msg);
}

int pprof_encode(struct pprof_profile *p, struct strbuf *out)
{
	add_value_type(out, PROFILE_SAMPLE_TYPE, p->type, p->unit);
	strbuf_add(out, strbuf_str(&p->samples), strbuf_len(&p->samples));
	strbuf_add(out, strbuf_str(&p->locations), strbuf_len(&p->locations));
	strbuf_add(out, strbuf_str(&p->function_msgs), strbuf_len(&p->function_msgs));
	for (size_t i = 0; i < string_intern_count(p->strings); i++) {
		const char *s = string_intern_get(p->strings, i);

		pb_bytes(out, PROFILE_STRING_TABLE, s, strlen(s));
	}
	/* Every sample is one event counted once: a period of 1 check. */
	add_value_type(out, PROFILE_PERIOD_TYPE, p->type, p->unit);
	pb_int(out, PROFILE_PERIOD, 1);
	strbuf_add(out, strbuf_str(&p->comments), strbuf_len(&p->comments));
	if (out->failed || p->samples.failed || p->locations.failed || p->function_msgs.failed ||
	    p->comments.failed)
		return -ENOMEM;
	return 0;
}

void pprof_free(struct pprof_profile *p)
{
	if (!p)
		return;
	string_intern_free(p->strings);
	string_intern_free(p->functions);
	strbuf_release(&p->samples);
	strbuf_release(&p->locations);
	strbuf_release(&p->function_msgs);
	strbuf_release(&p->comments);
	free(p);
}
