/* libFuzzer target: the range-request zip reader (core/index/zipdir), the
 * input taken as a whole remote file read the way the index client reads
 * it: the tail, the central directory, the member's range, its data.
 * Built by `make fuzz`; run build-fuzz/fuzz_zipdir fuzz/corpus/zipdir. */
#include "util/common.h"

#include "core/index/zipdir.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zipdir_member m = { 0 };
	struct buf why = BUF_INIT, out = BUF_INIT;
	size_t tail = size < ZIPDIR_TAIL ? size : ZIPDIR_TAIL;
	if (zipdir_find_cd(data + size - tail, tail, size, &m, &why) < 0)
		goto out;
	if (m.cd_offset + m.cd_size > size)
		abort(); /* find_cd promised the directory lies in the file */
	if (zipdir_find_metadata(data + m.cd_offset, (size_t)m.cd_size, &m, &why) < 0)
		goto out;
	uint64_t start, end;
	zipdir_member_range(&m, &start, &end);
	if (start > end || end > size)
		abort();
	if (zipdir_extract(data + start, (size_t)(end - start), &m, &out, &why) == 0 &&
	    out.len != m.usize)
		abort();
out:
	buf_free(&why);
	buf_free(&out);
	return 0;
}
