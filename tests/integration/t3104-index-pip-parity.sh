#!/bin/bash
# pip is the reference: pip (23.2, run from a venv of its own with --python)
# and cvenv resolve the same requirements against the same nginx index --
# the Flask set and the >= 80 distributions repacked from Debian -- into
# empty envs of the same interpreter; the chosen versions and the installed
# files (content of every file in site-packages, names of the scripts) agree.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"
. "$TEST_DIR/lib-index.sh"

test_require_cmd nginx
test_require_cmd curl
py=$(python_for 3.11)
[ -z "$py" ] && test_skip "no pyenv Python 3.11 (its bundled pip 23.2 reads PEP 691 metadata objects; Debian's 23.0 cannot)"

# tree ENV: every file of site-packages with its sha256 (installer-specific
# files and bytecode left out), and the names in bin/
tree() {
	python3 - "$1" <<-\PY
	import hashlib, os, sys
	env = sys.argv[1]
	skip = {"INSTALLER", "RECORD", "REQUESTED", "direct_url.json"}
	sp = [os.path.join(env, "lib", d, "site-packages") for d in os.listdir(os.path.join(env, "lib"))][0]
	for root, dirs, files in os.walk(sp):
	    dirs[:] = [d for d in dirs if d != "__pycache__"]
	    for f in files:
	        p = os.path.join(root, f)
	        rel = os.path.relpath(p, sp)
	        if rel.split(os.sep)[0].endswith(".dist-info") and f in skip:
	            continue
	        if rel.startswith(("_distutils_hack", "distutils-precedence.pth")):
	            continue
	        print(rel, hashlib.sha256(open(p, "rb").read()).hexdigest())
	for f in sorted(os.listdir(os.path.join(env, "bin"))):
	    print("bin/" + f)
	PY
}

test_expect_success 'setup: the corpus index and pip' '
	index_tree "$(index_corpus)" idx >/dev/null &&
	index_start plain idx &&
	"$py" -m venv pipenv >/dev/null &&
	pipenv/bin/python -m pip --version | grep -q "pip 2[3-9]" &&
	ls idx/simple | grep -v "^index" | grep -vx pygobject >big.txt &&
	test $(wc -l <big.txt) -ge 80
'

# parity NAME REQ...: pip and cvenv each install REQ... into a new env
parity() {
	local name=$1
	shift
	index_load plain &&
	cvenv create -q --without-pip -p "$py" "pip-$name" &&
	cvenv create -q --without-pip -p "$py" "cv-$name" &&
	PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 pipenv/bin/python -m pip \
		--python "pip-$name/bin/python" install -q --no-compile --only-binary :all: \
		--index-url "$INDEX_URL" "$@" &&
	cvenv install -q --venv "cv-$name" -i "$INDEX_URL" "$@" &&
	cvenv freeze --venv "pip-$name" | sort >"$name.pip" &&
	cvenv freeze --venv "cv-$name" | sort >"$name.cvenv" &&
	diff -u "$name.pip" "$name.cvenv" &&
	tree "pip-$name" | sort >"$name.pipfiles" &&
	tree "cv-$name" | sort >"$name.cvfiles" &&
	diff -u "$name.pipfiles" "$name.cvfiles"
}

test_expect_success 'the Flask set: same versions, same files' '
	parity flask flask &&
	grep -qx "Flask==2.2.2" flask.pip
'

test_expect_success 'the big set (>= 80 distributions): same versions, same files' '
	parity big -r big.txt &&
	test $(ls -d cv-big/lib/*/site-packages/*.dist-info | wc -l) -ge 80
'

test_done
