#!/usr/bin/env bash
# The two commands of the README:
#   bash scripts/dev.sh demo [--port N]   set up, migrate, load the demo election, serve on
#                              http://127.0.0.1:5000 (or N, or $PORT) with the background worker
#   bash scripts/dev.sh test   set up, then run the whole suite on SQLite and on PostgreSQL
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
PG_TEST_URL=${ELECTORAL_PG_TEST_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}

say() { printf '\n== %s\n' "$*"; }

setup() {
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
        || { echo "Python 3.11 or newer is needed (found $("$PYTHON" --version))." >&2; exit 1; }
    if [ ! -x .venv/bin/python ]; then
        say "Creating the virtual environment in .venv"
        "$PYTHON" -m venv .venv
    fi
    # The application is installed editable: its code is read from here. Only a change to the
    # dependencies (pyproject.toml) needs pip again, which costs tens of seconds even when
    # everything is already there; the stamp remembers what was installed.
    local stamp=.venv/.installed-pyproject wanted
    wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ] && [ -x .venv/bin/electoral ]; then
        say "Dependencies unchanged since the last install (pyproject.toml): pip not run"
    else
        say "Installing the application and its dependencies"
        .venv/bin/python -m pip install --quiet --upgrade pip
        .venv/bin/python -m pip install --quiet -e '.[test]'
        echo "$wanted" > "$stamp"
    fi
    say "Building the translations"
    .venv/bin/pybabel compile -d translations --statistics 2>&1 | grep -v '^$' || true
}

ensure_chromium() {
    # The browser tests drive Debian's Chromium; never a downloaded browser.
    if [ -x /usr/bin/chromium ]; then return; fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "Installing Debian's chromium for the browser tests"
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils) >/dev/null \
            || echo "Could not install chromium: the browser tests will be skipped."
    else
        echo "No /usr/bin/chromium and no root to install it: the browser tests will be skipped."
    fi
}

ensure_tools() {
    if ! command -v pdftoppm >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils) >/dev/null || true
    fi
}

postgres_up() {
    command -v pg_isready >/dev/null || return 1
    pg_isready -q -h 127.0.0.1 -p 5432 && return 0
    if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
        say "Starting PostgreSQL"
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 1; done
    fi
    return 1
}

audit_dependencies() {
    # Fails the run on a known vulnerability. pip-audit asks PyPI's advisory service;
    # when that cannot be reached every package is skipped, which is not a clean audit:
    # say so, and fail too when ELECTORAL_AUDIT_REQUIRED=1 (a CI with network access).
    say "Auditing the installed dependencies for known vulnerabilities (pip-audit)"
    local report status=0
    report=$(.venv/bin/pip-audit --skip-editable --progress-spinner off --desc on 2>&1) || status=$?
    printf '%s\n' "$report" | grep -v 'could not be audited' || true
    if [ "$status" -ne 0 ]; then
        echo "pip-audit found known vulnerabilities (or failed): upgrade the pins above." >&2
        return "$status"
    fi
    local skipped
    skipped=$(printf '%s\n' "$report" | grep -c 'could not be audited' || true)
    if [ "$skipped" -gt 0 ]; then
        echo "pip-audit could not check $skipped packages (advisory service unreachable?)." >&2
        if [ "${ELECTORAL_AUDIT_REQUIRED:-0}" = 1 ]; then return 1; fi
    fi
}

run_tests() {
    local status=0
    # Compiled modules, and pytest's rewritten test modules, are kept in __pycache__ (ignored by
    # git) even where the environment asks Python not to write them: each worker of each run
    # otherwise compiles and rewrites every test module again, seconds of CPU every time.
    unset PYTHONDONTWRITEBYTECODE
    # --durations=10: each run ends with its ten slowest tests, so a slow one is seen when it appears.
    say "Tests on SQLite"
    .venv/bin/python -m pytest -n 2 -q --durations=10 "$@" || status=$?
    if postgres_up; then
        say "Tests on PostgreSQL ($PG_TEST_URL)"
        ELECTORAL_TEST_DATABASE_URL="$PG_TEST_URL" .venv/bin/python -m pytest -n 2 -q --durations=10 "$@" || status=$?
    else
        say "PostgreSQL is not running on 127.0.0.1:5432 and cannot be started here: skipping the PostgreSQL run."
    fi
    return $status
}

case "${1:-}" in
    demo)
        shift
        port=${PORT:-5000}
        while [ $# -gt 0 ]; do
            case "$1" in
                --port) port=${2:-}; shift 2 || shift ;;
                --port=*) port=${1#--port=}; shift ;;
                *) echo "usage: bash scripts/dev.sh demo [--port N]" >&2; exit 2 ;;
            esac
        done
        case "$port" in
            ''|*[!0-9]*) echo "The port must be a number (got '$port')." >&2; exit 2 ;;
        esac
        setup
        export FLASK_DEBUG=${FLASK_DEBUG:-0}
        say "Preparing the database (SQLite under instance/ unless DATABASE_URL is set)"
        .venv/bin/electoral db upgrade
        .venv/bin/electoral demo load --if-empty
        say "Demo users"
        .venv/bin/electoral demo users
        # Voter cards, the duplicate scan and large imports are queued for the background
        # worker: without it they stay "Waiting". Both run in the background, so the script
        # (not the terminal) must stop them: without job control a background process
        # ignores Ctrl-C, hence the explicit kill on the way out.
        pids=()
        stop_demo() {
            trap - EXIT INT TERM
            say "Stopping the web server and the background worker"
            kill -TERM "${pids[@]}" 2>/dev/null || true
            wait "${pids[@]}" 2>/dev/null || true
        }
        trap stop_demo EXIT
        trap 'exit 130' INT TERM
        say "Starting the background worker (huey_consumer electoral.tasks.huey)"
        .venv/bin/huey_consumer electoral.tasks.huey --workers 2 &
        pids+=($!)
        say "Serving on http://127.0.0.1:$port (Ctrl-C stops both). Sign in as one of the users above"
        .venv/bin/electoral run --host 127.0.0.1 --port "$port" &
        pids+=($!)
        # Either ending (the port taken, the worker failing) ends the demo and stops the other.
        wait -n "${pids[@]}" || true
        exit 1
        ;;
    test)
        shift
        setup
        ensure_chromium
        ensure_tools
        # The audit mostly waits on the network (PyPI's advisory service: seconds, little CPU): it
        # runs beside the tests, and its report and verdict come after theirs.
        audit_log=$(mktemp)
        audit_dependencies > "$audit_log" 2>&1 &
        audit_pid=$!
        status=0
        run_tests "$@" || status=$?
        audit_status=0
        wait "$audit_pid" || audit_status=$?
        cat "$audit_log"
        rm -f "$audit_log"
        if [ "$status" -ne 0 ]; then exit "$status"; fi
        exit "$audit_status"
        ;;
    *)
        echo "usage: bash scripts/dev.sh demo [--port N] | test [pytest arguments]" >&2
        exit 2
        ;;
esac
