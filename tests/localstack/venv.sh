#!/usr/bin/env bash
# .venv-localstack (Python 3.13): this project (`pip install -e .[dev]`), then LocalStack 2026.3.0
# with the pins of tests/localstack/requirements.txt; rebuilt from scratch when either input
# changes, else left as it is. Used by `make test-localstack` (run.sh) and by `make bench`
# (LocalStack as a peer). Exits non-zero, saying why, when Python 3.13 or an install is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

VENV=.venv-localstack
REQS=tests/localstack/requirements.txt
STAMP=$VENV/.installed

say() { printf 'localstack venv: %s\n' "$*" >&2; }

find_python() {
    local c
    for c in python3.13 "$HOME"/.pyenv/versions/3.13*/bin/python; do
        # a pyenv shim is on PATH even when it cannot run; only an interpreter that runs counts
        c=$(command -v "$c" 2>/dev/null) || continue
        if "$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; then
            echo "$c"
            return 0
        fi
    done
    return 1
}

if [[ ! -f $STAMP || pyproject.toml -nt $STAMP || $REQS -nt $STAMP ]]; then
    PY313=$(find_python) || {
        say "error: Python 3.13 is needed (python3.13 on PATH or ~/.pyenv/versions/3.13*)"
        exit 1
    }
    say "installing $VENV with $PY313"
    # from scratch: LocalStack's moto-ext and the project's moto share the `moto/` folder, so the
    # install order (project first, LocalStack second) must hold on every rebuild
    rm -rf "$VENV"
    "$PY313" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e '.[dev]'
    "$VENV/bin/python" -m pip install -q -r "$REQS"
    touch "$STAMP"
fi

