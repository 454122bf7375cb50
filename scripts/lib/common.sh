# shellcheck shell=bash
# Shared set-up for scripts/run and scripts/test: Debian packages, the Python
# virtualenv, the Odoo 18.0 tree and a PostgreSQL server. Sourced, not executed.
set -euo pipefail

HMS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HMS_CACHE=${HMS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hms}
HMS_PGPORT=${HMS_PGPORT:-54329}
mkdir -p "$HMS_CACHE"

log() { printf '\033[1m[hms]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[hms] %s\033[0m\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "need root (or sudo) to run: $*"; fi
}

# Debian packages: installed once, skipped when already there.
ensure_debs() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null || die "missing system packages (${missing[*]}) and no apt-get to install them"
    log "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

BASE_DEBS=(build-essential libpq-dev libldap2-dev libsasl2-dev libjpeg-dev zlib1g-dev
           postgresql postgresql-contrib wkhtmltopdf fonts-dejavu-core)

# The Odoo 18.0 tree: ODOO_PATH, else /opt/odoo, else an importable odoo.
find_odoo() {
    local candidate
    for candidate in "${ODOO_PATH:-}" /opt/odoo; do
        if [ -n "$candidate" ] && [ -f "$candidate/odoo/release.py" ]; then
            ODOO_PATH=$(cd "$candidate" && pwd); break
        fi
    done
    if [ -z "${ODOO_PATH:-}" ] || [ ! -f "$ODOO_PATH/odoo/release.py" ]; then
        candidate=$(python3 -c 'import odoo, os; print(os.path.dirname(os.path.dirname(odoo.__file__)))' 2>/dev/null || true)
        [ -n "$candidate" ] && [ -f "$candidate/odoo/release.py" ] && ODOO_PATH=$candidate
    fi
    if [ -z "${ODOO_PATH:-}" ] || [ ! -f "$ODOO_PATH/odoo/release.py" ]; then
        if [ -n "${HMS_ODOO_CLONE:-}" ] && command -v git >/dev/null; then
            ODOO_PATH="$HMS_CACHE/odoo-18.0"
            [ -d "$ODOO_PATH/odoo" ] || git clone --depth 1 --branch 18.0 "$HMS_ODOO_CLONE" "$ODOO_PATH"
        else
            die "No Odoo 18.0 source tree found. Put one at /opt/odoo, set ODOO_PATH to it, or set
     HMS_ODOO_CLONE to the URL of Odoo's official repository to let this script clone branch 18.0."
        fi
    fi
    grep -q "version_info = (18, 0" "$ODOO_PATH/odoo/release.py" || die "$ODOO_PATH is not Odoo 18.0"
    export ODOO_PATH
}

# pip, without the notes about unreachable local indexes some machines configure.
pip_quiet() {
    local status=0
    "$@" > >(grep -v "is ignored: it is neither a file nor a directory" >&2) 2>&1 || status=$?
    return "$status"
}

# One virtualenv per (python, Odoo requirements, our requirements) triple.
ensure_venv() {
    local py key
    py=${HMS_PYTHON:-python3}
    key=$(cat "$ODOO_PATH/requirements.txt" "$HMS_ROOT/requirements.txt" "$HMS_ROOT/tests/requirements.txt" \
          <("$py" -c 'import sys; print(sys.version)') | sha1sum | cut -c1-12)
    VENV="$HMS_CACHE/venv-$key"
    if [ ! -f "$VENV/.complete" ]; then
        log "building the Python environment in $VENV (first run only)"
        rm -rf "$VENV"
        "$py" -m venv "$VENV"
        # Odoo's pinned cbor2 and gevent need pkg_resources: setuptools<81, also in build envs.
        printf 'setuptools<81\n' >"$VENV/constraints.txt"
        export PIP_CONSTRAINT="$VENV/constraints.txt" PIP_BUILD_CONSTRAINT="$VENV/constraints.txt"
        pip_quiet "$VENV/bin/pip" install -q --upgrade pip wheel 'setuptools<81'
        pip_quiet "$VENV/bin/pip" install -q -r "$ODOO_PATH/requirements.txt" \
            -r "$HMS_ROOT/requirements.txt" -r "$HMS_ROOT/tests/requirements.txt"
        # Odoo importable from the venv without touching its tree.
        printf '%s\n' "$ODOO_PATH" >"$("$VENV/bin/python" -c 'import site; print(site.getsitepackages()[0])')/odoo-tree.pth"
        touch "$VENV/.complete"
        unset PIP_CONSTRAINT PIP_BUILD_CONSTRAINT
    fi
    export PATH="$VENV/bin:$PATH" VIRTUAL_ENV="$VENV"
}

