#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests, from Debian's postgresql package.
#   postgres.sh start DIR   installs the package if needed, initdb's DIR/data and starts it on a free
#                           loopback port with its socket in DIR; prints the Npgsql connection string
#   postgres.sh stop DIR    stops it (immediate) and removes DIR
# PostgreSQL refuses to run as root, so as root the cluster belongs to the package's `postgres` user.
set -euo pipefail
command=${1:?usage: postgres.sh start|stop DIR} dir=${2:?usage: postgres.sh start|stop DIR}

bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$found" ]; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } >&2
    found=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$found"
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
  start)
    pg=$(bin)
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
    as_owner "$pg/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # A port nothing answers on (bash's /dev/tcp), from the range the kernel does not hand out by itself.
    port=0
    for _ in $(seq 50); do
      candidate=$((20000 + RANDOM % 12000))
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
    done
    [ "$port" -ne 0 ] || { echo "no free port found" >&2; exit 1; }
    as_owner "$pg/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    ;;
  stop)
    pg=$(bin)
    [ ! -d "$dir/data" ] || as_owner "$pg/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: postgres.sh start|stop DIR" >&2; exit 2 ;;
esac
