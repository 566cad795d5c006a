#!/usr/bin/env bash
# `make test-localstack`: the deployer against a real LocalStack, in host mode (no Docker).
#
#  1. .venv-localstack (Python 3.13, tests/localstack/venv.sh): this project (`pip install -e .[dev]`),
#     then LocalStack with the pins of tests/localstack/requirements.txt. Rebuilt from scratch when
#     either input changes.
#  2. LocalStack's runtime (`python -m localstack.runtime.main`, what `localstack start --host`
#     runs) on a free 127.0.0.1 port, SQS SNS EventBridge S3 IAM STS only; waits for its health.
#  3. pytest tests/localstack with LOCALSTACK_HOST=127.0.0.1:PORT (what `--target localstack` reads).
#  4. Always stops LocalStack and removes its files (trap), and prints how long each step took.
#
# Extra arguments go to pytest. LOCALSTACK_START_TIMEOUT (seconds, default 90) bounds the start-up.
set -euo pipefail
cd "$(dirname "$0")/../.."

VENV=.venv-localstack
START_TIMEOUT=${LOCALSTACK_START_TIMEOUT:-90}
SERVICES=sqs,sns,events,s3,iam,sts
t0=$SECONDS

say() { printf 'test-localstack: %s\n' "$*" >&2; }

# -- 1. the virtualenv ----------------------------------------------------------------------
bash tests/localstack/venv.sh
t_install=$((SECONDS - t0))

# -- 2. LocalStack --------------------------------------------------------------------------
PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/localstack-test.XXXXXX")
LOG=$ROOT/localstack.log
LS_PID=

stop_localstack() {
    local status=$?
    if [[ -n $LS_PID ]] && kill -0 "$LS_PID" 2>/dev/null; then
        # its own process group (setsid), so anything it spawned stops with it
        kill -TERM -- "-$LS_PID" 2>/dev/null || kill -TERM "$LS_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$LS_PID" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$LS_PID" 2>/dev/null; then
            say "LocalStack did not stop within 10 s of SIGTERM; killing it"
            kill -KILL -- "-$LS_PID" 2>/dev/null || kill -KILL "$LS_PID" 2>/dev/null || true
        fi
        wait "$LS_PID" 2>/dev/null || true
    fi
    if [[ $status -ne 0 && -f $LOG ]]; then
        say "LocalStack log (last 40 lines of $LOG):"
        tail -n 40 "$LOG" >&2 || true
    fi
    rm -rf "$ROOT"
    say "total $((SECONDS - t0)) s (install ${t_install} s)"
}
trap stop_localstack EXIT
trap 'exit 130' INT TERM

# GATEWAY_LISTEN: where it serves; LOCALSTACK_HOST: the host:port it writes into queue URLs.
# OVERRIDE_IN_DOCKER=0: this machine may itself be a container, but LocalStack is not in its own
# image, so it must use host-mode folders (FILESYSTEM_ROOT) and never look for Docker.
# DNS_ADDRESS=0: no DNS server on port 53. SKIP_SSL_CERT_DOWNLOAD / DISABLE_EVENTS: no internet
# calls (certificate download, analytics). EAGER_SERVICE_LOADING: services start before "ready".
say "starting LocalStack on 127.0.0.1:$PORT (services $SERVICES, log $LOG)"
SETSID=$(command -v setsid || true)
$SETSID env GATEWAY_LISTEN="127.0.0.1:$PORT" LOCALSTACK_HOST="127.0.0.1:$PORT" SERVICES="$SERVICES" \
    OVERRIDE_IN_DOCKER=0 FILESYSTEM_ROOT="$ROOT/fs" DNS_ADDRESS=0 \
    SKIP_SSL_CERT_DOWNLOAD=1 DISABLE_EVENTS=1 EAGER_SERVICE_LOADING=1 \
    "$VENV/bin/python" -m localstack.runtime.main >"$LOG" 2>&1 &
LS_PID=$!

t_start=$SECONDS
"$VENV/bin/python" - "$PORT" "$START_TIMEOUT" "$SERVICES" "$LS_PID" <<'EOF'
import json, os, sys, time, urllib.request

port, timeout, services, pid = sys.argv[1], float(sys.argv[2]), sys.argv[3].split(","), int(sys.argv[4])
deadline, state = time.monotonic() + timeout, {}
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("LocalStack exited during start-up")
    try:
        url = f"http://127.0.0.1:{port}/_localstack/health"
        with urllib.request.urlopen(url, timeout=2) as response:
            state = json.load(response).get("services", {})
        if all(state.get(s) in ("running", "available") for s in services):
            sys.exit(0)
    except OSError:
        pass
    time.sleep(0.25)
sys.exit(f"LocalStack not healthy within {timeout:.0f} s: {json.dumps({s: state.get(s) for s in services})}")
EOF
say "LocalStack ready in $((SECONDS - t_start)) s"
if grep -qi docker "$LOG"; then
    say "warning: the LocalStack log mentions Docker:"
    grep -i docker "$LOG" >&2
fi

# -- 3. the tests ---------------------------------------------------------------------------
t_tests=$SECONDS
LOCALSTACK_HOST="127.0.0.1:$PORT" "$VENV/bin/python" -m pytest tests/localstack -q "$@"
say "tests took $((SECONDS - t_tests)) s"
