#!/bin/sh
# Test stand-in for the official redis image's entry point (not a copy of it): runs
# redis-server as the redis user, as PID 1 (SIGTERM saves and exits), in /data, and without
# protected mode when no config file is given, as the official image does.
set -eu
if [ "${1:-}" = redis-server ]; then
  if [ "$(id -u)" = 0 ]; then
    chown -R redis:redis /data
    exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
  fi
  case "${2:-}" in
    *.conf) ;;
    *) shift; set -- redis-server --protected-mode no "$@" ;;
  esac
fi
exec "$@"
