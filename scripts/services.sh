#!/usr/bin/env bash
# Starts the real servers the tests use, on 127.0.0.1 in a temporary folder, and prints the
# environment that points the tests at them:
#   scripts/services.sh start DIR   -> writes DIR/env (source it), servers run in the background
#   scripts/services.sh stop DIR    -> stops them and removes DIR
# PostgreSQL refuses to run as root, so as root it runs as the unprivileged `postgres` user.
set -euo pipefail
cmd="$1"; dir="$2"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pg_bin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1; }
as_pg_user() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
start)
  mkdir -p "$dir"
  chmod 755 "$dir"
  bin="$(pg_bin)"
  pg_port="$(free_port)"
  mkdir -p "$dir/pg"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir/pg"
  as_pg_user "$bin/initdb" -D "$dir/pg/data" -U rv -A trust --no-sync -E UTF8 >"$dir/pg-init.log" 2>&1 \
    || { cat "$dir/pg-init.log" >&2; exit 1; }
  # Every role is trusted except this one, which must give its password: the tests of a wrong
  # password need a server that checks one (they create the role).
  hba="$dir/pg/data/pg_hba.conf"
  as_pg_user sh -c "{ echo 'host all repovault_password_check 127.0.0.1/32 scram-sha-256'; cat '$hba'; } >'$hba.new' && mv '$hba.new' '$hba'"
  as_pg_user "$bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -t 60 start \
    -o "-p $pg_port -k $dir/pg -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" >/dev/null \
    || { cat "$dir/pg/server.log" >&2; exit 1; }

  venv="${REPOVAULT_TOOLS_VENV:-$HOME/.cache/repovault/venv}"
  s3_port="$(free_port)"
  "$venv/bin/moto_server" -H 127.0.0.1 -p "$s3_port" >"$dir/moto.log" 2>&1 &
  echo $! >"$dir/moto.pid"
  for _ in $(seq 1 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $s3_port), 0.2)" 2>/dev/null && break
    sleep 0.2
  done
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test "$venv/bin/python" -c "
import boto3
boto3.client('s3', endpoint_url='http://127.0.0.1:$s3_port', region_name='us-east-1').create_bucket(Bucket='repovault-test')"

  cat >"$dir/env" <<ENV
export REPOVAULT_TEST_POSTGRES_URL=postgres://rv@127.0.0.1:$pg_port/postgres
export REPOVAULT_TEST_S3_ENDPOINT=http://127.0.0.1:$s3_port
export REPOVAULT_TEST_S3_BUCKET=repovault-test
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
export AWS_REGION=us-east-1
ENV
  ;;
stop)
  [ -f "$dir/moto.pid" ] && kill "$(cat "$dir/moto.pid")" 2>/dev/null || true
  [ -d "$dir/pg/data" ] && as_pg_user "$(pg_bin)/pg_ctl" -D "$dir/pg/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
