# Shared settings and helpers for the bin/ scripts of ckanext-agen.
# Sourced, never run. Every value can be overridden from the environment.

set -euo pipefail

AGEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Optional, git-ignored overrides for this checkout, e.g. other ports when
# two checkouts run side by side on one machine.
if [[ -f "$AGEN_ROOT/local.env" ]]; then
    # shellcheck disable=SC1091
    source "$AGEN_ROOT/local.env"
fi
AGEN_STATE_DIR="${AGEN_STATE_DIR:-$AGEN_ROOT/.services}"
AGEN_LOG_DIR="$AGEN_STATE_DIR/logs"
AGEN_VENV="${AGEN_VENV:-$AGEN_ROOT/.venv}"

# Ports on 127.0.0.1. They are unusual on purpose, so that the project's
# services never collide with a PostgreSQL, Redis or Solr already running,
# and below 32768, so that Linux never lends them to an outgoing connection
# (its ephemeral range is 32768-60999 by default).
AGEN_PG_PORT="${AGEN_PG_PORT:-15432}"
AGEN_REDIS_PORT="${AGEN_REDIS_PORT:-16379}"
AGEN_SOLR_PORT="${AGEN_SOLR_PORT:-18983}"
AGEN_WEB_PORT="${AGEN_WEB_PORT:-5000}"
AGEN_WEB_WORKERS="${AGEN_WEB_WORKERS:-2}"

AGEN_PG_BIN="${AGEN_PG_BIN:-/usr/lib/postgresql/15/bin}"
AGEN_SOLR_VERSION="9.10.1"

export AGEN_ROOT AGEN_STATE_DIR AGEN_LOG_DIR AGEN_VENV
export AGEN_PG_PORT AGEN_REDIS_PORT AGEN_SOLR_PORT AGEN_WEB_PORT

say() {
    printf '\033[1m==> %s\033[0m\n' "$*"
}

fail() {
    # Print an error that names what failed and what to do, then stop.
    printf '\033[31mERROR: %s\033[0m\n' "$*" >&2
    exit 1
}

port_in_use() {
    # True when something listens on 127.0.0.1:$1.
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pid_alive() {
    # True when the pid stored in file $1 belongs to a running process.
    [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

wait_for() {
    # wait_for SECONDS DESCRIPTION COMMAND...: retry COMMAND once a second.
    local seconds="$1" what="$2"
    shift 2
    local i
    for ((i = 0; i < seconds; i++)); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 1
    done
    return 1
}

load_secrets() {
    # Database passwords are generated on first start and kept in the
    # git-ignored state folder, never in the repository.
    local secrets="$AGEN_STATE_DIR/secrets.env"
    if [[ ! -f "$secrets" ]]; then
        mkdir -p "$AGEN_STATE_DIR"
        umask 077
        {
            echo "AGEN_DB_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
            echo "AGEN_DATASTORE_RO_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
        } >"$secrets"
        umask 022
    fi
    # shellcheck disable=SC1090
    source "$secrets"
    export AGEN_DB_PASSWORD AGEN_DATASTORE_RO_PASSWORD
}

export_ckan_env() {
    # export_ckan_env DB_SUFFIX SOLR_CORE: point CKAN at the project's
    # services through the environment variables that CKAN reads before its
    # ini file (ckan/config/environment.py, CONFIG_FROM_ENV_VARS).
    local suffix="$1" core="$2"
    load_secrets
    local host="127.0.0.1:$AGEN_PG_PORT"
    export CKAN_SQLALCHEMY_URL="postgresql://ckan_default:$AGEN_DB_PASSWORD@$host/ckan_$suffix"
    export CKAN_DATASTORE_WRITE_URL="postgresql://ckan_default:$AGEN_DB_PASSWORD@$host/datastore_$suffix"
    export CKAN_DATASTORE_READ_URL="postgresql://datastore_default:$AGEN_DATASTORE_RO_PASSWORD@$host/datastore_$suffix"
    export CKAN_SOLR_URL="http://127.0.0.1:$AGEN_SOLR_PORT/solr/$core"
    if [[ "$suffix" == "test" ]]; then
        export CKAN_REDIS_URL="redis://127.0.0.1:$AGEN_REDIS_PORT/1"
    else
        export CKAN_REDIS_URL="redis://127.0.0.1:$AGEN_REDIS_PORT/0"
    fi
}
