#!/bin/bash
# cvenv install NAME from real index servers: nginx serving the corpus
# repacked from Debian's Python libraries as PEP 691 JSON and PEP 503 HTML,
# with and without PEP 658 .metadata (range requests), without range support
# (whole downloads), over TLS with a self-signed certificate, with basic auth;
# file:// indexes and find-links directories.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"
. "$TEST_DIR/lib-index.sh"

test_require_cmd nginx
test_require_cmd curl
test_require_cmd openssl
py=$(python_for debian3.11)
[ -z "$py" ] && py=$(python_for 3.11)
[ -z "$py" ] && test_skip "no Python 3.11 (the corpus has cp311 wheels)"
SP=lib/python3.11/site-packages

# fresh NAME: an empty env
fresh() { rm -rf "$1" && cvenv create -q --without-pip -p "$py" "$1"; }
# has_flask ENV: the Flask set is installed and imports
has_flask() {
	"$1/bin/python" -c "import flask, werkzeug, jinja2, click, itsdangerous, markupsafe" &&
	test -f "$1/$SP/Flask-2.2.2.dist-info/REQUESTED" &&
	! test -f "$1/$SP/click-8.1.3.dist-info/REQUESTED"
}

test_expect_success 'setup: the corpus, its trees and servers' '
	corpus=$(index_corpus) &&
	index_tree "$corpus" idx >/dev/null &&
	index_tree "$corpus" idx-nometa --no-metadata >/dev/null &&
	index_tree "$corpus" idx-html --html-only >/dev/null &&
	index_start plain idx &&
	index_start nometa idx-nometa &&
	index_start norange idx-nometa --no-range &&
	index_start html idx-html &&
	index_start tls idx --tls &&
	index_start auth idx --auth alice:s3cret
'

test_expect_success 'JSON index (PEP 691): the Flask set, metadata from .metadata files' '
	index_load plain && fresh v &&
	cvenv install --venv v -i "$INDEX_URL" flask &&
	has_flask v &&
	grep -q "GET /simple/flask/ HTTP/1.1 200 accept=\"application/vnd.pypi.simple.v1+json" "$INDEX_LOG" &&
	grep -q "GET /files/Flask-2.2.2-py3-none-any.whl.metadata " "$INDEX_LOG" &&
	! grep "range=\"bytes" "$INDEX_LOG"
'

test_expect_success 'HTML index (PEP 503)' '
	index_load html && fresh v &&
	cvenv install --venv v -i "$INDEX_URL" "flask>=2" &&
	has_flask v
'

test_expect_success 'no .metadata: METADATA read with range requests' '
	# a cache of its own: metadata is cached per file hash, from any server
	index_load nometa && fresh v && export XDG_CACHE_HOME=$PWD/cache-nometa &&
	cvenv install --venv v -i "$INDEX_URL" --dry-run flask >out &&
	expect_grep "Would install flask 2.2.2" out &&
	grep -q "range=\"bytes=" "$INDEX_LOG" &&
	! grep -q "\.metadata" "$INDEX_LOG" &&
	cvenv install --venv v -i "$INDEX_URL" flask && has_flask v
'

test_expect_success 'a server without range support: whole downloads' '
	index_load norange && fresh v && export XDG_CACHE_HOME=$PWD/cache-norange &&
	cvenv install --venv v -i "$INDEX_URL" flask && has_flask v &&
	grep -q "GET /files/Flask-2.2.2-py3-none-any.whl HTTP/1.1 200 accept=\"[^\"]*\" range=\"bytes=" "$INDEX_LOG"
'

test_expect_success 'TLS: a self-signed certificate is refused, then trusted with --cert or SSL_CERT_FILE' '
	index_load tls && fresh v && snap v >before &&
	! cvenv install --venv v -i "$INDEX_URL" flask 2>err &&
	expect_grep "$INDEX_URL" err && expect_unchanged before v &&
	cvenv install --venv v -i "$INDEX_URL" --cert "$INDEX_CERT" itsdangerous &&
	SSL_CERT_FILE="$INDEX_CERT" cvenv install --venv v -i "$INDEX_URL" flask &&
	has_flask v
'

test_expect_success 'basic auth: credentials from the URL or ~/.netrc; never printed' '
	index_load auth && fresh v && snap v >before &&
	! cvenv install --venv v -i "$INDEX_URL" flask 2>err &&
	expect_grep "401" err && expect_unchanged before v &&
	url=$(echo "$INDEX_URL" | sed "s|//|//alice:wrong@|") &&
	! cvenv install --venv v -i "$url" flask 2>err &&
	! grep -q wrong err && expect_grep "alice:****@" err &&
	url=$(echo "$INDEX_URL" | sed "s|//|//alice:s3cret@|") &&
	cvenv install --venv v -i "$url" itsdangerous &&
	printf "machine 127.0.0.1 login alice password s3cret\n" >"$HOME/.netrc" &&
	cvenv install --venv v -i "$INDEX_URL" flask &&
	rm "$HOME/.netrc" && has_flask v &&
	grep -q "auth=\"alice\"" "$INDEX_LOG"
'

test_expect_success 'file:// index' '
	fresh v &&
	cvenv install --venv v -i "file://$PWD/idx-html/simple" flask && has_flask v
'

test_expect_success 'find-links directory with --no-index' '
	fresh v &&
	cvenv install --venv v --no-index -f "$(index_corpus)" flask && has_flask v &&
	! test -e v/$SP/requests
'

test_expect_success 'PIP_INDEX_URL, then UV_INDEX_URL, when -i is absent' '
	index_load plain && fresh v &&
	PIP_INDEX_URL="$INDEX_URL" cvenv install --venv v itsdangerous &&
	UV_INDEX_URL="$INDEX_URL" cvenv install --venv v click &&
	test -d v/$SP/itsdangerous && test -d v/$SP/click
'

test_expect_success 'a warm second install into a new env asks nothing again but revalidation' '
	index_load plain && fresh w &&
	n0=$(wc -l <"$INDEX_LOG") &&
	cvenv install --venv w -i "$INDEX_URL" flask && has_flask w &&
	! sed -n "$((n0 + 1)),\$p" "$INDEX_LOG" | grep -q "GET /files/"
'

test_done
