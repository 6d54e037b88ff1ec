#!/bin/bash
# musllinux wheels (PEP 656). This machine runs glibc, so:
#  - a real interpreter refuses a musllinux wheel, naming its tags and the
#    interpreter, and its facts say glibc;
#  - a musl interpreter is simulated without any help from the product: a
#    wrapper runs the real Python and edits the query's answer as a musl
#    Python would give it (no glibc from os.confstr; sys.executable a musl
#    binary). That binary is a copy of the real Python whose ELF interpreter
#    (PT_INTERP) is rewritten to a script named ld-musl-<arch>.so.1 printing
#    musl's loader banner. cvenv must read the ELF, run that loader once,
#    record "libc": ["musl", "1.2"] in the cached facts, and accept
#    musllinux wheels in the order pip's own packaging gives.
. "$(dirname "$0")/lib.sh"

py=$(python_for 3.13)
arch=$(uname -m)
[ -z "$py" ] && test_skip "no Python 3.13"
case $arch in
x86_64 | aarch64) ;;
*) test_skip "the ELF rewrite below handles 64-bit little-endian machines, not $arch" ;;
esac

tag=cp313-cp313-musllinux_1_1_$arch

test_expect_success 'a glibc interpreter refuses a musllinux wheel, naming its tags and the interpreter' '
	cvenv python find --format=json "$py" >facts.json &&
	"$py" -c "
