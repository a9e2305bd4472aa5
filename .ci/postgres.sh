#!/usr/bin/env bash
# A throw-away PostgreSQL server on 127.0.0.1: a fresh cluster in a temporary directory, trust
# authentication, a random free port, fsync off. Nothing outside that directory is touched.
#
#   source .ci/postgres.sh; ci_pg_start; ...; ci_pg_stop   (sets DATABASE_URL while it runs)
#   bash .ci/postgres.sh uv run pytest                      (runs one command against it)
#
# Needs initdb, pg_ctl and createdb (Debian: apt-get install postgresql). PostgreSQL refuses to
# run as root, so as root the cluster belongs to the `postgres` user (created if absent).

CI_PG_DIR=""
CI_PG_BIN=""
CI_PG_USER=""

ci_pg_find_bin() {
    local candidate dir
    if candidate="$(command -v initdb 2>/dev/null)" && [ -n "$candidate" ]; then
        dir="$(dirname "$(readlink -f "$candidate")")"
        if [ -x "$dir/pg_ctl" ] && [ -x "$dir/createdb" ]; then
            echo "$dir"
            return 0
        fi
    fi
    # Debian keeps the server binaries out of PATH, one directory per major version.
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -rn); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/createdb" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

ci_pg_as_owner() {
    if [ -n "$CI_PG_USER" ]; then
        runuser -u "$CI_PG_USER" -- "$@"
    else
        "$@"
    fi
}

ci_pg_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

ci_pg_start() {
    CI_PG_BIN="$(ci_pg_find_bin)" || {
        echo "postgres.sh: no PostgreSQL server binaries (initdb, pg_ctl, createdb) found" >&2
        return 1
    }
    CI_PG_USER=""
    if [ "$(id -u)" -eq 0 ]; then
        CI_PG_USER=postgres
        if ! id "$CI_PG_USER" >/dev/null 2>&1; then
            useradd --system --no-create-home --shell /usr/sbin/nologin "$CI_PG_USER"
        fi
    fi
    CI_PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/ci-postgres.XXXXXX")"
    if [ -n "$CI_PG_USER" ]; then
        chown "$CI_PG_USER" "$CI_PG_DIR"
    fi
    ci_pg_as_owner "$CI_PG_BIN/initdb" -D "$CI_PG_DIR/data" -A trust -E UTF8 --locale=C.UTF-8 \
        -U postgres >"$CI_PG_DIR/initdb.log" 2>&1 || {
        cat "$CI_PG_DIR/initdb.log" >&2
        return 1
    }
    local port attempt
    for attempt in 1 2 3 4 5; do
        port="$(ci_pg_free_port)"
        if ci_pg_as_owner "$CI_PG_BIN/pg_ctl" -D "$CI_PG_DIR/data" -l "$CI_PG_DIR/server.log" \
            -w -t 60 -o "-p $port -c listen_addresses=127.0.0.1 -k $CI_PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null; then
            break
        fi
        echo "postgres.sh: start on port $port failed (try $attempt):" >&2
        tail -n 20 "$CI_PG_DIR/server.log" >&2 || true
        port=""
    done
    if [ -z "$port" ]; then
        return 1
    fi
    CI_PG_PORT="$port"
    "$CI_PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres certification_ci
    export DATABASE_URL="postgresql://postgres@127.0.0.1:$port/certification_ci"
    echo "postgres.sh: PostgreSQL $("$CI_PG_BIN/pg_ctl" --version | awk '{print $3}') ready at $DATABASE_URL"
}

ci_pg_stop() {
    if [ -n "$CI_PG_DIR" ] && [ -d "$CI_PG_DIR" ]; then
        if [ -f "$CI_PG_DIR/data/postmaster.pid" ]; then
            ci_pg_as_owner "$CI_PG_BIN/pg_ctl" -D "$CI_PG_DIR/data" -m immediate -w stop \
                >/dev/null 2>&1 || true
        fi
        rm -rf "$CI_PG_DIR"
    fi
    CI_PG_DIR=""
    unset DATABASE_URL
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    # Run as a script: start, run the given command against it, stop whatever happens.
    set -euo pipefail
    if [ "$#" -eq 0 ]; then
        echo "usage: bash .ci/postgres.sh COMMAND [ARG...]" >&2
        exit 2
    fi
    trap ci_pg_stop EXIT
    ci_pg_start
    "$@"
fi
