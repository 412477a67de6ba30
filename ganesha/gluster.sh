#!/usr/bin/env bash
# The scale-out path of issue 25, on one machine: a single-brick GlusterFS volume, NFS-Ganesha serving it
# over 9P (FSAL_GLUSTER), and jnetfs as the client: `jnetfs cp/cat/ls` through 9P, and the netfs suite
# (NetfsGaneshaGlusterTest), the bytes checked through Gluster's own client (its FUSE mount).
#
#   ganesha/gluster.sh test            everything, in a network namespace of its own (unshare --net, lo
#                                      only) and a mount namespace of its own whose /run and
#                                      /var/log/glusterfs are private tmpfs (Gluster's sockets, pid files and
#                                      logs never reach the machine's, nor a system glusterd's), cleaned up
#                                      at the end; exit code 0 when every check passed
#   ganesha/gluster.sh start DIR       (inside such a namespace) glusterd, volume gv0 on DIR/brick, the
#                                      FUSE mount DIR/mnt, Ganesha on 127.0.0.1:5640; prints the settings
#   ganesha/gluster.sh stop DIR        (the same namespace) undoes start and removes DIR
#
# Network rule: glusterd, the brick and Ganesha's 9P listener bind every interface, so they run only in a
# namespace that has nothing but lo; `start` refuses anywhere else. Needs root (mount, glusterd), the
# packages glusterfs-server, glusterfs-client, nfs-ganesha and nfs-ganesha-gluster, and for `test` a built
# tree (make build: bin/jnetfs, the installed test jars).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VOLUME=gv0
PORT=5640
TAG=jnetfs

