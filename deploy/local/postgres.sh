# shellcheck shell=bash
# PostgreSQL for local runs and CI: a sourceable library, no side effects on source.
#
#   pg_ensure_installed          find initdb/pg_ctl (PATH, /usr/lib/postgresql/*/bin); apt-get install if absent
#   pg_start_throwaway           fresh cluster in a mktemp dir on a free loopback port
#   pg_stop_throwaway            fast stop + rm -rf; idempotent, safe in an EXIT trap
#   pg_start_persistent DIR      cluster whose data dir is DIR (kept), port $PGPORT or 5433
#   pg_stop_persistent           fast stop of what pg_start_persistent started; keeps DIR
#
# Both start functions export ConnectionStrings__Postgres, PGHOST, PGPORT, PGUSER and PGDATABASE.
# As root the server runs as the `postgres` OS user (initdb refuses root); otherwise as the caller.

PG_BIN=${PG_BIN:-}
_PG_THROWAWAY_DIR=
_PG_PERSISTENT_DATA=

_pg_log() { printf '[postgres] %s\n' "$*" >&2; }

# Sets PG_BIN to the directory holding initdb, pg_ctl, pg_isready; returns 1 if none.
_pg_find_bin() {
  if [[ -n $PG_BIN && -x $PG_BIN/initdb && -x $PG_BIN/pg_ctl && -x $PG_BIN/pg_isready ]]; then
    return 0
  fi
  local initdb dir
  # PATH first: /usr/local/bin may hold symlinks into a versioned bin dir; resolve them so that
  # pg_isready (a Debian pg_wrapper in /usr/bin) comes from the same version.
  if initdb=$(command -v initdb 2>/dev/null) && command -v pg_ctl >/dev/null 2>&1; then
    dir=$(dirname "$(readlink -f "$initdb")")
    if [[ -x $dir/pg_ctl && -x $dir/pg_isready ]]; then
      PG_BIN=$dir
      return 0
    fi
  fi
  # Debian keeps server binaries off PATH; take the highest version present.
  for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k5,5 -n -r); do
    if [[ -x $dir/initdb && -x $dir/pg_ctl && -x $dir/pg_isready ]]; then
      PG_BIN=$dir
      return 0
    fi
  done
  return 1
}

pg_ensure_installed() {
  if _pg_find_bin; then
    _pg_log "using $PG_BIN"
    return 0
  fi
  _pg_log "initdb/pg_ctl not found; installing PostgreSQL with apt-get"
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      _pg_log "not root and no passwordless sudo: install postgresql-15 (or postgresql) yourself"
      return 1
    fi
  fi
  # Only the binaries are wanted: keep the package from creating (and maybe starting) its
  # default cluster on 5432. postgresql-common reads this drop-in directory.
  "${sudo[@]}" mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' |
    "${sudo[@]}" tee /etc/postgresql-common/createcluster.d/00-no-main-cluster.conf >/dev/null
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends postgresql-15 </dev/null; then
    _pg_log "postgresql-15 not installable; trying the distribution's default 'postgresql'"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends postgresql </dev/null
  fi
  PG_BIN=
  if ! _pg_find_bin; then
    _pg_log "installed, but still no initdb/pg_ctl under PATH or /usr/lib/postgresql/*/bin"
    return 1
  fi
  _pg_log "installed; using $PG_BIN"
}

# The OS user that owns the cluster: postgres when we are root, else ourselves.
_pg_owner() {
  if [[ $(id -u) -eq 0 ]]; then echo postgres; else id -un; fi
}

# Run a command as the cluster owner.
_pg_as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

_pg_ensure_os_user() {
  [[ $(id -u) -eq 0 ]] || return 0
  if ! id -u postgres >/dev/null 2>&1; then
    _pg_log "creating OS user postgres"
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
}

