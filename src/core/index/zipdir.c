/* Remote zip member reading (see zipdir.h). Formats from PKWARE's
 * APPNOTE.TXT: end of central directory (4.3.16), zip64 end record and
 * locator (4.3.14-15), central directory header (4.3.12), local header
 * (4.3.7), zip64 extra field (4.5.3). */
#include "util/common.h"

#include <zlib.h>

#include "core/index/zipdir.h"
#include "util/buf.h"

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

int zipdir_find_cd(const unsigned char *tail, size_t len, uint64_t total,
		   struct zipdir_member *m, struct buf *why)
{
	if (len < 22 || len > total) {
		buf_addstr(why, "too short to be a zip file");
		return -1;
	}
	/* the last end record signature whose comment reaches the end */
	size_t i = len - 22;
	for (;; i--) {
		if (le32(tail + i) == 0x06054b50 && i + 22 + le16(tail + i + 20) == len)
			break;
		if (!i || len - i > 22 + 65535) {
			buf_addstr(why, "no end of central directory record");
			return -1;
		}
	}
	const unsigned char *e = tail + i;
	uint64_t tail_start = total - len;
	uint64_t cd_size = le32(e + 12), cd_off = le32(e + 16);
	if (cd_size == 0xffffffff || cd_off == 0xffffffff || le16(e + 10) == 0xffff) {
		/* zip64: the locator is just before the end record */
		if (i < 20 || le32(e - 20) != 0x07064b50) {
			buf_addstr(why, "a zip64 file without its locator");
			return -1;
		}
		uint64_t z = le64(e - 20 + 8);
		if (z < tail_start || z - tail_start + 56 > len || le32(tail + (z - tail_start)) != 0x06064b50) {
			buf_addstr(why, "the zip64 end record is not where its locator says");
			return -1;
		}
		const unsigned char *z64 = tail + (z - tail_start);
		cd_size = le64(z64 + 40);
		cd_off = le64(z64 + 48);
	}
	uint64_t eocd_at = tail_start + i;
	if (cd_off > eocd_at || cd_size > eocd_at - cd_off) {
		buf_addstr(why, "the central directory lies outside the file");
		return -1;
	}
	m->cd_offset = cd_off;
	m->cd_size = cd_size;
	return 0;
}

/* Is name "<x>.dist-info/METADATA" with x free of '/'? */
static bool is_metadata(const unsigned char *name, size_t n)
{
	static const char suffix[] = ".dist-info/METADATA";
	size_t sl = sizeof(suffix) - 1;
	if (n <= sl || memcmp(name + n - sl, suffix, sl))
		return false;
	return !memchr(name, '/', n - sl) && !memchr(name, '\\', n - sl);
}

int zipdir_find_metadata(const unsigned char *cd, size_t len, struct zipdir_member *m,
			 struct buf *why)
{
	size_t pos = 0, found = 0;
	while (pos + 46 <= len && le32(cd + pos) == 0x02014b50) {
		const unsigned char *h = cd + pos;
		size_t nl = le16(h + 28), xl = le16(h + 30), cl = le16(h + 32);
		if (pos + 46 + nl + xl + cl > len)
			break;
		if (is_metadata(h + 46, nl)) {
			found++;
			m->method = le16(h + 10);
			m->crc = le32(h + 16);
			m->csize = le32(h + 20);
			m->usize = le32(h + 24);
			m->local_offset = le32(h + 42);
			/* zip64 extra field: the 0xffffffff fields, in order */
			const unsigned char *x = h + 46 + nl, *xe = x + xl;
			while (x + 4 <= xe) {
				size_t fl = le16(x + 2);
				if ((size_t)(xe - x) - 4 < fl)
					break;
				if (le16(x) == 1) {
					const unsigned char *f = x + 4, *fe = f + fl;
					uint64_t *vals[] = { &m->usize, &m->csize, &m->local_offset };
					for (size_t k = 0; k < ARRAY_SIZE(vals); k++)
						if (*vals[k] == 0xffffffff && f + 8 <= fe) {
							*vals[k] = le64(f);
							f += 8;
						}
				}
				x += 4 + fl;
			}
		}
		pos += 46 + nl + xl + cl;
	}
	if (found != 1) {
		buf_addstr(why, found ? "more than one .dist-info/METADATA"
				      : "no .dist-info/METADATA in the central directory");
		return -1;
	}
	if (m->method != 0 && m->method != 8) {
		buf_addf(why, "METADATA is compressed with method %u", m->method);
		return -1;
	}
	if (m->usize > ZIPDIR_MAX_MEMBER || m->csize > ZIPDIR_MAX_MEMBER ||
	    m->local_offset >= m->cd_offset || m->csize > m->cd_offset - m->local_offset) {
		buf_addstr(why, "METADATA's sizes or offset are out of bounds");
		return -1;
	}
	return 0;
}

void zipdir_member_range(const struct zipdir_member *m, uint64_t *start, uint64_t *end)
{
	*start = m->local_offset;
	uint64_t want = m->local_offset + 30 + 65535 + 65535 + m->csize;
	*end = want < m->cd_offset ? want : m->cd_offset;
}

static int inflate_raw(const unsigned char *data, size_t len, const struct zipdir_member *m,
		       struct buf *out, struct buf *why)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, -MAX_WBITS) != Z_OK) {
		buf_addstr(why, "cannot start zlib");
		return -1;
	}
	size_t base = out->len;
	buf_grow(out, (size_t)m->usize + 1);
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = (unsigned char *)out->ptr + base;
	z.avail_out = (uInt)m->usize + 1; /* one more: a longer stream is caught */
	int rc = inflate(&z, Z_FINISH);
	size_t got = (size_t)m->usize + 1 - z.avail_out;
	inflateEnd(&z);
	if (rc != Z_STREAM_END || got != m->usize) {
		buf_addstr(why, "METADATA does not inflate to its recorded size");
		return -1;
	}
	buf_setlen(out, base + got);
	return 0;
}

int zipdir_extract(const unsigned char *buf, size_t len, const struct zipdir_member *m,
		   struct buf *out, struct buf *why)
{
	if (len < 30 || le32(buf) != 0x04034b50) {
		buf_addstr(why, "no local file header where the directory says");
		return -1;
	}
	size_t start = 30 + (size_t)le16(buf + 26) + le16(buf + 28);
	if (start > len || m->csize > len - start) {
		buf_addstr(why, "the member's data is cut short");
		return -1;
	}
	const unsigned char *data = buf + start;
	size_t base = out->len;
	if (m->method == 0) {
		if (m->csize != m->usize) {
			buf_addstr(why, "a stored member whose sizes differ");
			return -1;
		}
		buf_add(out, data, (size_t)m->csize);
	} else if (inflate_raw(data, (size_t)m->csize, m, out, why) < 0) {
		return -1;
	}
	uLong crc = crc32(0L, (const Bytef *)out->ptr + base, (uInt)(out->len - base));
	if (crc != m->crc) {
		buf_setlen(out, base);
		buf_addstr(why, "METADATA's CRC-32 differs from the directory's");
		return -1;
	}
	return 0;
}
