# The setup bench/index.sh and bench/lock.sh share (sourced, after RUNS):
# the binaries and interpreter, a scratch dir removed at exit, the test
# index's library (tests/integration/lib-index.sh: nginx on 127.0.0.1, the
# corpus repacked from Debian's Python libraries), and the machine line.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CVENV=${CVENV:-$ROOT/build/cvenv}
CVENV_BIN=$CVENV
PY=${PY:-$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.11*/bin/python3 | head -1)}
W=$(mktemp -d "${TMPDIR:-/tmp}/cvenv-bench.XXXXXX")
TRASH=$W TEST_DIR=$ROOT/tests/integration
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 1; }
# shellcheck source=../tests/integration/lib-index.sh
. "$TEST_DIR/lib-index.sh"
trap 'index_stop_all; rm -rf "$W"' EXIT

echo "machine: $(uname -srm), $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
