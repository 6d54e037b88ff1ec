# Helpers for the t31xx-index tests (sourced after lib.sh): a test package
# index served by nginx (Debian's) or by the stdlib fault server, started by
# the test itself -- its own config in the trash dir, 127.0.0.1 on an
# ephemeral port, no root, no system config -- and stopped when the file ends.
#
#   index_corpus            builds (once per input set, cached under the build
#                           dir) the wheels repacked from Debian's Python
#                           libraries; prints the directory
#   index_tree WHEELS OUT [mkindex options]  a PEP 503 + 691 tree of WHEELS
#   index_start NAME ROOT [--no-range] [--tls] [--http2] [--auth USER:PASS]
#               [--max-age N]
#                           serves ROOT/simple and ROOT/files with nginx
#                           (--http2: over TLS, HTTP/2 offered by ALPN;
#                           --max-age: the pages with Cache-Control:
#                           max-age=N, as PyPI serves them with 600);
#                           sets INDEX_URL (.../simple), INDEX_PORT, INDEX_CERT
#                           (with --tls) and INDEX_LOG (the access log)
#   fault_start NAME ROOT   the fault server (index/faultserver.py) over ROOT;
#                           sets FAULT_URL (no trailing slash), FAULT_LOG and
#                           FAULT_SILENT_PORT (listens, never accepts)
#   index_load NAME         sets those variables again in a later test (each
#                           test body is a subshell: they are kept in
#                           $TRASH/NAME.vars)
#
# Servers started inside a test body outlive it; their pids go to
# $TRASH.index-pids, and the file's EXIT trap stops them all.
#
# nginx answers /simple/<p>/ with index.json when the Accept header asks for
# application/vnd.pypi.simple.v1+json and index.html otherwise (PEP 691
# content negotiation through `map $http_accept`), with that Content-Type and
# Vary: Accept.

INDEX_DIR="$TEST_DIR/index"
# beside the trash dir, not in it: test_done removes that before the trap runs
INDEX_PIDS="$TRASH.index-pids"

index_stop_all() {
	local p pids
	[ -f "$INDEX_PIDS" ] || return 0
	pids=$(cat "$INDEX_PIDS")
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	for p in $pids; do
		# bounded: nginx and the fault server leave on SIGTERM at once
		timeout 5 sh -c "while kill -0 $p 2>/dev/null; do sleep 0.05; done"
	done
	rm -f "$INDEX_PIDS"
}
trap index_stop_all EXIT

index_load() {
	. "$TRASH/$1.vars"
}

# A port nothing listens on now; the server's own bind is the real test
# (index_start retries with another port when it loses a race).
index_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# index_wait_up URL [curl options]: polls until the server answers, 10 s at most.
index_wait_up() {
	local url=$1
	shift
	timeout 10 sh -c 'until curl -s -o /dev/null "$@"; do sleep 0.05; done' sh "$@" "$url"
}

# The corpus is built from what Debian installed; the cache key covers the
# builder, the installed packages' versions and the site directory's listing.
index_corpus() {
	local build key dir
	build=$(dirname "$CVENV_BIN")
	key=$({ cat "$INDEX_DIR/mkcorpus.py"; ls /usr/lib/python3/dist-packages;
		dpkg-query -W -f '${Package} ${Version}\n' 'python3-*' 2>/dev/null; } | sha256sum | cut -c1-16)
	dir="$build/test-corpus/$key"
	if [ ! -d "$dir" ]; then
		mkdir -p "$build/test-corpus" &&
		rm -rf "$dir.tmp.$$" &&
		python3 "$INDEX_DIR/mkcorpus.py" "$dir.tmp.$$" >&2 &&
		{ mv -T "$dir.tmp.$$" "$dir" 2>/dev/null || rm -rf "$dir.tmp.$$"; } || return 1
	fi
	echo "$dir"
}

index_tree() {
	python3 "$INDEX_DIR/mkindex.py" "$@"
}

