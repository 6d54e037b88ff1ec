/* PubGrub version solving (see resolve.h). Placeholder until the solver
 * lands: the interface links, and every request fails plainly. */
#include "util/common.h"

#include "core/resolve/resolve.h"
#include "util/buf.h"

struct resolve_candidates {
	int unused;
};

void resolve_candidates_add(struct resolve_candidates *out, const char *version, bool yanked,
			    const char *requires_python, const char *unavailable, uintptr_t handle)
{
}

enum resolve_status resolve(const struct resolve_request *req, struct resolve_result *res,
			    struct buf *err)
{
	memset(res, 0, sizeof(*res));
	buf_addstr(err, "the resolver is not implemented yet");
	return RESOLVE_BAD_INPUT;
}

void resolve_result_free(struct resolve_result *res)
{
	memset(res, 0, sizeof(*res));
}
