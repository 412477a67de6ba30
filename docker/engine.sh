#!/usr/bin/env bash
# A loopback-only Docker engine for the container-mode diod tests, provided only where none is reachable.
#
#   docker/engine.sh start    if `docker info` answers, do nothing; else (root on Debian) install docker.io
#                             while /usr/sbin/policy-rc.d keeps services from starting, and start dockerd
#                             with no bridge, no iptables rules, no IP forwarding, everything under $ENGINE_DIR
#   docker/engine.sh env      print `export DOCKER_HOST=...` for the engine this script started (nothing for
#                             an engine that was already there): eval "$(docker/engine.sh env)"
#   docker/engine.sh stop     only if this script started it: remove its containers, stop dockerd by its PID,
#                             end what is left of its containerd, unmount everything under $ENGINE_DIR, delete it
#   docker/engine.sh status   say which engine answers
#
# Containers on this engine use host networking only (no port mapping): with --bridge=none there is no
# other network for them. Every wait is bounded. Exit status of start: 0 when an engine answers, 1 when
# none can be provided (the reason is printed), so a caller can skip instead of failing.
set -euo pipefail

ENGINE_DIR=${JNETFS_ENGINE_DIR:-${TMPDIR:-/tmp}/jnetfs-docker}
SOCK="$ENGINE_DIR/docker.sock"
PIDFILE="$ENGINE_DIR/dockerd.pid"
LOG="$ENGINE_DIR/dockerd.log"
POLICY=/usr/sbin/policy-rc.d
# containers' cgroups go under this name in each hierarchy; stop removes the (then empty) directories
CGROUP_PARENT=jnetfs-docker

say() { echo "engine: $*"; }
fail() { echo "engine: $*" >&2; exit 1; }

# `docker info` against the given host (empty: the client's default), bounded in time
answers() {
  if [ -n "${1:-}" ]; then
    DOCKER_HOST="$1" timeout 10 docker info >/dev/null 2>&1
  else
    timeout 10 docker info >/dev/null 2>&1
  fi
}

ours_running() {
  [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && answers "unix://$SOCK"
}

# Installs docker.io with a policy-rc.d in place that refuses every service start (exit 101), so the
# package's own dockerd is never started; the policy that was there before is put back afterwards.
install_docker_io() {
  [ "$(id -u)" = 0 ] || fail "dockerd is not installed and this is not root: cannot install docker.io"
  [ -r /etc/debian_version ] && command -v apt-get >/dev/null || fail "dockerd is not installed and this is not Debian"
  local saved=""
  if [ -e "$POLICY" ]; then
    local verdict=0
    "$POLICY" docker start >/dev/null 2>&1 || verdict=$?
    if [ $verdict != 101 ]; then # it lets services start: ours goes in its place for the install
      saved=$(mktemp)
      cp -p "$POLICY" "$saved"
    fi
  else
    saved=none
  fi
  restore_policy() {
    case "$saved" in
      "") ;;
      none) rm -f "$POLICY" ;;
      *) cp -p "$saved" "$POLICY" && rm -f "$saved" ;;
    esac
  }
  trap restore_policy EXIT
  if [ -n "$saved" ]; then
    printf '#!/bin/sh\n# jnetfs docker/engine.sh: no service starts while docker.io is installed\nexit 101\n' >"$POLICY"
    chmod 755 "$POLICY"
  fi
  say "installing docker.io (services kept from starting by $POLICY)"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-cache show docker.io >/dev/null 2>&1; then
    timeout 300 apt-get update -qq || true
  fi
  local rc=0
  timeout 600 apt-get install -y -qq --no-install-recommends docker.io >/dev/null || rc=$?
  restore_policy
  trap - EXIT
  [ $rc = 0 ] || fail "apt-get install docker.io failed (exit $rc)"
  command -v dockerd >/dev/null || fail "docker.io is installed but there is no dockerd"
}

