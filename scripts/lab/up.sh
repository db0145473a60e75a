#!/usr/bin/env bash
# Brings up the real-services lab on 127.0.0.1: munge, MariaDB + slurmdbd, slurmctld, four slurmd (n1..n4),
# slurmrestd (JWT), Pushgateway and Prometheus (remote-write receiver), then seeds a small varied workload and
# writes $LAB_DIR/env (SLURM_URL, SLURM_USER, SLURM_TOKEN, SLURM_ROOT_TOKEN, PUSHGATEWAY_URL, PROMETHEUS_URL,
# REMOTE_WRITE_URL, SLURM_CONF, LAB_DIR).
# Idempotent: installs only missing packages, starts only daemons that are not running, re-seeds jobs only when
# none of the lab's jobs is active. Knobs: LAB_NO_DBD=1 (no slurmdbd/MariaDB), LAB_TOKEN_USER,
# LAB_TOKEN_LIFESPAN (seconds), LAB_SLURMRESTD_PORT, LAB_RESEED=1 (cancel and re-seed the workload).
set -euo pipefail
lab_t0=$SECONDS
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || die "up.sh must run as root (it installs packages, creates users and starts daemons)"

PKGS=(munge slurmctld slurmd slurmrestd slurm-client slurm-wlm-jwt-plugin prometheus prometheus-pushgateway curl iproute2)
if [ "$LAB_NO_DBD" != 1 ]; then PKGS+=(slurmdbd mariadb-server); fi

# ---- packages ------------------------------------------------------------------------------------------------
install_packages() {
  local missing=() p
  for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "packages present"
    return 0
  fi
  log "installing: ${missing[*]}"
  # Without policy-rc.d the postinst scripts start munge, mariadb and prometheus (on *:9090) via init.d.
  local created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
  fi
  local rc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  } >"$LAB_DIR/apt.log" 2>&1 || rc=$?
  if [ "$created_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  if [ "$rc" != 0 ]; then
    tail -n 30 "$LAB_DIR/apt.log" >&2
    die "apt-get install failed (exit $rc); see $LAB_DIR/apt.log"
  fi
  log "packages installed"
}

ensure_user() {
  local u=$1
  shift
  id -u "$u" >/dev/null 2>&1 || useradd "$@" "$u"
}