# Tools whose pins conflict with Odoo's live in virtualenvs of their own, one per
# requirements file: the static checks (polib, ...) and the load test (locust's gevent).
ensure_tool_venv() {  # $1 name, $2 requirements file; sets TOOL_VENV
    local key
    key=$(sha1sum <"$2" | cut -c1-12)
    TOOL_VENV="$HMS_CACHE/$1-$key"
    if [ ! -f "$TOOL_VENV/.complete" ]; then
        log "building the $1 environment in $TOOL_VENV (first run only)"
        rm -rf "$TOOL_VENV"
        "${HMS_PYTHON:-python3}" -m venv "$TOOL_VENV"
        pip_quiet "$TOOL_VENV/bin/pip" install -q --upgrade pip
        pip_quiet "$TOOL_VENV/bin/pip" install -q -r "$2"
        touch "$TOOL_VENV/.complete"
    fi
}
ensure_lint_venv() { ensure_tool_venv lint "$HMS_ROOT/tests/requirements-lint.txt"; LINT_VENV=$TOOL_VENV; }
ensure_load_venv() { ensure_tool_venv load "$HMS_ROOT/tests/requirements-load.txt"; LOAD_VENV=$TOOL_VENV; }

# PostgreSQL: the configured server (PGHOST/HMS_DB_HOST), else an embedded
# cluster on loopback owned by the postgres system user when we are root.
ensure_postgres() {
    if [ -n "${HMS_DB_HOST:-}" ]; then
        DB_HOST=$HMS_DB_HOST DB_PORT=${HMS_DB_PORT:-5432} DB_USER=${HMS_DB_USER:-odoo} DB_PASSWORD=${HMS_DB_PASSWORD:-}
        export PGHOST=$DB_HOST PGPORT=$DB_PORT PGUSER=$DB_USER PGPASSWORD=$DB_PASSWORD
        return 0
    fi
    local bindir pgdata runas=()
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
    [ -x "$bindir/initdb" ] || die "no PostgreSQL server binaries found"
    if [ "$(id -u)" = 0 ]; then
        pgdata=${HMS_PGDATA:-/var/lib/hms/postgresql}
        runas=(runuser -u postgres --)
        mkdir -p "$pgdata" && chown postgres: "$pgdata" && chmod 700 "$pgdata"
    else
        pgdata=${HMS_PGDATA:-$HMS_CACHE/postgresql}
        mkdir -p "$pgdata" && chmod 700 "$pgdata"
    fi
    if [ ! -f "$pgdata/PG_VERSION" ]; then
        log "creating a local PostgreSQL cluster in $pgdata"
        "${runas[@]}" "$bindir/initdb" -D "$pgdata" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
        cat >>"$pgdata/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $HMS_PGPORT
unix_socket_directories = ''
max_connections = 200
shared_buffers = 512MB
fsync = ${HMS_PG_FSYNC:-on}
CONF
    fi
    if ! "${runas[@]}" "$bindir/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
        "${runas[@]}" "$bindir/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w -t 60 start >/dev/null \
            || die "PostgreSQL did not start; see $pgdata/server.log"
    fi
    DB_HOST=127.0.0.1 DB_PORT=$HMS_PGPORT DB_USER=odoo DB_PASSWORD=
    export PGHOST=$DB_HOST PGPORT=$DB_PORT PGUSER=postgres
    psql -qAt -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = 'odoo'" | grep -q 1 \
        || psql -q -d postgres -c "CREATE ROLE odoo LOGIN SUPERUSER"
    export PGUSER=$DB_USER PGOPTIONS="-c client_min_messages=warning"
}

# The Odoo configuration the scripts run with for database $1; config/odoo.conf is the template.
write_odoo_conf() {
    ODOO_RC="$HMS_CACHE/odoo-$1.conf"
    HMS_DATA_DIR=${HMS_DATA_DIR:-$HMS_CACHE/data}
    mkdir -p "$HMS_DATA_DIR"
    sed -e "s#^addons_path = .*#addons_path = $ODOO_PATH/odoo/addons,$ODOO_PATH/addons,$HMS_ROOT/addons#" \
        -e "s#^data_dir = .*#data_dir = $HMS_DATA_DIR#" \
        -e "s#^db_host = .*#db_host = $DB_HOST#" -e "s#^db_port = .*#db_port = $DB_PORT#" \
        -e "s#^db_user = .*#db_user = $DB_USER#" -e "s#^db_password = .*#db_password = $DB_PASSWORD#" \
        -e "s#^hms_encryption_keys *=.*#hms_encryption_keys = $(encryption_keys)#" \
        -e "s#^dbfilter = .*#dbfilter = ^$1\$#" -e "s#^db_name = .*##" \
        "$HMS_ROOT/config/odoo.conf" >"$ODOO_RC"
    export ODOO_RC
}

