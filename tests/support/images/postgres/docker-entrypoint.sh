#!/bin/sh
# Test stand-in for the official postgres image's entry point (not a copy of it): the same
# contract, written from its documentation. On an empty data directory it creates the
# cluster with POSTGRES_USER (default postgres) as superuser, POSTGRES_PASSWORD as its
# password (required), POSTGRES_DB (default: the user name) as a database, password
# (scram-sha-256) authentication for TCP connections from anywhere and trust on the Unix
# socket inside the container; then it runs the server as the postgres user, as PID 1, so
# `docker stop` reaches it (STOPSIGNAL SIGINT: PostgreSQL's fast shutdown).
#
# Secrets as files ("Docker Secrets" in the official image's documentation): each of
# POSTGRES_PASSWORD, POSTGRES_USER and POSTGRES_DB may instead be given as VAR_FILE, the path
# of a file holding the value, such as /run/secrets/<name>. As there: the file is read on every
# start, before the switch to the postgres user (so a file only root may read works); its
# trailing newlines are dropped (a shell's command substitution drops them all); a file that is
# missing or unreadable stops the start with the shell's error naming it; setting both VAR and
# VAR_FILE is an error; and VAR_FILE is then unset and VAR exported, so the value is in the
# server's environment (`/proc/1/environ`), as with the official entry point, though never in
# the container's configuration (`docker inspect`). POSTGRES_INITDB_ARGS (and its _FILE) is
# not supported here: the stand-in refuses it rather than ignore it.
set -eu

if [ "${1:-}" != postgres ]; then exec "$@"; fi

# `from_file VAR [DEFAULT]`: VAR from VAR or the file VAR_FILE names (see the top); DEFAULT
# when neither is set. Only called with the fixed names below, so the evals see no input.
from_file() {
  var=$1
  eval "value=\${$var:-} file=\${${var}_FILE:-}"
  if [ -n "$value" ] && [ -n "$file" ]; then
    echo "postgres stand-in: both $var and ${var}_FILE are set (but are exclusive)" >&2
    exit 1
  fi
  if [ -n "$file" ]; then
    # cat's own message names the file: "cat: /run/secrets/x: No such file or directory".
    value=$(cat -- "$file") || { echo "postgres stand-in: cannot read ${var}_FILE ($file)" >&2; exit 1; }
  elif [ -z "$value" ]; then
    value=${2:-}
  fi
  export "$var=$value"
  unset "${var}_FILE"
}

if [ -n "${POSTGRES_INITDB_ARGS:-}${POSTGRES_INITDB_ARGS_FILE:-}" ]; then
  echo "postgres stand-in: POSTGRES_INITDB_ARGS is not supported by this stand-in" >&2
  exit 1
fi
from_file POSTGRES_PASSWORD
from_file POSTGRES_USER postgres
from_file POSTGRES_DB "$POSTGRES_USER"

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" "$(dirname "$PGDATA")" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "postgres stand-in: the database is uninitialized and POSTGRES_PASSWORD is not set" >&2
    exit 1
  fi
  user=$POSTGRES_USER
  db=$POSTGRES_DB
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb --pgdata="$PGDATA" --username="$user" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
  if [ "$db" != postgres ]; then
    quoted=$(printf '%s' "$db" | sed 's/"/""/g')
    echo "CREATE DATABASE \"$quoted\";" | postgres --single -D "$PGDATA" -j postgres >/dev/null
  fi
  echo "postgres stand-in: initialized $PGDATA (superuser $user, database $db)" >&2
fi

exec "$@"