# ---- configuration -------------------------------------------------------------------------------------------
write_slurm_conf() {
  local acct
  if [ "$LAB_NO_DBD" = 1 ]; then
    acct="AccountingStorageType=accounting_storage/none"
  else
    acct="AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=6819
AccountingStorageEnforce=associations"
  fi
  cat >"$LAB_ETC/slurm.conf.new" <<EOF
# Written by scripts/lab/up.sh: a loopback-only lab cluster.
ClusterName=lab
SlurmctldHost=$LAB_HOST(127.0.0.1)
SlurmctldPort=6817
SlurmdPort=6818
SlurmUser=slurm
AuthType=auth/munge
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$LAB_DIR/slurm/statesave/jwt_hs256.key
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
StateSaveLocation=$LAB_DIR/slurm/statesave
SlurmdSpoolDir=$LAB_DIR/slurm/spool/%n
SlurmctldPidFile=$LAB_RUN/slurmctld.pid
SlurmdPidFile=$LAB_RUN/slurmd-%n.pid
SlurmctldLogFile=$LAB_LOG/slurmctld.log
SlurmdLogFile=$LAB_LOG/slurmd-%n.log
SlurmdParameters=config_overrides
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
MinJobAge=3600
KillWait=5
SlurmdTimeout=300
InactiveLimit=0
MailProg=/bin/true
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SchedulerParameters=bf_interval=5
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=100
Licenses=matlab:4,fluent:2
$acct
NodeName=n1 NodeHostname=n1 NodeAddr=127.0.0.1 Port=17001 CPUs=2 RealMemory=2000 State=UNKNOWN
NodeName=n2 NodeHostname=n2 NodeAddr=127.0.0.1 Port=17002 CPUs=2 RealMemory=2000 State=UNKNOWN
NodeName=n3 NodeHostname=n3 NodeAddr=127.0.0.1 Port=17003 CPUs=2 RealMemory=2000 State=UNKNOWN
NodeName=n4 NodeHostname=n4 NodeAddr=127.0.0.1 Port=17004 CPUs=2 RealMemory=2000 State=UNKNOWN
NodeName=n5 NodeHostname=n5 NodeAddr=127.0.0.1 Port=17005 CPUs=2 RealMemory=2000 State=UNKNOWN
NodeName=n6 NodeHostname=n6 NodeAddr=127.0.0.1 Port=17006 CPUs=2 RealMemory=2000 State=FUTURE
PartitionName=debug Nodes=n[1-2] Default=YES MaxTime=1-00:00:00 State=UP
PartitionName=batch Nodes=n[1-6] MaxTime=1-00:00:00 State=UP
EOF
  mv "$LAB_ETC/slurm.conf.new" "$LAB_ETC/slurm.conf"
  chmod 644 "$LAB_ETC/slurm.conf"

  if [ "$LAB_NO_DBD" != 1 ]; then
    # slurmdbd has no -f: it reads slurmdbd.conf next to $SLURM_CONF; it must be owned by SlurmUser, mode 0600.
    cat >"$LAB_ETC/slurmdbd.conf" <<EOF
AuthType=auth/munge
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$LAB_DIR/slurm/statesave/jwt_hs256.key
DbdAddr=127.0.0.1
DbdHost=$LAB_HOST
DbdPort=6819
CommunicationParameters=NoInAddrAny
SlurmUser=slurm
LogFile=$LAB_LOG/slurmdbd.log
PidFile=$LAB_RUN/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$LAB_MARIADB_PORT
StorageUser=slurm
StoragePass=$(cat "$LAB_DIR/mysql/slurm.pass")
StorageLoc=slurm_acct_db
EOF
    chown slurm:slurm "$LAB_ETC/slurmdbd.conf"
    chmod 600 "$LAB_ETC/slurmdbd.conf"
  fi

  # Convenience for people running sinfo/squeue by hand; only when the host has no slurm.conf of its own.
  # Recorded in created-outside.txt (down.sh LAB_PURGE=1 removes it again).
  # A symlink another checkout's lab made (it points at some other `.lab/etc/slurm.conf`) is ours to replace.
  if [ -L /etc/slurm/slurm.conf ] && [ "$(readlink /etc/slurm/slurm.conf)" != "$LAB_ETC/slurm.conf" ] &&
    [[ "$(readlink /etc/slurm/slurm.conf)" == */.lab/etc/slurm.conf ]]; then
    rm -f /etc/slurm/slurm.conf
  fi
  if [ ! -e /etc/slurm/slurm.conf ] && [ ! -L /etc/slurm/slurm.conf ]; then
    mkdir -p /etc/slurm
    ln -s "$LAB_ETC/slurm.conf" /etc/slurm/slurm.conf
  fi
  if [ "$(readlink /etc/slurm/slurm.conf)" = "$LAB_ETC/slurm.conf" ]; then
    grep -qxF /etc/slurm/slurm.conf "$LAB_DIR/created-outside.txt" 2>/dev/null ||
      echo /etc/slurm/slurm.conf >>"$LAB_DIR/created-outside.txt"
  fi
}

write_prometheus_conf() {
  cat >"$LAB_ETC/prometheus.yml" <<EOF
# Written by scripts/lab/up.sh. Short intervals so e2e tests do not wait long for a scrape.
global:
  scrape_interval: 2s
  scrape_timeout: 2s
  evaluation_interval: 2s
scrape_configs:
  - job_name: pushgateway
    honor_labels: true
    static_configs:
      - targets: ['127.0.0.1:$LAB_PUSHGATEWAY_PORT']
EOF
  chmod 644 "$LAB_ETC/prometheus.yml"
}