start() {
  if answers "${DOCKER_HOST:-}"; then
    say "an engine already answers at ${DOCKER_HOST:-the default socket}; nothing to do"
    return 0
  fi
  if ours_running; then
    say "already running: pid $(cat "$PIDFILE"), DOCKER_HOST=unix://$SOCK"
    return 0
  fi
  [ "$(id -u)" = 0 ] || fail "no engine answers and this is not root: cannot start dockerd"
  command -v dockerd >/dev/null || install_docker_io
  command -v docker >/dev/null || fail "no docker client on PATH"
  if [ -d "$ENGINE_DIR" ]; then
    stop # what a run of ours that was not stopped left
  fi
  mkdir -p -m 0700 "$ENGINE_DIR"
  # our own config file: /etc/docker/daemon.json, whatever it says, is not read, and the daemon's
  # identity key goes under $ENGINE_DIR instead of /etc/docker/key.json
  printf '{ "deprecated-key-path": "%s" }\n' "$ENGINE_DIR/key.json" >"$ENGINE_DIR/daemon.json"
  say "starting dockerd under $ENGINE_DIR (loopback only: --bridge=none, no iptables, no forwarding)"
  # Any registry request dockerd might be asked to make (a pull) goes to a proxy on 127.0.0.1:9, where
  # nothing listens: it is refused at once and the daemon never looks up or reaches another host.
  env -u NO_PROXY -u no_proxy \
    HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 \
    setsid dockerd \
    --config-file "$ENGINE_DIR/daemon.json" \
    --data-root "$ENGINE_DIR/data" \
    --exec-root "$ENGINE_DIR/exec" \
    --pidfile "$PIDFILE" \
    --host "unix://$SOCK" \
    --bridge=none --iptables=false --ip6tables=false --ip-masq=false --ip-forward=false \
    --userland-proxy=false \
    --cgroup-parent="$CGROUP_PARENT" \
    </dev/null >"$LOG" 2>&1 &
  local pid=$!
  local waited=0
  until answers "unix://$SOCK"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$LOG" >&2 || true
      stop
      fail "dockerd exited during start (log above)"
    fi
    if [ $waited -ge 60 ]; then
      tail -n 20 "$LOG" >&2 || true
      stop
      fail "dockerd did not answer within 60 s (log above)"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  say "dockerd pid $(cat "$PIDFILE") answers at unix://$SOCK after ${waited} s"
}

# pids of engine processes (dockerd, containerd, its shims, runc) whose command line names our directory
leftovers() {
  local p exe
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    case "${exe##*/}" in
      dockerd | containerd | containerd-shim* | runc) ;;
      *) continue ;;
    esac
    if tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF "$ENGINE_DIR/"; then
      echo "${p#/proc/}"
    fi
  done
}

# mount points under our directory, deepest first (mountinfo field 5)
mounts_under() {
  awk -v d="$ENGINE_DIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

stop() {
  if [ ! -d "$ENGINE_DIR" ]; then
    say "nothing to stop (no $ENGINE_DIR)"
    return 0
  fi
  if [ -f "$PIDFILE" ]; then
    local pid
    pid=$(cat "$PIDFILE")
    if kill -0 "$pid" 2>/dev/null; then
      local ids
      ids=$(DOCKER_HOST="unix://$SOCK" timeout 20 docker ps -aq 2>/dev/null || true)
      if [ -n "$ids" ]; then
        # shellcheck disable=SC2086
        DOCKER_HOST="unix://$SOCK" timeout 60 docker rm -f $ids >/dev/null 2>&1 || true
      fi
      kill -TERM "$pid" 2>/dev/null || true
      local i
      for i in $(seq 1 30); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 1
      done
      if kill -0 "$pid" 2>/dev/null; then
        say "dockerd $pid did not stop within 30 s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 1
      fi
      say "dockerd $pid stopped"
    fi
  fi
  local p
  for p in $(leftovers); do
    say "ending leftover process $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-120)"
    kill -KILL "$p" 2>/dev/null || true
  done
  local m
  for m in $(mounts_under); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || say "could not unmount $m"
  done
  if [ -n "$(mounts_under)" ]; then
    fail "mounts left under $ENGINE_DIR: $(mounts_under | tr '\n' ' ')"
  fi
  local c
  for c in /sys/fs/cgroup/"$CGROUP_PARENT" /sys/fs/cgroup/*/"$CGROUP_PARENT"; do
    if [ -d "$c" ]; then
      rmdir "$c" 2>/dev/null || say "could not remove cgroup $c"
    fi
  done
  rm -rf "$ENGINE_DIR"
  say "cleaned up $ENGINE_DIR"
}

env_() {
  if ours_running; then
    echo "export DOCKER_HOST=unix://$SOCK"
  fi
}

status() {
  if ours_running; then
    say "ours: dockerd pid $(cat "$PIDFILE"), DOCKER_HOST=unix://$SOCK"
  elif answers "${DOCKER_HOST:-}"; then
    say "an engine answers at ${DOCKER_HOST:-the default socket} (not ours)"
  else
    say "no engine answers"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) env_ ;;
  status) status ;;
  *) echo "usage: $0 start|stop|env|status" >&2; exit 2 ;;
esac
