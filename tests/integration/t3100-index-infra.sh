#!/bin/bash
# The test index itself (lib-index.sh): the corpus repacked from Debian's
# Python libraries, the PEP 503/691 tree, nginx serving it by Accept (with and
# without .metadata, without ranges, over TLS, with basic auth), the fault
# server's behaviours (pip installing from it: t3104).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"
. "$TEST_DIR/lib-index.sh"

test_require_cmd nginx
test_require_cmd curl
test_require_cmd openssl

JSON=application/vnd.pypi.simple.v1+json

test_expect_success 'corpus: Debian distributions repacked with RECORD and dependencies' '
	corpus=$(index_corpus) && echo "$corpus" >corpus-dir &&
	test $(ls "$corpus"/*.whl | wc -l) -ge 80 &&
	unzip -p "$corpus"/Flask-*.whl "*.dist-info/METADATA" >flask.meta &&
	expect_grep "Requires-Dist: Werkzeug>=" flask.meta &&
	expect_grep "Requires-Dist: click>=" flask.meta &&
	expect_grep "Requires-Dist: itsdangerous>=" flask.meta &&
	python3 - "$corpus" <<-\PY
	import base64, csv, hashlib, io, sys, zipfile, glob
	for w in glob.glob(sys.argv[1] + "/*.whl"):
	    z = zipfile.ZipFile(w)
	    rec = [n for n in z.namelist() if n.endswith(".dist-info/RECORD")][0]
	    rows = list(csv.reader(io.StringIO(z.read(rec).decode())))
	    assert sorted(r[0] for r in rows) == sorted(z.namelist()), w
	    for p, h, size in rows:
	        if p == rec:
	            continue
	        d = z.read(p)
	        assert h == "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b"=").decode(), (w, p)
	        assert int(size) == len(d), (w, p)
	PY
'

test_expect_success 'tree: both formats, hashes, requires-python, yanked, .metadata' '
	mkdir extra && mkwheel extra tiny 1.0 >/dev/null && mkwheel extra tiny 2.0 >/dev/null &&
	cp "$(cat corpus-dir)"/*.whl extra/ &&
	index_tree extra idx --yank tiny-2.0-py3-none-any.whl="broken" &&
	index_tree extra idx-nometa --no-metadata &&
	grep -q "data-yanked=\"broken\"" idx/simple/tiny/index.html &&
	grep -q "\"yanked\": \"broken\"" idx/simple/tiny/index.json &&
	grep -q "data-requires-python=\"&gt;=3.7\"" idx/simple/flask/index.html &&
	m=$(sha256sum idx/files/Flask-*.whl.metadata | cut -c1-64) &&
	grep -q "data-core-metadata=\"sha256=$m\"" idx/simple/flask/index.html &&
	! ls idx-nometa/files | grep -q "\.metadata$" &&
	! grep -q core-metadata idx-nometa/simple/flask/index.json
'

test_expect_success 'nginx: JSON by Accept, HTML otherwise, ranges' '
	index_start plain idx &&
	curl -sf -H "Accept: $JSON" -D h "$INDEX_URL/flask/" >page &&
	grep -qi "content-type: $JSON" h && grep -qi "vary: accept" h &&
	python3 -c "import json,sys; assert json.load(open(\"page\"))[\"name\"] == \"flask\"" &&
	curl -sf -H "Accept: text/html" -D h "$INDEX_URL/flask/" >page &&
	grep -qi "content-type: text/html" h && grep -q "Links for flask" page &&
	curl -sf -D h "$INDEX_URL/" | grep -q "href=\"flask/\"" &&
	curl -sf -r 0-3 -D h -o part "$INDEX_URL/../files/tiny-1.0-py3-none-any.whl" &&
	grep -q "206" h && test $(wc -c <part) -eq 4 &&
	curl -s -o /dev/null -w "%{http_code}" "$INDEX_URL/nosuch/" | grep -q 404
'

test_expect_success 'nginx: a server without range support sends the whole file' '
	index_start norange idx --no-range &&
	curl -sf -r 0-3 -D h -o whole "${INDEX_URL%/simple}/files/tiny-1.0-py3-none-any.whl" &&
	grep -q "200 OK" h && cmp whole idx/files/tiny-1.0-py3-none-any.whl
'

test_expect_success 'nginx: TLS with a self-signed certificate' '
	index_start tls idx --tls &&
	case $INDEX_URL in https://*) ;; *) false ;; esac &&
	! curl -sf -o /dev/null "$INDEX_URL/flask/" &&
	curl -sf --cacert "$INDEX_CERT" -o /dev/null "$INDEX_URL/flask/"
'

test_expect_success 'nginx: basic auth' '
	index_start auth idx --auth alice:s3cret &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "$INDEX_URL/flask/")" = 401 &&
	curl -sf -o /dev/null -u alice:s3cret "$INDEX_URL/flask/" &&
	test "$(curl -s -o /dev/null -w "%{http_code}" -u alice:wrong "$INDEX_URL/flask/")" = 401
'

test_expect_success 'fault server: each behaviour' '
	fault_start fault "$PWD/idx" &&
	code() { curl -s -o /dev/null -w "%{http_code}" "$@"; } &&
	test "$(code "$FAULT_URL/ok/simple/flask/")" = 200 &&
	curl -sf -H "Accept: $JSON" "$FAULT_URL/ok/simple/flask/" | grep -q "\"name\": \"flask\"" &&
	test "$(code "$FAULT_URL/500/simple/flask/")" = 500 &&
	test "$(code "$FAULT_URL/500once/simple/flask/")" = 500 &&
	test "$(code "$FAULT_URL/500once/simple/flask/")" = 200 &&
	curl -s -D h -o /dev/null "$FAULT_URL/429/simple/flask/" && grep -qi "retry-after: 1" h &&
	test "$(code "$FAULT_URL/429/simple/flask/")" = 200 &&
	test "$(code "$FAULT_URL/ok/simple/nosuch/")" = 404 &&
	test "$(code -L "$FAULT_URL/redirect/simple/flask/")" = 200 &&
	! curl -sf -o /dev/null "$FAULT_URL/truncated/files/tiny-1.0-py3-none-any.whl" &&
	curl -sf -o bad "$FAULT_URL/badhash/files/tiny-1.0-py3-none-any.whl" &&
	! cmp -s bad idx/files/tiny-1.0-py3-none-any.whl &&
	! timeout 10 curl -sf --max-time 1 -o /dev/null "$FAULT_URL/slow/simple/flask/" &&
	grep -q "^GET /500once/simple/flask/ 200" "$FAULT_LOG"
'

test_done
