# pip-tools for the comparisons of bench/lock.sh and bench/sync.sh (sourced,
# after W, PY): pip-tools is not packaged in Debian 12 and PyPI is not
# reachable here, so it is run from a source checkout named by
# PIPTOOLS_SRC (e.g. `git archive 7.3.0` of github.com/jazzband/pip-tools),
# never installed: a throwaway venv of $PY (its own pip) gets a .pth file
# naming the checkout and Debian's click, build, pep517 and packaging
# (python3-click, python3-build), so that neither the venv nor an env
# pip-sync works on sees them as installed distributions. Sets PIPTOOLS to
# the command prefix ("python -m piptools"), or leaves it empty with
# PIPTOOLS_SRC unset.
PIPTOOLS=
if [ -n "${PIPTOOLS_SRC:-}" ]; then
	[ -f "$PIPTOOLS_SRC/piptools/__main__.py" ] || { echo "PIPTOOLS_SRC: no piptools/ in '$PIPTOOLS_SRC'" >&2; exit 1; }
	mkdir -p "$W/pt-deps"
	for m in click build pep517 packaging; do
		ln -sfn "/usr/lib/python3/dist-packages/$m" "$W/pt-deps/$m"
	done
	# pip-sync reads its own distribution's Requires-Dist (the pip it
	# needs): a minimal metadata directory stands for the install
	mkdir -p "$W/pt-deps/pip_tools-0+checkout.dist-info"
	printf 'Metadata-Version: 2.1\nName: pip-tools\nVersion: 0+checkout\nRequires-Dist: pip>=22.2\n' \
		>"$W/pt-deps/pip_tools-0+checkout.dist-info/METADATA"
	"$PY" -m venv "$W/pt-venv"
	site=$("$W/pt-venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
	printf '%s\n%s\n' "$(cd "$PIPTOOLS_SRC" && pwd)" "$W/pt-deps" >"$site/piptools-src.pth"
	PIPTOOLS="$W/pt-venv/bin/python -m piptools"
	# pip-tools reads pip's configuration and PIP_* variables: none
	export PIP_CONFIG_FILE=/dev/null
	for v in $(env | sed -n 's/^\(PIP_[A-Z_]*\)=.*/\1/p'); do
		[ "$v" = PIP_CONFIG_FILE ] || unset "$v"
	done
	echo "pip-tools: $PIPTOOLS_SRC ($(cd "$PIPTOOLS_SRC" && git describe --tags 2>/dev/null || echo checkout)), pip $("$W/pt-venv/bin/python" -m pip --version | cut -d' ' -f2)"
fi
