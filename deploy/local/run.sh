#!/usr/bin/env bash
# shellcheck disable=SC2317 # stop_group and cleanup are reached through the EXIT trap
# Runs the service on this machine for a demo: a kept PostgreSQL in .local/pgdata (unless
# ConnectionStrings__Postgres is given), the WeCom simulator when it exists, then the service.
# Ctrl-C stops everything this script started. See deploy/local/README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
# shellcheck source=deploy/local/postgres.sh
source "$here/postgres.sh"
# shellcheck source=deploy/local/web.sh
source "$here/web.sh"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
urls=${URLS:-http://127.0.0.1:5080}
mkdir -p "$repo/.local"

# The service and the simulator each run in their own process group (setsid), so that one
# TERM to the group ends both `dotnet run` and the app it started.
stop_group() {
  local pid=$1
  [[ -n $pid ]] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
service_pid=
simulator_pid=
cleanup() {
  stop_group "$service_pid"
  service_pid=
  stop_group "$simulator_pid"
  simulator_pid=
  pg_stop_persistent
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The service's build restores its front-end libraries with `npm ci` (src/WeComSuccession/FrontEnd.targets).
web_ensure_npm

if [[ -z ${ConnectionStrings__Postgres:-} ]]; then
  pg_ensure_installed
  # As root the server runs as the postgres OS user, which must be able to reach this directory.
  pg_start_persistent "${LOCAL_PGDATA:-$repo/.local/pgdata}"
else
  echo "[run] using the PostgreSQL given in ConnectionStrings__Postgres" >&2
fi

# ---------------------------------------------------------------------------------------------
# WeCom simulator (src/WeComSuccession.Simulator, added by another change). When the project is
# there, the service talks to it instead of qyapi.weixin.qq.com, with demo credentials. Variables
# already set in the environment win, so a real corp can be used by exporting its settings.
# ---------------------------------------------------------------------------------------------
simulator_url=http://127.0.0.1:5081
if [[ -d src/WeComSuccession.Simulator ]]; then
  echo "[run] starting the WeCom simulator on $simulator_url (log: .local/simulator.log)" >&2
  # Built before the service, not beside it: two concurrent builds of shared projects collide.
  # The simulator pushes WeCom's callbacks (member deleted, transfer failed) to the service.
  export Simulator__Callback__Url=${Simulator__Callback__Url:-${urls%%;*}/wecom/callback}
  # The service runs on real time; so that a demo completes while you watch, the simulator's takeover
  # takes 2 minutes instead of WeCom's 24 hours (and a group's 10 seconds).
  export Simulator__TakeoverDelay=${Simulator__TakeoverDelay:-00:02:00}
  export Simulator__GroupTakeoverDelay=${Simulator__GroupTakeoverDelay:-00:00:10}
  setsid dotnet run --project src/WeComSuccession.Simulator -c Release -- --urls "$simulator_url" \
    </dev/null >"$repo/.local/simulator.log" 2>&1 &
  simulator_pid=$!
  for ((i = 0; i < 240; i++)); do
    # Any HTTP answer (even 404) means it is listening.
    if curl -s -o /dev/null --max-time 2 "$simulator_url/"; then break; fi
    if ! kill -0 "$simulator_pid" 2>/dev/null; then
      echo "[run] the simulator exited; last lines of .local/simulator.log:" >&2
      tail -n 20 "$repo/.local/simulator.log" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
  if ! curl -s -o /dev/null --max-time 2 "$simulator_url/"; then
    echo "[run] the simulator did not answer on $simulator_url within 120 s" >&2
    exit 1
  fi
  export WeCom__ApiBaseUrl=${WeCom__ApiBaseUrl:-$simulator_url}
  # The simulator also serves WeCom's sign-in pages: pick a member there to sign in to /admin or /workbench.
  export WeCom__LoginBaseUrl=${WeCom__LoginBaseUrl:-$simulator_url}
  export WeCom__OAuthBaseUrl=${WeCom__OAuthBaseUrl:-$simulator_url}
  # The demo corp's 王静 (wangjing) is the dashboard's super admin; she grants the other roles on /admin/roles.
  export Admin__SuperAdmins__0=${Admin__SuperAdmins__0:-wangjing}
  export WeCom__CorpId=${WeCom__CorpId:-wwdemo0000000000}
  export WeCom__AgentId=${WeCom__AgentId:-1000002}
  export WeCom__Secret=${WeCom__Secret:-demo-secret}
  export WeCom__Callback__Token=${WeCom__Callback__Token:-demotoken}
  # A fixed demo key (43 chars of [A-Za-z0-9], decodes to 32 bytes); never use it for a real corp.
  export WeCom__Callback__EncodingAESKey=${WeCom__Callback__EncodingAESKey:-3QPcD4eGbVnVFEoV5sbdobPQcjE9QZBiY1E56FTQFZw}
  # A public demo key for the admin API (X-Api-Key); never use it outside a demo.
  export Admin__ApiKeys__0__Name=${Admin__ApiKeys__0__Name:-demo}
  export Admin__ApiKeys__0__Key=${Admin__ApiKeys__0__Key:-demo-admin-key-0123456789abcdef}
  echo "[run] demo: dashboard ${urls%%;*}/admin (sign in as 王静 wangjing) ; simulator control page $simulator_url/_sim ; admin API key: $Admin__ApiKeys__0__Key" >&2
fi
# --------------------------------------- end of simulator ------------------------------------

echo "[run] starting the service on $urls" >&2
# In the background and waited for, not exec'd: a signal to this script then runs the EXIT trap
# at once, which stops the service, the simulator and PostgreSQL.
setsid dotnet run --project src/WeComSuccession -c Release --urls "$urls" </dev/null &
service_pid=$!
rc=0
wait "$service_pid" || rc=$?
service_pid=
exit "$rc"
