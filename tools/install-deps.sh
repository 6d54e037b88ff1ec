#!/bin/sh
# Installs what cvenv needs from Debian 12's packages (run as root).
#   tools/install-deps.sh          build dependencies only
#   tools/install-deps.sh --test   also the test dependencies: cmocka, the
#                                  shells the activation scripts are tested in,
#                                  PyPy, virtualenv and hyperfine for
#                                  comparisons, valgrind, clang (check.sh
#                                  builds with it too; fuzzing),
#                                  nushell (from the npm registry), and
#                                  for the package index tests nginx,
#                                  curl, openssl and Debian's Python
#                                  libraries the test corpus is repacked from
set -eu
want_test=
[ "${1:-}" = "--test" ] && want_test=1

export DEBIAN_FRONTEND=noninteractive
build_pkgs="build-essential pkg-config libjansson-dev nettle-dev libzip-dev zlib1g-dev libcurl4-openssl-dev python3 python3-venv"
test_pkgs="libcmocka-dev bash zsh dash ksh fish tcsh pypy3 pypy3-venv python3-virtualenv \
python3-pip-whl python3-setuptools-whl python3-wheel-whl hyperfine valgrind clang \
libclang-rt-14-dev git strace time util-linux direnv \
nginx curl openssl unzip python3-flask python3-requests python3-sphinx python3-pytest \
python3-httpx python3-rich python3-jsonschema python3-aiohttp python3-markdown \
python3-tabulate python3-dateutil python3-tz python3-simplejson python3-cachecontrol \
python3-build"

pkgs=$build_pkgs
[ -n "$want_test" ] && pkgs="$pkgs $test_pkgs"
# Node.js (for nushell's npm package) may come from elsewhere with its own npm;
# Debian's npm package conflicts with such a node, so only add it when absent.
[ -n "$want_test" ] && ! command -v npm >/dev/null 2>&1 && pkgs="$pkgs nodejs npm"

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
fi

# Nushell ships official binaries in the npm registry; activate.nu is tested
# with the current release.
if [ -n "$want_test" ] && ! command -v nu >/dev/null 2>&1; then
	if command -v npm >/dev/null 2>&1; then
		npm install -g --silent @nushell/linux-x64 >/dev/null 2>&1 || echo "install-deps: nushell could not be installed; its tests will be skipped" >&2
		bin=$(npm root -g)/@nushell/linux-x64/bin/nu
		[ -x "$bin" ] && ln -sf "$bin" /usr/local/bin/nu
	fi
fi
exit 0
