#!/usr/bin/env bash
# Stops or starts one lab daemon by its recorded PID, for fault-injection tests:
#   scripts/lab/ctl.sh stop|start|restart|status slurmctld|slurmrestd|pushgateway|prometheus|slurmdbd|slurmd-n1..n4
# `start` waits until the daemon answers; slurmctld restarts from its saved state (jobs survive), and the
# Pushgateway keeps its groups through its persistence file.
set -euo pipefail
lab_t0=$SECONDS
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

usage() { die "usage: $0 stop|start|restart|status <daemon> (one of: $(lab_daemons | paste -sd' '))"; }
[ $# = 2 ] || usage
action=$1 name=$2
[ -f "$LAB_DIR/no-dbd" ] && LAB_NO_DBD=$(cat "$LAB_DIR/no-dbd")
[[ " $(lab_daemons | tr '\n' ' ') " == *" $name "* ]] || usage
[ -f "$LAB_DIR/.slurm-lab" ] || die "no lab in $LAB_DIR: run scripts/lab/up.sh first"

case "$action" in
  stop) lab_stop "$name" ;;
  start) lab_start "$name" ;;
  restart)
    lab_stop "$name"
    lab_start "$name"
    ;;
  status)
    if pid=$(lab_pid "$name"); then
      echo "$name running (pid $pid)"
    else
      echo "$name stopped"
      exit 3
    fi
    ;;
  *) usage ;;
esac
