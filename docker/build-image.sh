#!/usr/bin/env bash
# Builds the diod image for the container-mode tests (default tag jnetfs/diod:bookworm) in the engine
# that DOCKER_HOST names, without pulling anything from a registry:
#
#   docker/build-image.sh              offline: debootstrap --variant=minbase --include=diod bookworm from the
#                                      Debian archive apt already uses (read from the apt sources), then
#                                      docker import with diod as the entrypoint
#   docker/build-image.sh --dockerfile  docker build of docker/Dockerfile (pulls debian:bookworm-slim), for
#                                      runners that can pull
#   --force                            rebuild even when the image is there
#
# Either way the image runs `diod ARGS...`; the tests start it with host networking on 127.0.0.1 only.
set -euo pipefail

IMAGE=${JNETFS_DIOD_IMAGE:-jnetfs/diod:bookworm}
SUITE=bookworm
HERE=$(cd "$(dirname "$0")" && pwd)
use_dockerfile=false
force=false
for a in "$@"; do
  case "$a" in
    --dockerfile) use_dockerfile=true ;;
    --force) force=true ;;
    *) echo "usage: $0 [--dockerfile] [--force]" >&2; exit 2 ;;
  esac
done

say() { echo "image: $*"; }
fail() { echo "image: $*" >&2; exit 1; }

timeout 10 docker info >/dev/null 2>&1 || fail "no Docker engine answers (DOCKER_HOST=${DOCKER_HOST:-unset}); docker/engine.sh start provides one"
if ! $force && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  say "$IMAGE is there"
  exit 0
fi

if $use_dockerfile; then
  docker build -t "$IMAGE" "$HERE"
  exit 0
fi

# The first Debian archive apt uses for the main suite: a deb822 stanza (URIs:, Suites:) in
# /etc/apt/sources.list.d/*.sources, else a one-line `deb URI SUITE ...` entry. A stanza or line that
# names bookworm wins; any plain suite (not -security, -updates, ...) serves as well. Prints "URI KEYRING".
apt_mirror() {
  local f
  {
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -r "$f" ] || continue
      awk '
        function flush() {
          if (uris != "" && types ~ /(^| )deb( |$)/) {
            n = split(suites, s, " ")
            for (i = 1; i <= n; i++) {
              if (s[i] == "bookworm") print 0, uris, keyring
              else if (s[i] !~ /[-\/]/) print 1, uris, keyring
            }
          }
          uris = ""; suites = ""; types = ""; keyring = "-"
        }
        BEGIN { keyring = "-" }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { flush(); next }
        tolower($1) == "types:" { $1 = ""; types = $0 }
        tolower($1) == "uris:" { uris = $2 }
        tolower($1) == "suites:" { $1 = ""; suites = $0 }
        tolower($1) == "signed-by:" && $2 ~ /^\// { keyring = $2 }
        END { flush() }
      ' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [ -r "$f" ] || continue
      awk '
        $1 == "deb" {
          i = 2; keyring = "-"
          if ($i ~ /^\[/) {
            for (; i <= NF; i++) {
              if ($i ~ /signed-by=\//) { k = $i; sub(/.*signed-by=/, "", k); sub(/\]$/, "", k); keyring = k }
              if ($i ~ /\]$/) { i++; break }
            }
          }
          uri = $i; suite = $(i + 1)
          if (suite == "bookworm") print 0, uri, keyring
          else if (suite !~ /[-\/]/) print 1, uri, keyring
        }
      ' "$f"
    done
  } | awk '$2 ~ /^(https?|file):/' | sort -s -k1,1n | head -n 1 | cut -d' ' -f2-
}

[ "$(id -u)" = 0 ] || fail "debootstrap needs root"
if ! command -v debootstrap >/dev/null; then
  command -v apt-get >/dev/null || fail "no debootstrap and no apt-get to install it"
  say "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq --no-install-recommends debootstrap >/dev/null \
    || fail "apt-get install debootstrap failed"
fi
read -r mirror keyring < <(apt_mirror) || true
[ -n "${mirror:-}" ] || fail "no Debian archive found in the apt sources"
# apt's proxy, if it has one, is debootstrap's too
eval "$(apt-config shell http_proxy Acquire::http::Proxy)"
if [ -n "${http_proxy:-}" ]; then
  export http_proxy
fi
keyring_opt=()
if [ "$keyring" != "-" ] && [ -r "$keyring" ]; then
  keyring_opt=(--keyring="$keyring")
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/jnetfs-diod-rootfs.XXXXXX")
cleanup() {
  local m
  # debootstrap mounts proc and sys in the target while it works; a failed run can leave them
  for m in $(awk -v d="$root/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  rm -rf "$root"
}
trap cleanup EXIT

say "debootstrap --variant=minbase --include=diod $SUITE from the apt archive $mirror"
t0=$SECONDS
if ! timeout 900 debootstrap --variant=minbase --include=diod "${keyring_opt[@]}" "$SUITE" "$root" "$mirror" \
    >"$root.log" 2>&1; then
  tail -n 20 "$root.log" >&2 || true
  rm -f "$root.log"
  fail "debootstrap failed (log above)"
fi
rm -f "$root.log"
[ -x "$root/usr/sbin/diod" ] || fail "the debootstrapped root has no /usr/sbin/diod"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc "$root"/usr/share/man
say "debootstrap took $((SECONDS - t0)) s; importing as $IMAGE"
tar --numeric-owner -C "$root" -c . \
  | docker import --change 'ENTRYPOINT ["/usr/sbin/diod"]' --message "debootstrap minbase $SUITE + diod" - "$IMAGE" >/dev/null
say "$IMAGE built ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
