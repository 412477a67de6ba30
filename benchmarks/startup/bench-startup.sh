#!/usr/bin/env bash
# The start-up benchmark of the jnetfs command (issue 24): whole processes, bin/jnetfs side by side with
# diod's C tools in the same hyperfine run, against one diod on 127.0.0.1 exporting a temporary directory:
#
#   --help             bin/jnetfs --help                     diodcat -h (usage, exit 1)
#   small cat          bin/jnetfs --no-cache cat of 3 bytes  diodcat of the same file
#   stat               bin/jnetfs stat                        diodls -l of the same file
#   ls                 bin/jnetfs ls of a 3-entry directory   diodls of it
#   cat 1 GiB          bin/jnetfs --no-cache cat > /dev/null  diodcat > /dev/null (both with msize 1 MiB asked)
#
# then `bin/jnetfs demo` (its write, cold and warm phases, MiB/s) a few times. Prints medians with the
# range (min..max) and the CPU seconds (user+sys, mean), and the jnetfs/diod ratio of each pair, and
# keeps hyperfine's JSON and the table in benchmarks/results/startup-TIMESTAMP.{json,md}.
#
# bin/jnetfs runs as `make build` left it (with its AOT cache when it matches; JNETFS_AOT=0 without).
# Needs hyperfine, diod, diodcat and diodls (Debian: apt-get install hyperfine diod).
#
# Usage: benchmarks/startup/bench-startup.sh [--runs N] [--big-runs N] [--big SIZE] [--demo-runs N] [--quick]
#   --quick: 3 runs, a 256 MiB file, one demo of 64 MiB (a check that it works, about a minute)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
runs=10
big_runs=5
big=1G
demo_runs=3
demo_size=256M
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --big-runs) big_runs=$2; shift 2 ;;
    --big) big=$2; shift 2 ;;
    --demo-runs) demo_runs=$2; shift 2 ;;
    --demo-size) demo_size=$2; shift 2 ;;
    --quick) runs=3; big_runs=2; big=256M; demo_runs=1; demo_size=64M; shift ;;
    *) echo "bench-startup: unknown argument $1" >&2; exit 1 ;;
  esac
done
for tool in hyperfine diod diodcat diodls jq; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || {
    echo "bench-startup: $tool is missing (Debian: apt-get install hyperfine diod jq)" >&2; exit 1; }
done
PATH=$PATH:/usr/sbin
jnetfs=$root/bin/jnetfs
[ -f "$root/cli/target/jnetfs.jar" ] || { echo "bench-startup: run make build first" >&2; exit 1; }

tmp=$(mktemp -d /tmp/jnetfs-startup-bench.XXXXXX)
diod_pid=""
cleanup() {
  [ -n "$diod_pid" ] && kill "$diod_pid" 2>/dev/null && wait "$diod_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
export_dir=$tmp/export
mkdir -p "$export_dir/dir" "$tmp/cache"
printf 'abc' > "$export_dir/small"
touch "$export_dir/dir/a" "$export_dir/dir/b" "$export_dir/dir/c"
head -c "$big" /dev/zero > "$export_dir/big"

port=$(( 20000 + RANDOM % 20000 ))
diod -f -n -l "127.0.0.1:$port" -e "$export_dir" -c /dev/null -u "$(id -u)" -L stderr 2> "$tmp/diod.log" &
diod_pid=$!
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
url=9p://127.0.0.1:$port
j="$jnetfs --aname $export_dir --cache $tmp/cache"
d="-s 127.0.0.1:$port -a $export_dir"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$root/benchmarks/results"
out=$root/benchmarks/results/startup-$stamp
echo "bench-startup: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java_home=$("$root/.ci/find-jdk"); \
  sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/JDK \1/p' "$java_home/release"), AOT cache: $( \
  [ -f "$root/cli/target/jnetfs.aot" ] && [ "${JNETFS_AOT:-1}" != 0 ] && echo yes || echo no)"

bench() { # NAME RUNS JNETFS-COMMAND C-COMMAND [HYPERFINE-OPTION...]
  local name=$1 n=$2 jcmd=$3 ccmd=$4
  shift 4
  # -N: no shell between hyperfine and the command; the commands' stdout goes to /dev/null
  hyperfine -N --style none --warmup 1 --runs "$n" --export-json "$tmp/$name.json" \
    -n jnetfs "$jcmd" -n diod "$ccmd" "$@" > /dev/null
}
# the 1 GiB cat also with C1 alone (JNETFS_JIT=c1), third in the same run: whether C2 pays for itself
# within the first GiB on this machine
bench help "$runs" "$j --help" "diodcat -h" -i # diodcat -h prints its usage and exits 1
bench small-cat "$runs" "$j --no-cache cat $url/small" "diodcat $d small"
bench stat "$runs" "$j stat $url/small" "diodls -l $d small"
bench ls "$runs" "$j ls $url/dir" "diodls $d dir"
bench cat-big "$big_runs" "$j --no-cache --msize 1M cat $url/big" "diodcat -m 1048576 $d big" \
  -n "jnetfs C1 only" "env JNETFS_JIT=c1 $j --no-cache --msize 1M cat $url/big"

{
  echo "| what | jnetfs median (range) s | jnetfs CPU s | diod tool median (range) s | diod CPU s | jnetfs / diod |"
  echo "|---|---|---|---|---|---|"
  for name in help small-cat stat ls cat-big; do
    jq -r --arg name "$name" '
      def f: (. * 1000 | round) / 1000 | tostring;
      (.results[1]) as $c | .results[0:1] + .results[2:] | .[] | . as $j |
      "| \($name)\(if $j.command == "jnetfs" then "" else " (" + $j.command + ")" end) | \($j.median | f) (\($j.min | f)..\($j.max | f)) | \(($j.user + $j.system) | f) | \($c.median | f) (\($c.min | f)..\($c.max | f)) | \(($c.user + $c.system) | f) | \(($j.median / $c.median * 100 | round) / 100)x |"' \
      "$tmp/$name.json"
  done
} > "$out.md"
jq -s 'map({(.results[0].command): .results})' "$tmp"/*.json > "$out.json"

# make demo's phases, as `make demo` runs them (the demo starts its own jnetfs serve)
for i in $(seq "$demo_runs"); do
  "$jnetfs" demo --size "$demo_size" | awk '$1 ~ /^(write|cold|warm)$/ {print $1, $2}'
done > "$tmp/demo.txt"
{
  echo
  echo "| demo phase ($demo_size, $demo_runs runs) | median MiB/s | range MiB/s |"
  echo "|---|---|---|"
  for phase in write cold warm; do
    awk -v p="$phase" '$1 == p {print $2}' "$tmp/demo.txt" | sort -n | awk -v p="$phase" '
      {v[NR] = $1} END {if (NR) printf "| %s | %.0f | %.0f..%.0f |\n", p, v[int((NR + 1) / 2)], v[1], v[NR]}'
  done
} >> "$out.md"
cat "$out.md"
echo "bench-startup: $out.md, $out.json"
