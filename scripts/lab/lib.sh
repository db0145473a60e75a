# shellcheck shell=bash
# Shared helpers for the real-services lab (sourced by up.sh, down.sh, ctl.sh, record.sh).
# Every daemon runs in the foreground under `setsid`, so `$!` is the daemon's own PID; that PID is written to
# $LAB_DIR/pids/<name>.pid and is the only handle down.sh/ctl.sh ever use (never a kill by process name).
# Each daemon's environment carries SLURM_LAB_MARKER=$LAB_DIR so a recycled PID is never mistaken for ours.

LAB_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LAB_DIR="$LAB_REPO/.lab"
LAB_ETC="$LAB_DIR/etc"
LAB_LOG="$LAB_DIR/log"
LAB_PIDS="$LAB_DIR/pids"
LAB_RUN="$LAB_DIR/run"
export SLURM_CONF="$LAB_ETC/slurm.conf"

LAB_HOST="$(hostname -s)"
LAB_SLURMRESTD_PORT="${LAB_SLURMRESTD_PORT:-6820}"
LAB_PUSHGATEWAY_PORT=9091
LAB_PROMETHEUS_PORT=9090
LAB_MARIADB_PORT=3306
LAB_NODES_UP=(n1 n2 n3 n4)
LAB_TOKEN_USER="${LAB_TOKEN_USER:-labuser}"
LAB_TOKEN_LIFESPAN="${LAB_TOKEN_LIFESPAN:-604800}"
LAB_USERS=(labuser alice bob)
LAB_NO_DBD="${LAB_NO_DBD:-0}"

lab_t0=${lab_t0:-$SECONDS}
log() { printf '[lab %3ds] %s\n' "$((SECONDS - lab_t0))" "$*" >&2; }
die() {
  printf '[lab] ERROR: %s\n' "$*" >&2
  exit 1
}

# The daemons this lab knows, in start order. slurmd instances are named slurmd-n1..n4.
lab_daemons() {
  echo munged
  if [ "$LAB_NO_DBD" != 1 ]; then echo mariadb slurmdbd; fi
  echo slurmctld
  for n in "${LAB_NODES_UP[@]}"; do echo "slurmd-$n"; done
  echo slurmrestd pushgateway prometheus
}

# Expected /proc/PID/comm of each daemon (comm is truncated to 15 characters by the kernel).
lab_comm() {
  case "$1" in
    munged) echo munged ;;
    mariadb) echo mariadbd ;;
    slurmdbd) echo slurmdbd ;;
    slurmctld) echo slurmctld ;;
    slurmd-*) echo slurmd ;;
    slurmrestd) echo slurmrestd ;;
    pushgateway) echo prometheus-push ;;
    prometheus) echo prometheus ;;
    *) return 1 ;;
  esac
}

lab_log_file() { echo "$LAB_LOG/$1.out"; }