_pg_port_in_use() {
  # Anything that accepts a TCP connection on loopback counts as taken.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints a TCP port on 127.0.0.1 that is free right now.
_pg_free_port() {
  local port
  if command -v python3 >/dev/null 2>&1 &&
    port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' 2>/dev/null) && [[ -n $port ]]; then
    echo "$port"
    return 0
  fi
  local i
  for ((i = 0; i < 200; i++)); do
    port=$((20000 + RANDOM % 30000))
    if ! _pg_port_in_use "$port"; then
      echo "$port"
      return 0
    fi
  done
  _pg_log "no free port found"
  return 1
}

# _pg_initdb DATADIR: a new cluster, superuser postgres, trust on the socket and 127.0.0.1 only.
_pg_initdb() {
  local data=$1
  _pg_as_owner "$PG_BIN/initdb" -D "$data" -U postgres -E UTF8 --locale=C \
    --auth=trust --no-sync --no-instructions >/dev/null
  _pg_as_owner tee "$data/pg_hba.conf" >/dev/null <<'EOF'
# Written by deploy/local/postgres.sh: a local, disposable cluster. No network peers but loopback.
local   all   all                 trust
host    all   all   127.0.0.1/32  trust
EOF
  _pg_as_owner tee -a "$data/postgresql.conf" >/dev/null <<'EOF'

# --- deploy/local/postgres.sh: speed over durability, this cluster holds nothing of value ---
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
EOF
}

# _pg_start DATADIR PORT SOCKETDIR LOGFILE: start and wait until it answers. Returns 1 on failure.
_pg_start() {
  local data=$1 port=$2 sock=$3 logfile=$4
  if ! _pg_as_owner "$PG_BIN/pg_ctl" -D "$data" -l "$logfile" -w -t 60 \
    -o "-p $port -k '$sock' -h 127.0.0.1" start >/dev/null; then
    return 1
  fi
  local i
  for ((i = 0; i < 60; i++)); do
    if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres; then
      return 0
    fi
    sleep 0.5
  done
  _pg_log "server started but pg_isready never succeeded on port $port"
  return 1
}

_pg_export() {
  local port=$1
  export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGDATABASE=postgres
  export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50"
}

_pg_tail_log() {
  [[ -f $1 ]] || return 0
  _pg_log "last lines of $1:"
  tail -n 20 "$1" >&2 || true
}

pg_start_throwaway() {
  _pg_find_bin || { _pg_log "PostgreSQL not installed (call pg_ensure_installed)"; return 1; }
  if [[ -n $_PG_THROWAWAY_DIR ]]; then
    _pg_log "a throwaway cluster is already running in $_PG_THROWAWAY_DIR"
    return 1
  fi
  _pg_ensure_os_user
  # As root, the postgres user must be able to reach the dir: /tmp is, an arbitrary TMPDIR may not be.
  local base=${TMPDIR:-/tmp}
  if [[ $(id -u) -eq 0 ]]; then base=/tmp; fi
  _PG_THROWAWAY_DIR=$(mktemp -d "$base/wecom-pg.XXXXXX")
  if [[ $(id -u) -eq 0 ]]; then chown postgres: "$_PG_THROWAWAY_DIR"; fi
  local dir=$_PG_THROWAWAY_DIR
  _pg_initdb "$dir/data" || { _pg_log "initdb failed"; pg_stop_throwaway; return 1; }
  # A free port can be taken between the probe and the bind: try a few.
  local attempt port
  for attempt in 1 2 3; do
    port=$(_pg_free_port) || break
    if _pg_start "$dir/data" "$port" "$dir" "$dir/postgres.log"; then
      _pg_export "$port"
      _pg_log "throwaway cluster on 127.0.0.1:$port (dir $dir)"
      return 0
    fi
    _pg_log "start on port $port failed (attempt $attempt)"
  done
  _pg_tail_log "$dir/postgres.log"
  pg_stop_throwaway
  return 1
}

pg_stop_throwaway() {
  local dir=$_PG_THROWAWAY_DIR
  [[ -n $dir ]] || return 0
  _PG_THROWAWAY_DIR=
  if [[ -f $dir/data/postmaster.pid ]]; then
    if ! _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
      _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
    fi
  fi
  rm -rf -- "$dir"
  _pg_log "throwaway cluster stopped and removed"
  return 0
}

pg_start_persistent() {
  local dir=${1:?usage: pg_start_persistent DIR}
  _pg_find_bin || { _pg_log "PostgreSQL not installed (call pg_ensure_installed)"; return 1; }
  _pg_ensure_os_user
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$dir"
    chmod 700 "$dir"
    if ! runuser -u postgres -- test -w "$dir"; then
      _pg_log "the postgres OS user cannot reach $dir (a parent directory is not searchable);"
      _pg_log "pick a DIR under a world-searchable path, or run as a normal user"
      return 1
    fi
  fi
  if [[ ! -f $dir/PG_VERSION ]]; then
    if [[ -n $(ls -A "$dir") ]]; then
      _pg_log "$dir is neither empty nor a PostgreSQL data directory"
      return 1
    fi
    _pg_log "initialising a new cluster in $dir"
    _pg_initdb "$dir" || { _pg_log "initdb failed"; return 1; }
  fi
  local port=${PGPORT:-5433}
  # Unix socket paths are limited to ~107 bytes: fall back to a short dir when DIR is deep.
  local sock=$dir
  if ((${#dir} > 80)); then
    sock=/tmp
  fi
  if _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    _pg_log "a server is already running on $dir; using it (it will not be stopped by us)"
    if ! "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
      _pg_log "but it does not answer on port $port; set PGPORT to its port"
      return 1
    fi
    _pg_export "$port"
    return 0
  fi
  if _pg_port_in_use "$port"; then
    _pg_log "port $port is taken; set PGPORT to a free port"
    return 1
  fi
  if ! _pg_start "$dir" "$port" "$sock" "$dir/postgres.log"; then
    _pg_tail_log "$dir/postgres.log"
    return 1
  fi
  _PG_PERSISTENT_DATA=$dir
  _pg_export "$port"
  _pg_log "persistent cluster on 127.0.0.1:$port (data $dir)"
}

pg_stop_persistent() {
  local dir=$_PG_PERSISTENT_DATA
  [[ -n $dir ]] || return 0
  _PG_PERSISTENT_DATA=
  _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  _pg_log "persistent cluster stopped (data kept in $dir)"
  return 0
}
