/* Reading one member of a remote wheel from byte ranges (pure: the client
 * fetches the ranges with HTTP range requests, as pip and uv do, and hands
 * the bytes here): the end of central directory record in the file's tail,
 * the central directory, the member's local header and its data.
 *
 * All input is untrusted: every offset and size is checked against the
 * bytes given and the file's total size, a member's uncompressed size is
 * bounded, and the data's CRC-32 and size must match the directory's.
 * Errors: -1 with the reason in why. */
#ifndef CVENV_INDEX_ZIPDIR_H
#define CVENV_INDEX_ZIPDIR_H

#include "util/common.h"

struct buf;

/* The tail to ask for first: the end record (22 bytes), the largest zip
 * comment (65535) and room for a small central directory. */
#define ZIPDIR_TAIL 65536
/* METADATA larger than this is refused. */
#define ZIPDIR_MAX_MEMBER (16u << 20)

struct zipdir_member {
	uint64_t local_offset;
	uint64_t csize, usize;
	uint16_t method; /* 0 stored, 8 deflated */
	uint32_t crc;
	uint64_t cd_offset, cd_size; /* the central directory's place */
};

/* Finds the central directory from the last len bytes (tail) of a file of
 * total bytes: m->cd_offset and m->cd_size. */
int zipdir_find_cd(const unsigned char *tail, size_t len, uint64_t total,
		   struct zipdir_member *m, struct buf *why);
/* Looks through the central directory bytes (cd, m->cd_size long) for the
 * one "<name>.dist-info/METADATA" at the top level; fills m. */
int zipdir_find_metadata(const unsigned char *cd, size_t len, struct zipdir_member *m,
			 struct buf *why);
/* The byte range [*start, *end) to fetch for the member's local header and
 * data (the local header's name and extra field lengths are not known
 * yet: the range allows the largest, bounded by the central directory). */
void zipdir_member_range(const struct zipdir_member *m, uint64_t *start, uint64_t *end);
/* Extracts the member from the bytes of zipdir_member_range (buf[0] is the
 * local header), appending the uncompressed data to out. */
int zipdir_extract(const unsigned char *buf, size_t len, const struct zipdir_member *m,
		   struct buf *out, struct buf *why);

#endif
