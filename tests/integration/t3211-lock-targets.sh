#!/bin/bash
# cvenv lock for a target other than the env's interpreter (--python-version,
# --python-platform), -c constraints, the PEP 751 fields (package markers,
# requires-python, dependencies, index, wheel upload-time), and the
# universal lock (several targets merged, sync picking the env's entries).
# Every pylock is read back with Python's tomllib (tools/pylock-check below)
# and checked against PEP 751's rules, never against cvenv's own text.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"
. "$TEST_DIR/lib-index.sh"

test_require_cmd nginx
test_require_cmd curl
[ -x /usr/bin/python3.11 ] || test_skip "no /usr/bin/python3.11 (tomllib)"
py=$(python_for 3.12)
py8=$(python_for 3.8)
[ -z "$py" ] || [ -z "$py8" ] && test_skip "no Python 3.8 and 3.12"

fresh() { rm -rf "$1" && cvenv create -q --without-pip -p "$2" "$1"; }

# The checker: validates FILE against PEP 751 (types and required keys, every
# marker and specifier parsed by packaging) and prints one line per package:
#   name==version | marker | requires-python | deps | wheel names  ("-": none)
# then "env: MARKER" for each of environments.
cat >pylock-check.py <<-\EOF
import datetime, sys, tomllib
from packaging.markers import Marker
from packaging.specifiers import SpecifierSet
from packaging.version import Version

with open(sys.argv[1], "rb") as f:
    lock = tomllib.load(f)
assert lock["lock-version"] == "1.0", lock["lock-version"]
assert isinstance(lock["created-by"], str)
for e in lock.get("environments", []):
    Marker(e)
if "requires-python" in lock:
    SpecifierSet(lock["requires-python"])
names = {p["name"] for p in lock["packages"]}
for p in lock["packages"]:
    Version(p["version"])
    if "marker" in p:
        Marker(p["marker"])
    if "requires-python" in p:
        SpecifierSet(p["requires-python"])
    for d in p.get("dependencies", []):
        assert isinstance(d, dict) and d["name"] in names, d
    assert isinstance(p["index"], str)
    assert p["wheels"], p["name"]
    for w in p["wheels"]:
        assert w["name"].endswith(".whl") and "/" not in w["name"]
        assert isinstance(w["url"], str) and w["url"].endswith(w["name"])
        assert isinstance(w["size"], int) and w["size"] > 0
        assert len(w["hashes"]["sha256"]) == 64
        if "upload-time" in w:
            t = w["upload-time"]
            assert isinstance(t, datetime.datetime) and t.tzinfo is not None, t
            print("upload-time %s %s" % (w["name"], t.isoformat()))
    print("%s==%s | %s | %s | %s | %s" % (
        p["name"], p["version"], p.get("marker", "-"), p.get("requires-python", "-"),
        ",".join(d["name"] for d in p.get("dependencies", [])) or "-",
        ",".join(w["name"] for w in p["wheels"])))
for e in lock.get("environments", []):
    print("env: " + e)
EOF
check() { /usr/bin/python3.11 pylock-check.py "$1"; }
# has REGEX FILE: grep -E, showing FILE when it fails
has() { grep -qE -- "$1" "$2" || { echo "expected /$1/ in $2:" >&2; cat "$2" >&2; return 1; }; }

test_expect_success 'setup: an index whose choices differ by Python version and platform' '
	mkdir w idx &&
	mkwheel w app 1.0 --requires "modern" --requires "backport; python_version < \"3.10\"" \
		--requires "winhelper; sys_platform == \"win32\"" --requires "native" >/dev/null &&
	mkwheel w modern 1.0 >/dev/null &&
	mkwheel w modern 2.0 --requires-python ">=3.10" >/dev/null &&
	mkwheel w backport 1.0 >/dev/null &&
	mkwheel w winhelper 1.0 >/dev/null &&
	mkwheel w native 1.0 >/dev/null &&
	mkwheel w native 2.0 --tag py3-none-win_amd64 >/dev/null &&
	mkwheel w unrelated 1.0 >/dev/null &&
	index_tree w idx --upload-time app-1.0-py3-none-any.whl=2025-01-25T11:30:10.164985Z \
		>/dev/null &&
	index_start plain idx &&
	fresh v "$py" &&
	printf "app\n" >requirements.in
'

test_expect_success '--python-version 3.8 and 3.12 pick different versions (requires-python, markers)' '
	index_load plain &&
	cvenv lock --venv v -i "$INDEX_URL" --python-version 3.8 -o p38.toml requirements.in &&
	cvenv lock --venv v -i "$INDEX_URL" --python-version 3.12 -o p312.toml requirements.in &&
	check p38.toml >s38 && check p312.toml >s312 && cat s38 s312 &&
	has "^modern==1\.0 " s38 &&
	has "^modern==2\.0 \| - \| >=3\.10 \|" s312 &&
	has "^backport==1\.0 \| python_version < '\''3\.10'\'' \|" s38 &&
	! grep "^backport==" s312 &&
	! grep "^winhelper==" s38 &&
	has "^env: python_version == '\''3\.8'\''$" s38
'