# A key generated on this machine, kept outside the database and the repository.
encryption_keys() {
    local keyfile="$HMS_CACHE/encryption.key"
    [ -s "$keyfile" ] || python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' >"$keyfile"
    chmod 600 "$keyfile"
    cat "$keyfile"
}

# The age identity that encrypts backups (scripts/backup, scripts/restore): generated on this
# machine like the encryption key, kept outside the database, its backups and the repository.
backup_key() {
    local keyfile=${HMS_BACKUP_KEY:-$HMS_CACHE/backup.key}
    if [ ! -s "$keyfile" ]; then
        log "generating the backup key $keyfile: keep a copy apart from the backups"
        (umask 077 && age-keygen -o "$keyfile" 2>/dev/null)
    fi
    printf '%s\n' "$keyfile"
}

odoo_bin() { python "$ODOO_PATH/odoo-bin" -c "$ODOO_RC" "$@"; }

# Every HMS addon, and the core modules they depend on (transitively, outside addons/).
hms_addons() { (cd "$HMS_ROOT/addons" && ls -d hms_*/ | tr -d / | paste -sd, -); }
core_dependencies() {
    python - "$HMS_ROOT/addons" <<'PY'
import ast, pathlib, sys
root = pathlib.Path(sys.argv[1])
core, todo, seen = set(), [p.name for p in root.glob("hms_*")], set()
while todo:
    name = todo.pop()
    if name in seen:
        continue
    seen.add(name)
    manifest = root / name / "__manifest__.py"
    if manifest.exists():
        todo += ast.literal_eval(manifest.read_text()).get("depends", [])
    else:
        core.add(name)
print(",".join(sorted(core)))
PY
}

db_exists() { psql -qAt -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1; }

# Copy a database and its filestore.
clone_db() {
    local src=$1 dst=$2
    dropdb --if-exists "$dst"
    createdb -T "$src" "$dst"
    rm -rf "$HMS_DATA_DIR/filestore/$dst"
    if [ -d "$HMS_DATA_DIR/filestore/$src" ]; then cp -a "$HMS_DATA_DIR/filestore/$src" "$HMS_DATA_DIR/filestore/$dst"; fi
}

# Install ODOO modules into DB and fail on any WARNING/ERROR in the log.
install_modules() {
    local db=$1 modules=$2 logfile=$3
    log "installing $modules into $db (log: $logfile)"
    if ! odoo_bin -d "$db" -i "$modules" --stop-after-init --log-level=info >"$logfile" 2>&1; then
        tail -n 40 "$logfile" >&2; die "installing $modules failed"
    fi
    python "$HMS_ROOT/scripts/check_install_log.py" "$logfile"
}

# A template database with only Odoo's own modules, keyed by their versions and the
# configuration template (database creation options such as unaccent).
ensure_core_template() {
    local deps key lock
    deps=$(core_dependencies)
    key=$( { echo "$deps"; cat "$ODOO_PATH/odoo/release.py" "$HMS_ROOT/config/odoo.conf"; for m in ${deps//,/ }; do
              cat "$ODOO_PATH/addons/$m/__manifest__.py" "$ODOO_PATH/odoo/addons/$m/__manifest__.py" 2>/dev/null || true; done
           } | sha1sum | cut -c1-10)
    CORE_TEMPLATE="hms_core_$key"
    # Several checkouts may share this cache: one builds the template, the others wait.
    exec {lock}>"$HMS_CACHE/template.lock"
    flock "$lock"
    if ! db_exists "$CORE_TEMPLATE"; then
        dropdb --if-exists "${CORE_TEMPLATE}_tmp"
        install_modules "${CORE_TEMPLATE}_tmp" "$deps" "$HMS_CACHE/install-core.log"
        psql -q -d postgres -c "ALTER DATABASE ${CORE_TEMPLATE}_tmp RENAME TO $CORE_TEMPLATE"
        [ -d "$HMS_DATA_DIR/filestore/${CORE_TEMPLATE}_tmp" ] \
            && mv "$HMS_DATA_DIR/filestore/${CORE_TEMPLATE}_tmp" "$HMS_DATA_DIR/filestore/$CORE_TEMPLATE"
        # Templates of older dependency sets go; the newest few stay for other checkouts.
        for stale in $(psql -qAt -d postgres -c "SELECT datname FROM pg_database
                       WHERE datname LIKE 'hms\_core\_%' AND datname <> '$CORE_TEMPLATE'
                       ORDER BY oid DESC OFFSET 3"); do
            dropdb --if-exists "$stale" && rm -rf "$HMS_DATA_DIR/filestore/$stale"
        done
    fi
    flock -u "$lock"
}

setup_all() {
    ensure_debs "${BASE_DEBS[@]}" "$@"
    find_odoo
    ensure_venv
    ensure_postgres
}
