#!/usr/bin/env bash
# Stops exactly the processes scripts/lab/up.sh started, by the PIDs recorded in .lab/pids (never by name):
# first cancels the lab's jobs while slurmctld still runs, then TERM to each daemon newest-first with a bounded
# wait and KILL of that PID only. Job processes left behind by a killed slurmd are found by the
# SLURM_LAB_MARKER=<lab dir> entry up.sh puts in their environment, and killed by PID.
# LAB_PURGE=1 also deletes .lab/ afterwards.
set -uo pipefail
lab_t0=$SECONDS
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || die "down.sh must run as root"
[ -d "$LAB_PIDS" ] || {
  log "no lab state in $LAB_DIR: nothing to stop"
  exit 0
}

if lab_running slurmctld; then
  log "cancelling the lab's jobs"
  # shellcheck disable=SC2046 # one argument per job id
  timeout 10 scancel $(timeout 10 squeue -h -t PENDING,RUNNING,SUSPENDED,CONFIGURING -o '%A' 2>/dev/null) >/dev/null 2>&1 || true
  start=$SECONDS
  while ((SECONDS - start < 15)); do
    [ "$(timeout 5 squeue -h -t RUNNING,COMPLETING 2>/dev/null | wc -l)" = 0 ] && break
    sleep 0.5
  done
fi

# Newest first: the reverse of the start order. Every known name, whatever LAB_NO_DBD was.
for name in prometheus pushgateway slurmrestd slurmd-n4 slurmd-n3 slurmd-n2 slurmd-n1 slurmctld slurmdbd mariadb munged; do
  lab_stop "$name"
done

# Leftovers (a job's slurmstepd or its children) carry the marker in their environment.
for env in /proc/[0-9]*/environ; do
  pid=${env#/proc/}
  pid=${pid%/environ}
  [ "$pid" = $$ ] && continue
  if { tr "\0" "\n" <"$env"; } 2>/dev/null | grep -qxF "SLURM_LAB_MARKER=$LAB_DIR"; then
    log "killing leftover $(cat "/proc/$pid/comm" 2>/dev/null) (pid $pid)"
    kill -KILL "$pid" 2>/dev/null || true
  fi
done

rm -f "$LAB_DIR/env"
if [ "${LAB_PURGE:-0}" = 1 ] && [ -f "$LAB_DIR/.slurm-lab" ]; then
  # Only symlinks that still point into the lab are removed (up.sh never overwrites a real file).
  if [ -f "$LAB_DIR/created-outside.txt" ]; then
    while read -r f; do
      case "$(readlink "$f" 2>/dev/null)" in "$LAB_DIR"/*) rm -f "$f" && log "removed $f" ;; esac
    done <"$LAB_DIR/created-outside.txt"
  fi
  rm -rf "$LAB_DIR"
  log "purged $LAB_DIR"
fi
log "lab down"