test_expect_success 'pylock fields: dependencies, index, upload-time (PEP 700), stable bytes' '
	index_load plain &&
	has "^app==1\.0 \| - \| - \| backport,modern,native \| app-1\.0-py3-none-any\.whl$" s38 &&
	has "^app==1\.0 \| - \| - \| modern,native \|" s312 &&
	has "^upload-time app-1\.0-py3-none-any\.whl 2025-01-25T11:30:10\.164985\+00:00$" s38 &&
	/usr/bin/python3.11 -c "import tomllib,sys; l=tomllib.load(open(\"p38.toml\",\"rb\"))
assert all(p[\"index\"] == sys.argv[1] for p in l[\"packages\"]), l" "$INDEX_URL" &&
	cvenv lock --venv v -i "$INDEX_URL" --python-version 3.8 -o again.toml requirements.in &&
	cmp p38.toml again.toml
'

test_expect_success '--python-platform windows picks the win_amd64 wheel and the win32 markers' '
	index_load plain &&
	cvenv lock --venv v -i "$INDEX_URL" --python-platform windows -o win.toml requirements.in &&
	cvenv lock --venv v -i "$INDEX_URL" --python-platform linux -o lin.toml requirements.in &&
	check win.toml >swin && check lin.toml >slin && cat swin slin &&
	has "^native==2\.0 .*\| native-2\.0-py3-none-win_amd64\.whl$" swin &&
	has "^winhelper==1\.0 \| sys_platform == '\''win32'\'' \|" swin &&
	has "^native==1\.0 .*\| native-1\.0-py3-none-any\.whl$" slin &&
	! grep "^winhelper==" slin &&
	has "^env: sys_platform == '\''win32'\'' and platform_machine == '\''AMD64'\''$" swin
'

test_expect_success 'an unknown --python-platform or --python-version is a usage error' '
	index_load plain &&
	expect_code 2 cvenv lock --venv v -i "$INDEX_URL" --python-platform beos \
		-o x.toml requirements.in 2>err &&
	expect_grep "beos" err &&
	expect_code 2 cvenv lock --venv v -i "$INDEX_URL" --python-version 3 \
		-o x.toml requirements.in &&
	test ! -e x.toml
'

test_expect_success '-c FILE limits a pin and is not locked itself (as pip-compile)' '
	index_load plain &&
	printf "modern<2\nunrelated==1.0\n" >cons.txt &&
	cvenv lock --venv v -i "$INDEX_URL" --python-version 3.12 -c cons.txt -o pc.toml \
		requirements.in &&
	check pc.toml >spc && cat spc &&
	has "^modern==1\.0 " spc &&
	! grep "^unrelated==" spc &&
	cvenv lock --venv v -i "$INDEX_URL" --python-version 3.12 --constraint cons.txt \
		--format requirements -o pc.txt requirements.in &&
	has "^modern==1\.0 " pc.txt &&
	! grep "^unrelated" pc.txt
'

test_expect_success 'a lock for 3.8 is refused by sync in a 3.12 env (environments)' '
	index_load plain &&
	fresh v12 "$py" &&
	snap v12 >before &&
	! cvenv sync --venv v12 p38.toml 2>err &&
	expect_unchanged before v12 &&
	expect_grep "other environments" err
'

test_expect_success 'universal lock: 3.8 and 3.12 merged; sync takes each env its entries' '
	index_load plain &&
	cvenv lock --venv v -i "$INDEX_URL" --python-version 3.8 --python-version 3.12 \
		-o uni.toml requirements.in &&
	check uni.toml >suni && cat suni &&
	has "^app==1\.0 \| - \| " suni &&
	has "^modern==1\.0 \| python_version == '\''3\.8'\'' \|" suni &&
	has "^modern==2\.0 \| python_version == '\''3\.12'\'' \|" suni &&
	has "^backport==1\.0 \| python_version == '\''3\.8'\'' and python_version < '\''3\.10'\'' \|" suni &&
	has "^env: python_version == '\''3\.12'\''$" suni &&
	has "^env: python_version == '\''3\.8'\''$" suni &&
	fresh u8 "$py8" && fresh u12 "$py" &&
	cvenv sync --venv u8 uni.toml && cvenv sync --venv u12 uni.toml &&
	cvenv freeze --venv u8 >f8 && cvenv freeze --venv u12 >f12 && cat f8 f12 &&
	has "^modern==1\.0$" f8 && has "^backport==1\.0$" f8 &&
	has "^modern==2\.0$" f12 && ! grep backport f12 &&
	cp uni.toml uni.first &&
	cvenv lock --venv v -i "$INDEX_URL" --python-version 3.8 --python-version 3.12 \
		-o uni.toml requirements.in &&
	cmp uni.first uni.toml
'

test_expect_success 'universal lock over platforms: each platform its wheel; a linux env takes none of windows' '
	index_load plain &&
	cvenv lock --venv v -i "$INDEX_URL" --python-platform linux --python-platform windows \
		-o plat.toml requirements.in &&
	check plat.toml >splat && cat splat &&
	has "^native==1\.0 \| sys_platform == '\''linux'\'' and platform_machine == '\''x86_64'\'' \|" splat &&
	has "^native==2\.0 \| sys_platform == '\''win32'\'' and platform_machine == '\''AMD64'\'' \|.*win_amd64\.whl$" splat &&
	has "^winhelper==1\.0 \| sys_platform == '\''win32'\'' and platform_machine == '\''AMD64'\'' \|" splat &&
	fresh p12 "$py" &&
	cvenv sync --venv p12 plat.toml &&
	cvenv freeze --venv p12 >fp && cat fp &&
	has "^native==1\.0$" fp && ! grep winhelper fp
'

test_done