say() { echo "gluster.sh: $*" >&2; }
die() {
  say "$*"
  if [ -n "${RUN_DIR:-}" ]; then
    tail -n 15 "$RUN_DIR"/log/*.log /var/log/glusterfs/*.log /var/log/glusterfs/bricks/*.log 2>/dev/null >&2 || true
  fi
  exit 1
}

only_lo() {
  local names
  names=$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/self/net/dev | sort | tr '\n' ' ')
  [ "$names" = "lo " ] && return 0
  say "this network namespace has: $names(/proc/self/net/dev); glusterd and Ganesha bind every interface:" \
      "run inside a namespace with nothing but lo (ganesha/gluster.sh test does that itself)"
  return 1
}

# A host name for this machine that resolves to 127.0.0.1: the gluster CLI refuses the literal address.
# (getent hosts, not ahostsv4: getaddrinfo's AI_ADDRCONFIG finds no address in a namespace with only lo)
brick_host() {
  local h
  for h in "$(hostname)" localhost; do
    if [ "$(getent hosts "$h" | awk 'NR == 1 { print $1 }')" = 127.0.0.1 ]; then
      echo "$h"
      return
    fi
  done
  die "no host name resolves to 127.0.0.1 (add one to /etc/hosts)"
}

start() {
  local dir=$1
  only_lo || exit 1
  [ "$(id -u)" = 0 ] || die "needs root (glusterd, mount -t glusterfs)"
  for b in glusterd gluster ganesha.nfsd; do command -v $b >/dev/null || die "$b is not installed (apt-get install glusterfs-server nfs-ganesha nfs-ganesha-gluster)"; done
  [ -e /usr/lib/x86_64-linux-gnu/ganesha/libfsalgluster.so ] || die "FSAL_GLUSTER is not installed (apt-get install nfs-ganesha-gluster)"
  ip link set lo up
  mkdir -p "$dir"/{glusterd,brick,mnt,log,recovery}
  cat > "$dir/glusterd.vol" <<EOF
volume management
    type mgmt/glusterd
    option working-directory $dir/glusterd
    option transport-type socket
    option transport.socket.bind-address 127.0.0.1
    option transport.socket.listen-port 24007
    option ping-timeout 0
    option event-threads 1
end-volume
EOF
  glusterd -f "$dir/glusterd.vol" -p "$dir/glusterd.pid" -l "$dir/log/glusterd.log" --log-level=WARNING
  local i
  for i in $(seq 100); do gluster --mode=script peer status >/dev/null 2>&1 && break; sleep 0.1; done
  local host
  host=$(brick_host)
  gluster --mode=script volume create $VOLUME "$host:$dir/brick" force >&2
  gluster --mode=script volume start $VOLUME >&2
  for i in $(seq 100); do mount -t glusterfs 127.0.0.1:/$VOLUME "$dir/mnt" 2>/dev/null && break; sleep 0.1; done
  mountpoint -q "$dir/mnt" || die "mount -t glusterfs 127.0.0.1:/$VOLUME failed"
  cat > "$dir/ganesha.conf" <<EOF
NFS_CORE_PARAM { Protocols = 9P; Enable_NLM = false; Enable_RQUOTA = false; Enable_UDP = false; }
NFSV4 { Graceless = true; RecoveryBackend = fs; RecoveryRoot = "$dir/recovery"; }
_9P { _9P_TCP_Port = $PORT; _9P_TCP_Msize = 65536; }
EXPORT {
    Export_Id = 1; Path = "/$VOLUME"; Pseudo = "/$TAG"; Tag = "$TAG"; Protocols = 9P;
    Access_Type = RW; Squash = No_Root_Squash; SecType = sys;
    FSAL { Name = GLUSTER; Hostname = "127.0.0.1"; Volume = "$VOLUME"; }
}
LOG { Default_Log_Level = EVENT; }
EOF
  ganesha.nfsd -F -L "$dir/log/ganesha.log" -f "$dir/ganesha.conf" -p "$dir/ganesha.pid" &
  echo $! > "$dir/ganesha.child"
  for i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
  (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null || { tail -20 "$dir/log/ganesha.log" >&2; die "Ganesha did not listen on $PORT"; }
  echo "JNETFS_GLUSTER_VOLUME=$VOLUME JNETFS_GLUSTER_MOUNT=$dir/mnt JNETFS_GLUSTER_GANESHA=127.0.0.1:$PORT aname=$TAG"
}

stop() {
  local dir=$1
  [ -d "$dir" ] || return 0
  if [ -f "$dir/ganesha.child" ]; then
    kill "$(cat "$dir/ganesha.child")" 2>/dev/null || true
    sleep 0.5
    kill -9 "$(cat "$dir/ganesha.child")" 2>/dev/null || true
  fi
  mountpoint -q "$dir/mnt" && umount -l "$dir/mnt"
  if [ -f "$dir/glusterd.pid" ]; then
    gluster --mode=script volume stop $VOLUME force >/dev/null 2>&1 || true
    gluster --mode=script volume delete $VOLUME >/dev/null 2>&1 || true
    kill "$(cat "$dir/glusterd.pid")" 2>/dev/null || true
  fi
  # the brick process (glusterfsd) of this volume, if the volume stop left it
  local b
  for b in /var/run/gluster/vols/$VOLUME/*.pid; do
    [ -f "$b" ] && kill "$(cat "$b")" 2>/dev/null || true
  done
  rm -rf "$dir"
}

# The checks, inside the namespace: jnetfs cp/ls/cat through Ganesha/GLUSTER, each byte compared through
# Gluster's FUSE mount, then the netfs suite against the same volume.
inside() {
  local t0=$SECONDS
  RUN_DIR=$(mktemp -d /tmp/jnetfs-gluster-XXXXXX)
  trap 'stop "$RUN_DIR"' EXIT
  local dir=$RUN_DIR
  start "$dir" > "$dir/settings"
  local mnt=$dir/mnt j=(bin/jnetfs --aname $TAG --no-cache -q) url=9p://127.0.0.1:$PORT
  say "gluster + ganesha up in $((SECONDS - t0)) s: $(cat "$dir/settings")"
  local src=$dir/src
  mkdir -p "$src/tree/sub"
  head -c 5000000 /dev/urandom > "$src/big.bin"
  echo "through 9P into GlusterFS" > "$src/tree/a.txt"
  head -c 70000 /dev/urandom > "$src/tree/sub/b.bin"
  "${j[@]}" cp "$src/big.bin" "$url/big.bin"
  "${j[@]}" cp -r "$src/tree" "$url/"
  cmp "$src/big.bin" "$mnt/big.bin" || die "big.bin differs through Gluster's own client"
  diff -r "$src/tree" "$mnt/tree" || die "the tree differs through Gluster's own client"
  head -c 300000 /dev/urandom > "$mnt/from-gluster.bin"
  "${j[@]}" cat "$url/from-gluster.bin" | cmp - "$mnt/from-gluster.bin" || die "jnetfs cat differs from what Gluster wrote"
  "${j[@]}" cp "$url/from-gluster.bin" "$dir/back.bin"
  cmp "$dir/back.bin" "$mnt/from-gluster.bin" || die "jnetfs cp from 9P differs"
  "${j[@]}" ls "$url/tree" | sort | tr '\n' ' ' | grep -qx "a.txt sub " || die "jnetfs ls tree: $("${j[@]}" ls "$url/tree")"
  say "jnetfs cp/cat/ls through Ganesha/GLUSTER: the bytes match through Gluster's FUSE mount"
  # the netfs suite against the volume, with this Ganesha stopped (the fixture starts its own)
  kill "$(cat "$dir/ganesha.child")"; rm -f "$dir/ganesha.child"
  JNETFS_GLUSTER_VOLUME=$VOLUME JNETFS_GLUSTER_MOUNT=$mnt \
    mvn -B -ntp -o -q -pl p9-netfs test -Djnetfs.require='**' -Dtest=NetfsGaneshaGlusterTest \
      -Dsurefire.failIfNoSpecifiedTests=false
  say "NetfsGaneshaGlusterTest passed; all checks took $((SECONDS - t0)) s"
}

case "${1:-}" in
  start) start "${2:?start DIR}" ;;
  stop) stop "${2:?stop DIR}" ;;
  test)
    [ "$(id -u)" = 0 ] || die "needs root (unshare --net, glusterd, mount)"
    exec unshare --net --mount --propagation private -- "$0" inside ;;
  inside)
    only_lo || exit 1
    ip link set lo up
    # private to this mount namespace, gone with it: /run (glusterd.socket, gluster/, ganesha/) and the logs
    mount -t tmpfs -o mode=0755 jnetfs-gluster-run /run
    mkdir -p /var/log/glusterfs && mount -t tmpfs jnetfs-gluster-log /var/log/glusterfs
    inside ;;
  *) echo "usage: $0 test | start DIR | stop DIR" >&2; exit 2 ;;
esac
