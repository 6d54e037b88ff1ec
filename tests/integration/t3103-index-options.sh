#!/bin/bash
# cvenv install's index options against a small synthetic file:// index:
# --dry-run, --report, --pre, yanked, requires-python, -c, --no-deps,
# installed versions kept vs --upgrade-package, conflicts explained,
# requirements-file index options, --index-strategy, hash-checking mode,
# --offline.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"
. "$TEST_DIR/lib-index.sh"

# versions ENV: "name==version" of what ENV has, sorted
versions() { cvenv freeze --venv "$1" | sort; }

test_expect_success 'setup: two synthetic indexes' '
	mkdir wh wh2 &&
	mkwheel wh a 1.0 >/dev/null && mkwheel wh a 2.0 >/dev/null && mkwheel wh a 3.0b1 >/dev/null &&
	mkwheel wh app 1.0 --requires "a>=1" >/dev/null &&
	mkwheel wh b 1.0 --requires "a<2" >/dev/null &&
	mkwheel wh c 1.0 --requires "a>=2" >/dev/null &&
	mkwheel wh y 1.0 >/dev/null && mkwheel wh y 2.0 >/dev/null &&
	mkwheel wh rp 0.9 >/dev/null && mkwheel wh rp 1.0 --requires-python "<3" >/dev/null &&
	mkwheel wh ex 1.0 --requires "a==1.0; extra == \"old\"" >/dev/null &&
	index_tree wh idx --yank y-2.0-py3-none-any.whl=bad >/dev/null &&
	mkwheel wh2 a 9.0 >/dev/null && index_tree wh2 idx2 >/dev/null &&
	echo "file://$PWD/idx/simple" >url && echo "file://$PWD/idx2/simple" >url2 &&
	cvenv create -q --without-pip v && snap v >empty &&
	cvenv create -q --without-pip w
'
I() { cvenv install -i "$(cat url)" "$@"; }

test_expect_success '--dry-run: what would be installed and from where; nothing changes' '
	I --venv v --dry-run app >out &&
	expect_grep "Would install a 2.0 from file://$PWD/idx/files/a-2.0-py3-none-any.whl" out &&
	expect_grep "Would install app 1.0 from" out &&
	expect_unchanged empty v
'

test_expect_success '--report: pip'"'"'s installation report' '
	I --venv v --dry-run --report r.json app >/dev/null &&
	python3 - "$PWD" <<-\PY
	import hashlib, json, sys
	r = json.load(open("r.json"))
	assert r["version"] == "1", r
	inst = {i["metadata"]["name"]: i for i in r["install"]}
	assert sorted(inst) == ["a", "app"], inst.keys()
	a = inst["a"]
	assert a["metadata"]["version"] == "2.0"
	assert a["requested"] is False and inst["app"]["requested"] is True
	assert inst["app"]["metadata"]["requires_dist"] == ["a>=1"]
	want = hashlib.sha256(open(sys.argv[1] + "/idx/files/a-2.0-py3-none-any.whl", "rb").read()).hexdigest()
	assert a["download_info"]["archive_info"]["hashes"]["sha256"] == want
	assert a["download_info"]["url"].endswith("/idx/files/a-2.0-py3-none-any.whl")
	assert a["is_yanked"] is False and a["is_direct"] is False
	assert r["environment"]["python_version"].count(".") == 1
	PY
	expect_unchanged empty v
'

test_expect_success 'install, then the report of a real install on stdout' '
	I --venv v --report - app >rep &&
	versions v >got && printf "a==2.0\napp==1.0\n" >want && diff -u want got &&
	grep -q "\"name\": \"app\"" rep
'

test_expect_success 'installed versions are kept; --upgrade-package and -U move them' '
	rm -rf v && cvenv create -q --without-pip v &&
	I --venv v "a==1.0" && I --venv v app &&
	versions v >got && printf "a==1.0\napp==1.0\n" >want && diff -u want got &&
	I --venv v --dry-run --upgrade-package a app >out &&
	expect_grep "Would replace a 1.0 by 2.0" out &&
	I --venv v -U app && versions v | grep -qx "a==2.0"
'

test_expect_success '--pre allows pre-releases' '
	I --venv w --dry-run --pre a >out && expect_grep "a 3.0b1" out &&
	I --venv w --dry-run a >out && expect_grep "a 2.0" out &&
	I --venv w --dry-run "a>=3.0b1" >out && expect_grep "a 3.0b1" out
