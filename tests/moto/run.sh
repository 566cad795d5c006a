#!/usr/bin/env bash
# `make test-moto`: moto's own server-mode test suites against moto's server and the local cloud.
#
#  1. .venv-moto: this project (`pip install -e .`, which pins moto), then the test tools of
#     tests/moto/requirements.txt. Rebuilt from scratch when either input changes.
#  2. The sdist of the moto version installed there (the pinned one), downloaded once into
#     .cache/moto-tests/ (gitignored) and unpacked: its tests/ folder is what runs. Nothing of
#     moto's tests is committed, and none is edited.
#  3. For each server, moto's own (`moto_server`) then the local cloud (`localcloud up --moto-api`),
#     on a free 127.0.0.1 port: each suite as one pytest run with TEST_SERVER_MODE=true (every
#     test resets the server through POST /moto-api/reset), its JUnit XML, exit code and wall
#     time kept under .cache/moto-tests/results/.
#  4. tests/moto/compare.py prints both servers' results side by side and fails when a test that
#     passes on moto's server fails here and tests/moto/exceptions.toml does not list it, or when
#     a suite ran no test (pytest's exit 5) or did not finish.
#
# MOTO_SUITES picks suites (default: every service the local cloud serves or changes);
# MOTO_SERVERS picks servers (default "moto localcloud"; compare.py then reads what an earlier run
# left for the other); MOTO_PARALLEL=0 runs the servers one after the other instead of together. Extra arguments go to every pytest run (e.g. -k, -x).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

VENV=.venv-moto
REQS=tests/moto/requirements.txt
STAMP=$VENV/.installed
CACHE=.cache/moto-tests
RESULTS=$CACHE/results
SUITES=${MOTO_SUITES:-sqs sns events awslambda dynamodb s3 logs iam sts ses stepfunctions scheduler apigateway apigatewayv2 dynamodbstreams}
SERVERS=${MOTO_SERVERS:-moto localcloud}
SUITE_TIMEOUT=${MOTO_SUITE_TIMEOUT:-1200}
t0=$SECONDS

say() { printf 'test-moto: %s\n' "$*" >&2; }

find_python() {
    local c
    for c in "${PYTHON_BOOT:-}" python3.12 python3.13 python3 "$HOME"/.pyenv/versions/3.1[23]*/bin/python; do
        [[ -n $c ]] || continue
        # a pyenv shim is on PATH even when it cannot run; only an interpreter that runs counts
        c=$(command -v "$c" 2>/dev/null) || continue
        if "$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
            echo "$c"
            return 0
        fi
    done
    return 1
}

# -- 1. the virtualenv ----------------------------------------------------------------------
if [[ ! -f $STAMP || pyproject.toml -nt $STAMP || $REQS -nt $STAMP ]]; then
    PY=$(find_python) || {
        say "error: Python 3.12 or newer is needed (PATH or ~/.pyenv/versions)"
        exit 1
    }
    say "installing $VENV with $PY"
    rm -rf "$VENV"
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e .
    "$VENV/bin/python" -m pip install -q -r "$REQS"
    touch "$STAMP"
fi
PYTHON=$VENV/bin/python

# -- 2. moto's tests, from the sdist of the installed version ------------------------------------
VERSION=$("$PYTHON" -c 'import importlib.metadata as m; print(m.version("moto"))')
SDIST=$CACHE/moto-$VERSION
if [[ ! -d $SDIST/tests ]]; then
    say "downloading moto $VERSION's sdist into $CACHE"
    mkdir -p "$CACHE"
    "$PYTHON" -m pip download -q --no-deps --no-binary :all: "moto==$VERSION" -d "$CACHE"
    tar -xzf "$CACHE/moto-$VERSION.tar.gz" -C "$CACHE"
    [[ -d $SDIST/tests ]] || { say "error: moto $VERSION's sdist holds no tests/"; exit 1; }
fi
t_setup=$((SECONDS - t0))

# -- 3. the suites, per server --------------------------------------------------------------
SERVER_PID=
stop_server() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}
trap stop_server EXIT
trap 'exit 130' INT TERM

start_server() {  # $1: moto or localcloud, $2: port, $3: log file
    case $1 in
        moto) "$VENV/bin/moto_server" -H 127.0.0.1 -p "$2" >"$3" 2>&1 & ;;
        localcloud) "$VENV/bin/localcloud" up --port "$2" --moto-api >"$3" 2>&1 & ;;
        *) say "error: unknown server $1 (MOTO_SERVERS takes moto and localcloud)"; exit 1 ;;
    esac
    SERVER_PID=$!
    # ready once it answers the reset every test starts with
    "$PYTHON" - "$2" "$SERVER_PID" <<'PY'
import os, sys, time, urllib.request
port, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("the server exited during start-up")
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=2) as response:
            if response.status == 200:
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.1)
sys.exit("the server did not answer POST /moto-api/reset within 60 s")
PY
}

# moto's tests read these; nothing may point them at AWS or another endpoint.
unset AWS_PROFILE AWS_ENDPOINT_URL AWS_SESSION_TOKEN
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
export TEST_SERVER_MODE=true
# No Docker here: moto's server cannot run Lambda code without it, so those tests skip on both.
export TESTS_SKIP_REQUIRES_DOCKER=1

run_suites() {  # $@: extra pytest arguments; $server names the server
    trap stop_server EXIT
    trap 'exit 130' INT TERM
    mkdir -p "$RESULTS/$server"
    PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    say "starting $server on 127.0.0.1:$PORT"
    start_server "$server" "$PORT" "$RESULTS/$server/server.log"
    for suite in $SUITES; do
        out=$RESULTS/$server/$suite
        rm -f "$out".*
        started=$EPOCHREALTIME
        status=0
        # -p no:localcloud: this project's pytest plugin stays out of moto's tests
        (cd "$SDIST" && TEST_SERVER_MODE_ENDPOINT="http://127.0.0.1:$PORT" \
            timeout "$SUITE_TIMEOUT" "$ROOT/$PYTHON" -m pytest "tests/test_$suite" -q \
            -p no:cacheprovider -p no:localcloud --color=no --timeout=120 \
            -o junit_family=xunit1 --junitxml="$ROOT/$out.xml" "$@") >"$out.log" 2>&1 || status=$?
        echo "$status" >"$out.exit"
        echo "$started $EPOCHREALTIME" | awk '{ printf "%.2f\n", $2 - $1 }' >"$out.time"
        say "$server $suite: $(tail -n 1 "$out.log") (exit $status, $(cat "$out.time") s)"
    done
    stop_server
}

# MOTO_PARALLEL=1 (the default) runs the servers side by side, each with its suites in the same
# order, so both see the same load; 0 runs them one after the other (cleaner per-suite times).
if [[ ${MOTO_PARALLEL:-1} == 1 ]]; then
    pids=()
    for server in $SERVERS; do
        (run_suites "$@") &
        pids+=($!)
    done
    trap 'kill "${pids[@]}" 2>/dev/null; exit 130' INT TERM
    for pid in "${pids[@]}"; do
        wait "$pid"
    done
else
    for server in $SERVERS; do
        run_suites "$@"
    done
fi
say "suites took $((SECONDS - t0 - t_setup)) s (setup ${t_setup} s)"

# -- 4. side by side ------------------------------------------------------------------------
"$PYTHON" tests/moto/compare.py --results "$RESULTS" --exceptions tests/moto/exceptions.toml $SUITES
