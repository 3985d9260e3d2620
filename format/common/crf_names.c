// SPDX-License-Identifier: GPL-2.0-only
/* crf_names.c - names of status codes and block types, for messages. */
#include <stddef.h>

#include "crf_types.h"

const char *crf_strerror(int status)
{
	switch (status) {
	case CRF_OK:
		return "ok";
	case CRF_ERR_IO:
		return "I/O error";
	case CRF_ERR_NOT_RECORDING:
		return "not a caprec recording";
	case CRF_ERR_VERSION:
		return "unsupported format version";
	case CRF_ERR_TRUNCATED:
		return "truncated";
	case CRF_ERR_CORRUPT:
		return "corrupt";
	case CRF_ERR_NOMEM:
		return "out of memory";
	case CRF_ERR_LIMIT:
		return "value exceeds a format limit";
	case CRF_ERR_INVALID_ARG:
		return "invalid argument";
	case CRF_ERR_COMPRESS:
		return "compression error";
	}
	return "unknown error";
}

/* Must match FORMAT.md's "Block-type registry" table (a test compares them). */
const char *crf_block_type_name(uint32_t type)
{
	switch (type) {
	case CRF_BLOCK_METADATA:
		return "metadata";
	case CRF_BLOCK_CAPNAMES:
		return "capnames";
	case CRF_BLOCK_CLOCK:
		return "clock";
	case CRF_BLOCK_CHUNK:
		return "chunk";
	case CRF_BLOCK_LOSS:
		return "loss";
	case CRF_BLOCK_END:
		return "end";
	}
	return NULL;
}