import json, os
got = json.load(open(\"facts.json\"))[\"libc\"]
want = os.confstr(\"CS_GNU_LIBC_VERSION\").split()
assert got == want and got[0] == \"glibc\", (got, want)
" &&
	cvenv create --without-pip -p "$py" gv &&
	python3 "$TEST_DIR/mkwheel.py" . nat 1.0 --platlib --tag "$tag" >/dev/null &&
	expect_code 1 cvenv install --venv gv "nat-1.0-$tag.whl" 2>err &&
	expect_grep "$tag" err &&
	expect_grep "is not compatible with cpython 3.13" err &&
	! ls gv/lib/python3.13/site-packages | grep -q nat &&
	cvenv debug-tags -p "$py" >tags &&
	! grep -q musllinux tags
'

# The fake musl world.
mkdir -p "$TRASH/musl/lib" "$TRASH/pyenv/versions/3.13.0/bin"
loader="$TRASH/musl/lib/ld-musl-$arch.so.1"
cat >"$loader" <<SH
#!/bin/sh
echo "\$*" >>"$TRASH/loader-runs"
printf 'musl libc ($arch)\nVersion 1.2.4\nDynamic Program Loader\nUsage: %s [options] [--] pathname [args]\n' "\$0" >&2
exit 1
SH
chmod +x "$loader"
musl_exe="$TRASH/musl/bin/python3.13"
mkdir -p "$TRASH/musl/bin"
python3 "$TEST_DIR/elf_set_interp.py" "$(readlink -f "$py")" "$musl_exe" "$loader"
# The musl interpreter: the real one, answering the query as a musl build.
wrapper="$TRASH/pyenv/versions/3.13.0/bin/python3"
cat >"$wrapper" <<SH
#!/bin/bash
set -o pipefail
"$py" "\$@" | sed -e 's|"libc": \[[^]]*\]|"libc": null|' \
	-e 's|"executable": "[^"]*"|"executable": "$musl_exe"|'
SH
chmod +x "$wrapper"
loader_runs() { if [ -f "$TRASH/loader-runs" ]; then wc -l <"$TRASH/loader-runs" | tr -d " "; else echo 0; fi; }

test_expect_success 'the rewritten copy names the fake musl loader (readelf agrees)' '
	if command -v readelf >/dev/null; then
		readelf -l "$musl_exe" | grep -F "[Requesting program interpreter: $loader]"
	fi &&
	"$wrapper" -c "import sys; print(sys.version_info[:2])" | grep -F "(3, 13)"
'

test_expect_success 'a musl interpreter: facts say musl 1.2, the loader runs once, warm runs none' '
	cvenv python find --format=json "$wrapper" >facts.json &&
	"$py" -c "
import json
f = json.load(open(\"facts.json\"))
assert f[\"libc\"] == [\"musl\", \"1.2\"], f
" &&
	expect_equal "$(loader_runs)" 1 &&
	cvenv debug-tags -p "$wrapper" >tags &&
	cvenv python find --format=json "$wrapper" >facts2.json &&
	diff -u facts.json facts2.json &&
	expect_equal "$(loader_runs)" 1 &&
	grep -l "\"musl\"" "$XDG_CACHE_HOME"/cvenv/interpreters/*.json
'

# pip's own packaging (24.1 in 3.13's pip) is the reference: its musl
# detection patched to report 1.2, its glibc detection to report none.
test_expect_success 'its tags are pip packaging'\''s for musl 1.2, in order' '
	"$py" -c "
from pip._vendor.packaging import tags, _musllinux, _manylinux
_musllinux._get_musl_version = lambda executable: _musllinux._MuslVersion(1, 2)
_manylinux.platform_tags = lambda *args, **kwargs: iter(())
print(\"\\n\".join(str(t) for t in tags.sys_tags()))" >pip-tags &&
	grep -q "^cp313-cp313-musllinux_1_0_$arch$" pip-tags &&
	cvenv debug-tags -p "$wrapper" >cvenv-tags &&
	diff -u pip-tags cvenv-tags
'

test_expect_success 'python list (parallel queries) records musl too' '
	rm -rf "$XDG_CACHE_HOME/cvenv" "$TRASH/loader-runs" &&
	PYENV_ROOT="$TRASH/pyenv" PATH="$TRASH/empty:/bin" cvenv python list --format=json >list.json &&
	"$py" -c "
import json
rows = [r for r in json.load(open(\"list.json\")) if r[\"path\"] == \"$wrapper\"]
assert rows and rows[0][\"libc\"] == [\"musl\", \"1.2\"], rows
" &&
	expect_equal "$(loader_runs)" 1
'

# install takes the facts the env recorded when it was made (musl, from the
# fake interpreter): it neither queries nor runs the loader again. The env's
# bin/python is still replaced by a wrapper like the one above around the
# env's python3.13 (sys.prefix is mv), so that a query, if one were made,
# would see musl too and the test would catch the loader run.
test_expect_success 'a venv of the musl interpreter installs musllinux wheels, refuses others' '
	cvenv create --without-pip -p "$wrapper" mv &&
	test -L mv/bin/python3.13 &&
	rm mv/bin/python &&
	sed "s|\"$py\"|\"$TRASH/mv/bin/python3.13\"|" "$wrapper" >mv/bin/python &&
	chmod +x mv/bin/python &&
	mv/bin/python -c "import sys; print(sys.prefix)" | grep -F "$TRASH/mv" &&
	rm -f "$TRASH/loader-runs" &&
	cvenv install --venv mv "nat-1.0-$tag.whl" &&
	expect_equal "$(loader_runs)" 0 &&
	mv/bin/python -c "import nat" &&
	python3 "$TEST_DIR/mkwheel.py" . newer 1.0 --platlib --tag cp313-cp313-musllinux_1_3_$arch >/dev/null &&
	expect_code 1 cvenv install --venv mv "newer-1.0-cp313-cp313-musllinux_1_3_$arch.whl" 2>err &&
	expect_grep "cp313-cp313-musllinux_1_3_$arch" err &&
	expect_grep "is not compatible with cpython 3.13" err &&
	expect_grep "most preferred tag is cp313-cp313-musllinux_1_2_$arch" err &&
	python3 "$TEST_DIR/mkwheel.py" . gnu 1.0 --platlib --tag cp313-cp313-manylinux_2_17_$arch >/dev/null &&
	expect_code 1 cvenv install --venv mv "gnu-1.0-cp313-cp313-manylinux_2_17_$arch.whl" 2>err &&
	expect_grep "manylinux_2_17_$arch" err &&
	! ls mv/lib/python3.13/site-packages | grep -q -e newer -e gnu
'

test_done