index_start() {
	local name=$1 root range=on tls= auth= scheme=http h2= max_age=
	root=$(cd "$2" && pwd) || return 1
	INDEX_CERT=
	shift 2
	while [ $# -gt 0 ]; do
		case $1 in
		--no-range) range=off ;;
		--tls) tls=1 scheme=https ;;
		--http2) tls=1 scheme=https h2=1 ;;
		--auth) auth=$2; shift ;;
		--max-age) max_age=$2; shift ;;
		esac
		shift
	done
	local dir="$TRASH/nginx-$name"
	mkdir -p "$dir/tmp" "$dir/logs"
	local listen_extra= tls_conf= auth_conf= ranges= cache_conf=
	if [ -n "$tls" ]; then
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
			-addext subjectAltName=IP:127.0.0.1,DNS:localhost \
			-keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null || return 1
		listen_extra=" ssl${h2:+ http2}"
		tls_conf="ssl_certificate $dir/cert.pem; ssl_certificate_key $dir/key.pem;"
		INDEX_CERT=$dir/cert.pem
	fi
	if [ -n "$auth" ]; then
		printf '%s:%s\n' "${auth%%:*}" "$(openssl passwd -apr1 "${auth#*:}")" >"$dir/htpasswd"
		auth_conf="auth_basic \"test index\"; auth_basic_user_file $dir/htpasswd;"
	fi
	[ "$range" = off ] && ranges="max_ranges 0;"
	[ -n "$max_age" ] && cache_conf="add_header Cache-Control \"max-age=$max_age\";"
	# started by root, nginx's workers would become nobody and could not read
	# a private trash dir: they stay the current user, as for anyone else
	local user_conf=
	[ "$(id -u)" = 0 ] && user_conf="user root;"
	local try port
	for try in 1 2 3 4 5; do
		port=$(index_free_port)
		cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
$user_conf
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 256; }
http {
	log_format idx '\$request \$status accept="\$http_accept" range="\$http_range" auth="\$remote_user" conn=\$connection/\$connection_requests proto=\$server_protocol';
	access_log $dir/logs/access.log idx;
	client_body_temp_path $dir/tmp/body;
	proxy_temp_path $dir/tmp/proxy;
	fastcgi_temp_path $dir/tmp/fastcgi;
	uwsgi_temp_path $dir/tmp/uwsgi;
	scgi_temp_path $dir/tmp/scgi;
	types { application/octet-stream whl; text/plain metadata; }
	default_type application/octet-stream;
	map \$http_accept \$simple_ext {
		default html;
		"~application/vnd\\.pypi\\.simple\\.v1\\+json" json;
	}
	server {
		listen 127.0.0.1:$port$listen_extra;
		$tls_conf
		$auth_conf
		$ranges
		root $root;
		location /simple/ {
			types { application/vnd.pypi.simple.v1+json json; text/html html; }
			add_header Vary Accept;
			$cache_conf
			try_files \$uri/index.\$simple_ext \$uri/index.html \$uri =404;
		}
		location /files/ { }
	}
}
CONF
		nginx -e "$dir/logs/error.log" -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' &
		local pid=$!
		if index_wait_up "$scheme://127.0.0.1:$port/" -k; then
			echo "$pid" >>"$INDEX_PIDS"
			INDEX_PORT=$port
			INDEX_URL="$scheme://127.0.0.1:$port/simple"
			INDEX_LOG="$dir/logs/access.log"
			printf "INDEX_PORT=%s INDEX_URL='%s' INDEX_LOG='%s' INDEX_CERT='%s'\n" \
				"$INDEX_PORT" "$INDEX_URL" "$INDEX_LOG" "${INDEX_CERT:-}" >"$TRASH/$name.vars"
			return 0
		fi
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		grep -q "Address already in use" "$dir/logs/error.log" || { cat "$dir/logs/error.log" >&2; return 1; }
	done
	echo "index_start: no free port after 5 tries" >&2
	return 1
}

fault_start() {
	local name=$1 root dir="$TRASH/fault-$1"
	root=$(cd "$2" && pwd) || return 1
	mkdir -p "$dir"
	python3 "$INDEX_DIR/faultserver.py" "$root" "$dir/port" "$dir/log" &
	local pid=$!
	timeout 10 sh -c "until test -s '$dir/port'; do sleep 0.05; done" || { kill "$pid"; return 1; }
	echo "$pid" >>"$INDEX_PIDS"
	FAULT_URL="http://127.0.0.1:$(cat "$dir/port")"
	FAULT_LOG="$dir/log"
	FAULT_SILENT_PORT=$(cat "$dir/port.silent")
	printf "FAULT_URL='%s' FAULT_LOG='%s' FAULT_SILENT_PORT=%s\n" "$FAULT_URL" "$FAULT_LOG" \
		"$FAULT_SILENT_PORT" >"$TRASH/$name.vars"
}