# Fresh state: directories, munge key, JWT key, MariaDB datadir. Only runs when no lab daemon is alive.
prepare_fresh_state() {
  if [ -d "$LAB_DIR" ] && [ -f "$LAB_DIR/.slurm-lab" ]; then
    log "wiping previous lab state in $LAB_DIR"
    # Keep the apt log of this very run and the record of files created outside $LAB_DIR.
    find "$LAB_DIR" -mindepth 1 -maxdepth 1 ! -name apt.log ! -name .slurm-lab ! -name created-outside.txt \
      -exec rm -rf {} +
  fi
  mkdir -p "$LAB_DIR" "$LAB_ETC" "$LAB_LOG" "$LAB_PIDS" "$LAB_RUN" "$LAB_DIR/munge" \
    "$LAB_DIR/slurm/statesave" "$LAB_DIR/pushgateway" "$LAB_DIR/prometheus/data"
  touch "$LAB_DIR/.slurm-lab"
  chmod 755 "$LAB_DIR" "$LAB_ETC" "$LAB_RUN"
  chown slurm:slurm "$LAB_LOG" "$LAB_RUN"
  chmod 1777 "$LAB_LOG" # slurmctld/slurmdbd write as slurm, munged and prometheus as their users.

  # munge: own key, default socket (slurmdbd connections ignore AuthInfo=socket=...).
  dd if=/dev/urandom of="$LAB_DIR/munge/munge.key" bs=1024 count=1 status=none
  chown -R munge:munge "$LAB_DIR/munge"
  chmod 700 "$LAB_DIR/munge"
  chmod 400 "$LAB_DIR/munge/munge.key"
  mkdir -p /run/munge
  chown munge:munge /run/munge
  chmod 755 /run/munge

  dd if=/dev/urandom of="$LAB_DIR/slurm/statesave/jwt_hs256.key" bs=32 count=1 status=none
  chown -R slurm:slurm "$LAB_DIR/slurm"
  chmod 600 "$LAB_DIR/slurm/statesave/jwt_hs256.key"
  mkdir -p "$LAB_DIR/slurm/spool"

  chown -R prometheus:prometheus "$LAB_DIR/pushgateway" "$LAB_DIR/prometheus"

  if [ "$LAB_NO_DBD" != 1 ]; then
    mkdir -p "$LAB_DIR/mysql/data" "$LAB_DIR/mysql/run"
    head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$LAB_DIR/mysql/slurm.pass"
    chmod 600 "$LAB_DIR/mysql/slurm.pass"
    chown -R mysql:mysql "$LAB_DIR/mysql/data" "$LAB_DIR/mysql/run"
    log "initialising MariaDB datadir"
    mariadb-install-db --no-defaults --user=mysql --datadir="$LAB_DIR/mysql/data" \
      --auth-root-authentication-method=socket --skip-test-db >"$LAB_LOG/mariadb-install.out" 2>&1 ||
      die "mariadb-install-db failed; see $LAB_LOG/mariadb-install.out"
  fi
}

# Refuse to fight a munged that is not ours for the default socket.
check_foreign_munge() {
  if ! lab_running munged && [ -S /run/munge/munge.socket.2 ] && probe_munge 2>/dev/null; then
    die "another munged already answers on /run/munge/munge.socket.2; stop it before starting the lab"
  fi
}

check_ports_free() {
  local port
  for port in 6817 6819 "$LAB_SLURMRESTD_PORT" "$LAB_PUSHGATEWAY_PORT" "$LAB_PROMETHEUS_PORT" "$LAB_MARIADB_PORT" 17001 17002 17003 17004; do
    if ss -Htln "sport = :$port" | grep -q .; then die "port $port is already in use (ss -ltnp 'sport = :$port')"; fi
  done
}

setup_database() {
  local pass
  pass=$(cat "$LAB_DIR/mysql/slurm.pass")
  mariadb --no-defaults -S "$LAB_DIR/mysql/run/mysqld.sock" -u root <<EOF
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$pass';
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$pass';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
FLUSH PRIVILEGES;
EOF
}

# Accounts, users, associations and QOS; must exist before jobs are submitted (AccountingStorageEnforce).
setup_accounting() {
  local s=(timeout 20 sacctmgr -i -Q)
  "${s[@]}" add cluster lab >/dev/null 2>&1 || true
  "${s[@]}" add qos lab_high priority=100 >/dev/null 2>&1 || true
  "${s[@]}" add account labacct,physics,chemistry cluster=lab description=lab organization=lab >/dev/null 2>&1 || true
  "${s[@]}" add user labuser account=labacct,physics cluster=lab >/dev/null 2>&1 || true
  "${s[@]}" add user alice account=physics cluster=lab >/dev/null 2>&1 || true
  "${s[@]}" add user bob account=chemistry,labacct cluster=lab >/dev/null 2>&1 || true
  "${s[@]}" modify user where name=labuser set qos+=lab_high >/dev/null 2>&1 || true
  timeout 20 sacctmgr -n -P show assoc format=account,user | grep -q '^physics|alice$' ||
    die "sacctmgr could not create the lab associations; see $LAB_LOG/slurmdbd.log"
}