# Prints the recorded PID of daemon $1 when that process is still ours (marker + expected comm).
lab_pid() {
  local name=$1 file="$LAB_PIDS/$1.pid" pid comm
  [ -f "$file" ] || return 1
  pid=$(cat "$file")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/environ" ] || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [ "$comm" = "$(lab_comm "$name")" ] || return 1
  { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qxF "SLURM_LAB_MARKER=$LAB_DIR" || return 1
  echo "$pid"
}

lab_running() { lab_pid "$1" >/dev/null; }

# lab_spawn NAME [setpriv args --] CMD...: starts CMD detached in its own session and records its PID.
lab_spawn() {
  local name=$1
  shift
  local out
  out=$(lab_log_file "$name")
  mkdir -p "$LAB_PIDS" "$LAB_LOG"
  env SLURM_LAB_MARKER="$LAB_DIR" SLURM_CONF="$SLURM_CONF" setsid "$@" </dev/null >>"$out" 2>&1 &
  local pid=$!
  echo "$pid" >"$LAB_PIDS/$name.pid"
  # Give exec a moment so a binary that dies at once is reported here rather than by the readiness wait.
  sleep 0.3
  if ! kill -0 "$pid" 2>/dev/null; then
    tail -n 20 "$out" >&2
    die "$name exited immediately (see $out)"
  fi
}

# lab_wait NAME TIMEOUT_S LOGFILE PROBE...: polls PROBE (a command or shell function) until it succeeds,
# bounded by wall-clock time; fails naming the daemon and its log when the daemon died or time ran out.
lab_wait() {
  local name=$1 timeout=$2 logfile=$3
  shift 3
  local start=$SECONDS
  while ((SECONDS - start < timeout)); do
    if "$@" >/dev/null 2>&1; then
      log "$name ready ($((SECONDS - start))s)"
      return 0
    fi
    if [ -f "$LAB_PIDS/$name.pid" ] && ! lab_running "$name"; then
      tail -n 20 "$logfile" >&2 2>/dev/null
      die "$name died during start-up; see $logfile"
    fi
    sleep 0.5
  done
  tail -n 20 "$logfile" >&2 2>/dev/null
  die "$name did not become ready within ${timeout}s; see $logfile"
}

# Stops one daemon by its recorded PID: TERM, bounded wait, then KILL of that PID only.
lab_stop() {
  local name=$1 pid i
  pid=$(lab_pid "$name") || {
    rm -f "$LAB_PIDS/$name.pid"
    return 0
  }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    # A zombie has exited; it cannot be reaped here because it is not our child.
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; then
    log "$name (pid $pid) ignored SIGTERM for 20s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$LAB_PIDS/$name.pid"
  log "stopped $name (pid $pid)"
}

lab_curl_ok() { curl -fsS -o /dev/null --max-time 5 "$1"; }

# ---- readiness probes -------------------------------------------------------------------------------------
probe_munge() { timeout 5 munge -n </dev/null | timeout 5 unmunge >/dev/null; }
probe_mariadb() { timeout 5 mariadb --no-defaults -S "$LAB_DIR/mysql/run/mysqld.sock" -u root -e 'select 1'; }
probe_slurmdbd() { timeout 10 sacctmgr -n -P show cluster format=cluster; }
probe_slurmctld() { timeout 10 scontrol ping | grep -q 'is UP'; }
# slurmd is ready when slurmctld sees the node responding (compact state without `*`, not unknown/down).
probe_slurmd() {
  local st
  st=$(timeout 10 sinfo -h -N -n "$1" -o '%t' | head -n1) || return 1
  [ -n "$st" ] && [[ $st != *'*' ]] && [[ $st != unk* ]] && [[ $st != down* ]]
}
probe_slurmrestd() {
  local tok
  tok=$(lab_token "$LAB_TOKEN_USER" 300) || return 1
  curl -fsS -o /dev/null --max-time 5 -H "X-SLURM-USER-NAME: $LAB_TOKEN_USER" -H "X-SLURM-USER-TOKEN: $tok" \
    "http://127.0.0.1:$LAB_SLURMRESTD_PORT/slurm/v0.0.38/ping"
}
probe_pushgateway() { lab_curl_ok "http://127.0.0.1:$LAB_PUSHGATEWAY_PORT/-/ready"; }
probe_prometheus() { lab_curl_ok "http://127.0.0.1:$LAB_PROMETHEUS_PORT/-/ready"; }

# Prints a JWT for user $1 (lifespan $2 seconds); `scontrol token` prints SLURM_JWT=<token>.
lab_token() {
  local out
  out=$(timeout 10 scontrol token "username=$1" "lifespan=$2" 2>/dev/null) || return 1
  out=${out#SLURM_JWT=}
  [ -n "$out" ] || return 1
  echo "$out"
}

# ---- daemon start functions (used by up.sh and ctl.sh) ------------------------------------------------------
start_munged() {
  lab_spawn munged setpriv --reuid=munge --regid=munge --init-groups -- \
    munged -F --key-file="$LAB_DIR/munge/munge.key" --log-file="$LAB_DIR/munge/munged.log" \
    --pid-file="$LAB_DIR/munge/munged.pid" --seed-file="$LAB_DIR/munge/munged.seed"
  lab_wait munged 20 "$(lab_log_file munged)" probe_munge
}

start_mariadb() {
  lab_spawn mariadb mariadbd --no-defaults --user=mysql --datadir="$LAB_DIR/mysql/data" \
    --bind-address=127.0.0.1 --port="$LAB_MARIADB_PORT" --socket="$LAB_DIR/mysql/run/mysqld.sock" \
    --pid-file="$LAB_DIR/mysql/run/mysqld.pid" --log-error="$LAB_LOG/mariadb.log" --skip-name-resolve
  lab_wait mariadb 60 "$LAB_LOG/mariadb.log" probe_mariadb
}

start_slurmdbd() {
  lab_spawn slurmdbd slurmdbd -D
  lab_wait slurmdbd 60 "$LAB_LOG/slurmdbd.log" probe_slurmdbd
}

start_slurmctld() {
  lab_spawn slurmctld slurmctld -D
  lab_wait slurmctld 60 "$LAB_LOG/slurmctld.log" probe_slurmctld
}

start_slurmd() {
  local n=$1
  mkdir -p "$LAB_DIR/slurm/spool/$n"
  lab_spawn "slurmd-$n" slurmd -D -N "$n"
  lab_wait "slurmd-$n" 60 "$LAB_LOG/slurmd-$n.log" probe_slurmd "$n"
}

start_slurmrestd() {
  lab_spawn slurmrestd env SLURM_JWT=daemon slurmrestd -a rest_auth/jwt -s "$(lab_openapi_plugins)" \
    -u slurmrest -g slurmrest "127.0.0.1:$LAB_SLURMRESTD_PORT"
  lab_wait slurmrestd 60 "$(lab_log_file slurmrestd)" probe_slurmrestd
}

lab_openapi_plugins() {
  local p=openapi/v0.0.36,openapi/v0.0.37,openapi/v0.0.38
  if [ "$LAB_NO_DBD" != 1 ]; then p="$p,openapi/dbv0.0.36,openapi/dbv0.0.37,openapi/dbv0.0.38"; fi
  echo "$p"
}

start_pushgateway() {
  lab_spawn pushgateway setpriv --reuid=prometheus --regid=prometheus --init-groups -- \
    prometheus-pushgateway --web.listen-address="127.0.0.1:$LAB_PUSHGATEWAY_PORT" \
    --persistence.file="$LAB_DIR/pushgateway/pushgateway.data" --persistence.interval=1s --web.enable-admin-api
  lab_wait pushgateway 30 "$(lab_log_file pushgateway)" probe_pushgateway
}

start_prometheus() {
  lab_spawn prometheus setpriv --reuid=prometheus --regid=prometheus --init-groups -- \
    prometheus --config.file="$LAB_ETC/prometheus.yml" --storage.tsdb.path="$LAB_DIR/prometheus/data" \
    --storage.tsdb.retention.time=2d --web.listen-address="127.0.0.1:$LAB_PROMETHEUS_PORT" \
    --web.enable-remote-write-receiver --web.enable-admin-api
  lab_wait prometheus 60 "$(lab_log_file prometheus)" probe_prometheus
}

# Starts daemon NAME (as listed by lab_daemons) unless it is already running.
lab_start() {
  local name=$1
  if lab_running "$name"; then return 0; fi
  log "starting $name"
  case "$name" in
    slurmd-*) start_slurmd "${name#slurmd-}" ;;
    *) "start_$name" ;;
  esac
}