'

test_expect_success 'yanked versions only when pinned; requires-python filters' '
	I --venv w --dry-run y rp >out &&
	expect_grep "Would install y 1.0" out && expect_grep "Would install rp 0.9" out &&
	I --venv w --dry-run "y==2.0" >out && expect_grep "Would install y 2.0" out
'

test_expect_success '-c constraints, --no-deps, extras' '
	echo "a<2" >cons.txt &&
	I --venv w --dry-run -c cons.txt app >out && expect_grep "Would install a 1.0" out &&
	I --venv w --dry-run --no-deps app >out && ! grep -q "install a " out &&
	I --venv w --dry-run "ex[old]" >out && expect_grep "Would install a 1.0" out
'

test_expect_success 'no solution: the resolver explains; the env is untouched' '
	snap v >before &&
	! I --venv v b c 2>err &&
	expect_grep "cannot be installed together" err && expect_grep "Because" err &&
	expect_unchanged before v
'

test_expect_success 'requirements files: -i and --extra-index-url honoured' '
	printf -- "-i %s\napp\n" "$(cat url)" >req.txt &&
	cvenv install --venv w --dry-run -r req.txt >out && expect_grep "Would install app 1.0" out &&
	printf -- "--extra-index-url %s\na\n" "$(cat url2)" >req2.txt &&
	cvenv install --venv w --dry-run -i "$(cat url)" --index-strategy unsafe-best-match -r req2.txt >out &&
	expect_grep "Would install a 9.0" out &&
	printf -- "--trusted-host x\na\n" >bad.txt &&
	! cvenv install --venv w -i "$(cat url)" -r bad.txt 2>err && expect_grep "bad.txt:1:" err
'

test_expect_success '--index-strategy: the first index with a project wins unless unsafe-best-match' '
	I --venv w --dry-run --extra-index-url "$(cat url2)" a >out && expect_grep "a 2.0" out &&
	I --venv w --dry-run --extra-index-url "$(cat url2)" --index-strategy unsafe-best-match a >out &&
	expect_grep "a 9.0" out &&
	! I --venv w --index-strategy best a 2>err
'

test_expect_success 'hash-checking mode as pip: every requirement pinned and hashed, dependencies too' '
	ha=$(sha256sum idx/files/a-1.0-py3-none-any.whl | cut -c1-64) &&
	happ=$(sha256sum idx/files/app-1.0-py3-none-any.whl | cut -c1-64) &&
	rm -rf h && cvenv create -q --without-pip h && snap h >hb &&
	printf "app==1.0 --hash=sha256:%s\n" "$happ" >h1.txt &&
	! I --venv h -r h1.txt 2>err && expect_grep "'"'"'a'"'"'" err && expect_grep "hash" err &&
	printf "app==1.0 --hash=sha256:%s\na>=1 --hash=sha256:%s\n" "$happ" "$ha" >h2.txt &&
	! I --venv h -r h2.txt 2>err && expect_grep "h2.txt:2:" err &&
	printf "app==1.0 --hash=sha256:%s\na==1.0\n" "$happ" >h3.txt &&
	! I --venv h -r h3.txt 2>err && expect_grep "h3.txt:2:" err &&
	printf "app==1.0 --hash=sha256:%s\na==1.0 --hash=sha256:%s\n" "$happ" "$happ" >h4.txt &&
	! I --venv h -r h4.txt 2>err && expect_grep "no --hash" err &&
	printf "a==1.0\n" >h5.txt &&
	! I --venv h --require-hashes -r h5.txt 2>err && expect_grep "h5.txt:1:" err &&
	expect_unchanged hb h &&
	printf "app==1.0 --hash=sha256:%s\na==1.0 --hash=sha256:%s\n" "$happ" "$ha" >ok.txt &&
	I --venv h -r ok.txt && versions h | grep -qx "a==1.0"
'

test_expect_success '--offline: only the cache; a missing project is named' '
	index_start plain idx &&
	rm -rf o && cvenv create -q --without-pip o &&
	cvenv create -q --without-pip o2 &&
	cvenv install --venv o2 -i "$INDEX_URL" app &&
	cvenv install --venv o -i "$INDEX_URL" --offline app &&
	versions o | grep -qx "app==1.0" &&
	! cvenv install --venv o -i "$INDEX_URL" --offline y 2>err && expect_grep "y" err
'

test_done