# ---- workload ------------------------------------------------------------------------------------------------
lab_jobs_active() { timeout 10 squeue -h -t PENDING,RUNNING,SUSPENDED,CONFIGURING -o '%j' | grep -c '^lab-' || true; }

as_user() {
  local u=$1
  shift
  runuser -u "$u" -- env SLURM_CONF="$SLURM_CONF" SLURM_LAB_MARKER="$LAB_DIR" "$@"
}

submit() {
  # --parsable prints "<jobid>[;cluster]"
  local u=$1
  shift
  as_user "$u" sbatch --parsable --chdir=/tmp --output=/dev/null --error=/dev/null "$@" | cut -d';' -f1
}

acct_opt() { if [ "$LAB_NO_DBD" = 1 ]; then :; else echo "--account=$1"; fi; }

seed_workload() {
  local active
  active=$(lab_jobs_active)
  if [ "${LAB_RESEED:-0}" = 1 ] && [ "$active" -gt 0 ]; then
    log "LAB_RESEED=1: cancelling the lab's jobs"
    timeout 10 scancel --name="$(squeue -h -o '%j' | grep '^lab-' | sort -u | paste -sd,)" || true
    sleep 2
    active=0
  fi
  if [ "$active" -gt 0 ]; then
    log "workload present ($active active lab jobs): not re-seeding (LAB_RESEED=1 forces it)"
    return 0
  fi
  log "seeding workload"
  local now maint
  timeout 10 scontrol delete reservation=lab_active >/dev/null 2>&1 || true
  timeout 10 scontrol delete reservation=lab_maint >/dev/null 2>&1 || true
  timeout 10 scontrol create reservation=lab_active starttime=now duration=1-00:00:00 nodes=n3 \
    users=labuser,root >/dev/null || die "could not create reservation lab_active"
  maint=$(date -d '+1 day' +%Y-%m-%dT%H:%M:%S)
  timeout 10 scontrol create reservation=lab_maint starttime="$maint" duration=01:00:00 nodes=ALL users=root \
    flags=maint,ignore_jobs >/dev/null || die "could not create reservation lab_maint"
  timeout 10 scontrol update nodename=n4 state=drain reason="lab: drained for testing"
  timeout 10 scontrol update nodename=n5 state=down reason="lab: no slurmd on this node"

  local long=(--time=12:00:00 --wrap='sleep 43200')
  # Finished jobs first: FAILED (exit 3), COMPLETED, CANCELLED.
  submit labuser -p debug -J lab-fail $(acct_opt labacct) -t 5 --wrap='exit 3' >/dev/null
  submit alice -p debug -J lab-ok $(acct_opt physics) -t 5 --wrap='true' >/dev/null
  local cancel
  cancel=$(submit bob -p debug -J lab-cancel $(acct_opt chemistry) -t 5 --hold --wrap='true')
  timeout 10 scancel "$cancel"
  # RUNNING: one per partition, one holding licences, one in the active reservation (n3).
  submit labuser -p debug -J lab-run-debug $(acct_opt labacct) "${long[@]}" >/dev/null
  submit alice -p batch -J lab-run-batch $(acct_opt physics) "${long[@]}" >/dev/null
  submit labuser -p batch -J lab-license $(acct_opt labacct) -L matlab:2 "${long[@]}" >/dev/null
  submit labuser -p batch -J lab-resv $(acct_opt labacct) --reservation=lab_active "${long[@]}" >/dev/null
  # Array: one task fits on n2, the rest wait (Resources, then Priority).
  submit labuser -p batch -J lab-array $(acct_opt labacct) --array=1-4 "${long[@]}" >/dev/null
  # PENDING: held by the user, too big for what is free, and a second user's job behind it.
  submit bob -p batch -J lab-held $(acct_opt chemistry) --hold "${long[@]}" >/dev/null
  submit labuser -p batch -J lab-big $(acct_opt physics) -N 2 "${long[@]}" >/dev/null
  submit bob -p batch -J lab-queued $(acct_opt labacct) "${long[@]}" >/dev/null

  # Wait (bounded) until the short jobs have finished and something runs, so recordings see every state.
  local start=$SECONDS states
  while ((SECONDS - start < 60)); do
    states=$(timeout 10 squeue -h -t all -o '%j %T' || true)
    if grep -q '^lab-fail FAILED' <<<"$states" && grep -q '^lab-ok COMPLETED' <<<"$states" &&
      grep -q '^lab-run-debug RUNNING' <<<"$states" && grep -q '^lab-array RUNNING' <<<"$states"; then
      log "workload seeded ($((SECONDS - start))s)"
      return 0
    fi
    sleep 1
  done
  echo "$states" >&2
  die "seeded jobs did not reach the expected states within 60s; see $LAB_LOG/slurmctld.log"
}

