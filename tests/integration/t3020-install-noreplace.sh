#!/bin/bash
# The commit never overwrites an entry that appears in the env after the
# install looked (issue 18): every move into place is a rename that does not
# replace (RENAME_NOREPLACE), so another program writing bin/demo while the
# commit moves site-packages in makes the install fail and be undone,
# and that program's file stays as it wrote it (a plain rename replaced it,
# and the undo of the add then deleted it); and the checks that decide
# between adding and replacing still find what the env has when they are
# answered from one listing of a directory.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
test_require_cmd cc
# The shim is preloaded into an ASan build too: let the runtime accept that.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

test_expect_success 'setup: the fault shim, a wheel with a launcher, an env' '
	cc -shared -fPIC -o shim.so "$TEST_DIR/fault_shim.c" -ldl &&
	mkdir wh &&
	mkwheel wh demo 1.0 --console demo=demo:main --file demo/m.py=X=1 >/dev/null &&
	cvenv create --without-pip -p "$py" v
'

test_expect_success DYNAMIC 'an entry that appears during the commit is not overwritten' '
	snap v >before && rm -f go &&
	# each move into site-packages (the new env'"'"'s empty one is replaced
	# whole: aside, then in) waits for the file go: bin/demo, moved after
	# them, is written first, then go lets the commit on
	FAULT_RENAME_HOLD_PATH=/site-packages FAULT_RENAME_HOLD_UNTIL=$PWD/go \
		LD_PRELOAD=$PWD/shim.so $CVENV_WRAPPER "$CVENV_BIN" install --venv v \
		wh/demo-1.0-py3-none-any.whl 2>err &
	pid=$! &&
	i=0 && while ! test -f v/.cvenv/journal && test $i -lt 1200; do sleep 0.05; i=$((i + 1)); done &&
	test -f v/.cvenv/journal &&
	echo mine >v/bin/demo && touch go &&
	{ wait $pid; test $? = 1; } &&
	expect_grep "/v/bin/demo" err && expect_grep "into place: File exists" err &&
	test "$(cat v/bin/demo)" = mine &&
	! test -e v/.cvenv/journal &&
	rm v/bin/demo &&
	expect_unchanged before v
'

test_expect_success 'without a newcomer the same install commits' '
	cvenv install --venv v wh/demo-1.0-py3-none-any.whl &&
	test -x v/bin/demo &&
	test -f v/lib/python3.12/site-packages/demo/m.py
'

# Many names checked at once are answered from one listing of site-packages
# and of bin (txn.c, listed_has): what the env has there is still found, so
# a file is replaced and a directory merged into, as one stat each found it.
test_expect_success 'many new names: what the env has is still replaced or merged into' '
	python3 - "$TEST_DIR/mkwheel.py" >/dev/null <<-\EOF &&
	import importlib.util, sys
	spec = importlib.util.spec_from_file_location("mkwheel", sys.argv[1])
	mk = importlib.util.module_from_spec(spec)
	spec.loader.exec_module(mk)
	names = ["w%02d" % i for i in range(20)]
	for n in names:  # one Python for the 20 wheels
	    sys.argv = ["mkwheel", "wh", n, "1.0", "--console", "%s=%s:main" % (n, n),
	                "--file", n + "/m.py=X=1"]
	    mk.main()
	with open("req.txt", "w") as f:
	    f.write("".join(n + "==1.0\n" for n in names))
	EOF
	cvenv create --without-pip -p "$py" many &&
	echo foreign >many/bin/w19 &&
	mkdir many/lib/python3.12/site-packages/w18 &&
	echo "OLD = 1" >many/lib/python3.12/site-packages/w18/old.py &&
	cvenv install --venv many -r req.txt --find-links wh &&
	! grep -q foreign many/bin/w19 && test -x many/bin/w19 &&
	test -f many/lib/python3.12/site-packages/w18/old.py &&
	test -f many/lib/python3.12/site-packages/w18/m.py &&
	test $(ls many/bin | grep -c "^w[0-9]*$") = 20
'

test_done
