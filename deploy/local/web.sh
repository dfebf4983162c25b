# shellcheck shell=bash
# npm and Chromium for local runs and CI: a sourceable library, no side effects on source.
#
#   web_ensure_npm              npm on PATH (the build's FrontEnd.targets runs `npm ci`); apt-get nodejs npm if absent
#   web_ensure_chromium         Debian's chromium and a CJK font; apt-get them if absent; exports CHROMIUM_PATH
#
# Installs need root or passwordless sudo, like postgres.sh. Playwright's own browser download is never used
# (it cannot reach its download host here); PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 says so to any tool that asks.

_web_log() { printf '[web] %s\n' "$*" >&2; }

# apt-get install PACKAGE... as root or through passwordless sudo; one `apt-get update` per shell.
_web_apt_install() {
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1 || ! sudo -n true 2>/dev/null; then
      _web_log "not root and no passwordless sudo: install $* yourself (apt-get install $*)"
      return 1
    fi
    sudo=(sudo -n)
  fi
  if [[ -z ${_WEB_APT_UPDATED:-} ]]; then
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
    _WEB_APT_UPDATED=1
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" </dev/null
}

web_ensure_npm() {
  if command -v npm >/dev/null 2>&1; then
    return 0
  fi
  _web_log "npm not found; installing Debian's nodejs and npm (needed by the build: npm ci for ECharts, WeUI, htmx)"
  _web_apt_install nodejs npm || return 1
  command -v npm >/dev/null 2>&1 || { _web_log "installed, but npm is still not on PATH"; return 1; }
}

web_ensure_chromium() {
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  if [[ -n ${CHROMIUM_PATH:-} ]]; then
    # Chosen by the caller: use it as it is, and let the tests fail loudly if it is wrong.
    [[ -x $CHROMIUM_PATH ]] || _web_log "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable; the browser tests will fail"
    return 0
  fi
  local missing=()
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  # Without a CJK font Chromium draws every Chinese character as a box.
  if ! command -v fc-list >/dev/null 2>&1 || [[ -z $(fc-list :lang=zh family 2>/dev/null) ]]; then
    missing+=(fonts-noto-cjk)
  fi
  if ((${#missing[@]} > 0)); then
    _web_log "installing ${missing[*]} for the browser tests"
    local started=$SECONDS
    _web_apt_install "${missing[@]}" || return 1
    _web_log "installed ${missing[*]} in $((SECONDS - started)) s"
  fi
  export CHROMIUM_PATH=/usr/bin/chromium
  _web_log "browser tests use $CHROMIUM_PATH ($("$CHROMIUM_PATH" --version 2>/dev/null || echo 'version unknown'))"
}