write_env() {
  local tok root_tok
  tok=$(lab_token "$LAB_TOKEN_USER" "$LAB_TOKEN_LIFESPAN") || die "scontrol token failed for $LAB_TOKEN_USER"
  root_tok=$(lab_token root "$LAB_TOKEN_LIFESPAN") || die "scontrol token failed for root"
  umask 077
  cat >"$LAB_DIR/env.new" <<EOF
LAB_DIR=$LAB_DIR
SLURM_CONF=$SLURM_CONF
SLURM_URL=http://127.0.0.1:$LAB_SLURMRESTD_PORT
SLURM_USER=$LAB_TOKEN_USER
SLURM_TOKEN=$tok
SLURM_ROOT_USER=root
SLURM_ROOT_TOKEN=$root_tok
SLURM_TOKEN_LIFESPAN=$LAB_TOKEN_LIFESPAN
SLURM_API_VERSIONS=v0.0.36,v0.0.37,v0.0.38
SLURM_DBD=$([ "$LAB_NO_DBD" = 1 ] && echo 0 || echo 1)
PUSHGATEWAY_URL=http://127.0.0.1:$LAB_PUSHGATEWAY_PORT
PROMETHEUS_URL=http://127.0.0.1:$LAB_PROMETHEUS_PORT
REMOTE_WRITE_URL=http://127.0.0.1:$LAB_PROMETHEUS_PORT/api/v1/write
EOF
  umask 022
  chmod 600 "$LAB_DIR/env.new" # holds JWTs
  mv "$LAB_DIR/env.new" "$LAB_DIR/env"
}

# ---- main ----------------------------------------------------------------------------------------------------
mkdir -p "$LAB_DIR"
install_packages
ensure_user slurmrest --system --no-create-home --shell /usr/sbin/nologin
for u in "${LAB_USERS[@]}"; do ensure_user "$u" --create-home --shell /bin/bash; done

any_running=0
for d in $(lab_daemons); do if lab_running "$d"; then any_running=1; fi; done
if [ "$any_running" = 0 ]; then
  check_foreign_munge
  check_ports_free
  prepare_fresh_state
else
  running_no_dbd=$(cat "$LAB_DIR/no-dbd" 2>/dev/null || echo 0)
  [ "$running_no_dbd" = "$LAB_NO_DBD" ] ||
    die "the running lab has LAB_NO_DBD=$running_no_dbd but LAB_NO_DBD=$LAB_NO_DBD was asked: run scripts/lab/down.sh first"
  log "lab partly or fully running: starting only what is missing"
fi
mkdir -p "$LAB_ETC" "$LAB_LOG" "$LAB_PIDS" "$LAB_RUN"
write_slurm_conf
write_prometheus_conf
# Recorded for down.sh and humans: which /etc paths the lab touched, and what it runs.
echo "$LAB_NO_DBD" >"$LAB_DIR/no-dbd"

lab_start munged
if [ "$LAB_NO_DBD" != 1 ]; then
  db_fresh=0
  lab_running mariadb || db_fresh=1
  lab_start mariadb
  [ "$db_fresh" = 1 ] && setup_database
  lab_start slurmdbd
  # The cluster must exist in slurmdbd before slurmctld registers.
  timeout 20 sacctmgr -i -Q add cluster lab >/dev/null 2>&1 || true
fi
lab_start slurmctld
for n in "${LAB_NODES_UP[@]}"; do lab_start "slurmd-$n"; done
lab_start slurmrestd
lab_start pushgateway
lab_start prometheus

if [ "$LAB_NO_DBD" != 1 ]; then setup_accounting; fi
seed_workload
write_env
log "lab up in $((SECONDS - lab_t0))s; env in $LAB_DIR/env (source it or use test/helpers/lab.ts)"
