#!/usr/bin/env python3
"""Encrypted backups of an HMS database and restores that verify themselves.

    python scripts/hms_backup.py backup  -c odoo.conf -d hms --key backup.key --dir /backups
    python scripts/hms_backup.py restore -c odoo.conf --key backup.key FILE --to hms_restored
    python scripts/hms_backup.py schedule --at 02:30 [--cron] [--install] -- BACKUP-COMMAND...

A backup is one POSIX tar file, ``<db>-<UTC time>.hmsbackup.tar``, of three parts, each
encrypted with age (https://age-encryption.org, authenticated, streamed) to the public key of
the backup key (an age identity kept outside the database and its backups):

- ``manifest.json.age``: row counts of every HMS table, the audit chain's head, checksums;
- ``database.dump.age``: ``pg_dump --format=custom`` of the database;
- ``filestore.tar.age``: a tar of the Odoo filestore files the database refers to.

The dump, the row counts, the audit head and the list of files come from one exported
snapshot, and Odoo's filestore garbage collector waits while the files are copied: the parts
describe the same moment. The restore goes into a new database (a staging one, renamed at the
end), verifies it against the manifest and drops it on any mismatch.
"""

import argparse
import contextlib
import datetime
import hashlib
import json
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

FORMAT = "hms-backup/1"
SUFFIX = ".hmsbackup.tar"
MANIFEST, DUMP, FILESTORE = "manifest.json", "database.dump", "filestore.tar"
CHUNK = 1 << 20
CONFIDENTIAL_SAMPLE = 20


class BackupError(Exception):
    """A refusal with a message for the operator; the command exits non-zero."""


# Connection and configuration --------------------------------------------------------------


def load_config(path):
    """Parse the Odoo configuration (database server, data_dir, encryption keys)."""
    import odoo

    odoo.tools.config.parse_config(["-c", path, "--log-level=warn"])
    return odoo.tools.config


def pg_env(config):
    """The environment for pg_dump/pg_restore/psycopg2: the server of the Odoo config."""
    env = dict(os.environ)
    for option, variable in (
        ("db_host", "PGHOST"),
        ("db_port", "PGPORT"),
        ("db_user", "PGUSER"),
        ("db_password", "PGPASSWORD"),
    ):
        value = config.get(option)
        if value and value != "False":
            env[variable] = str(value)
    return env


def connect(config, database):
    import psycopg2

    env = pg_env(config)
    return psycopg2.connect(
        dbname=database,
        host=env.get("PGHOST"),
        port=env.get("PGPORT"),
        user=env.get("PGUSER"),
        password=env.get("PGPASSWORD"),
    )


def database_exists(config, name):
    with contextlib.closing(connect(config, "postgres")) as conn, conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return bool(cr.fetchone())


def admin_sql(config, query):
    """Run a statement outside a transaction (CREATE/DROP/ALTER DATABASE)."""
    with contextlib.closing(connect(config, "postgres")) as conn:
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute(query)


def quote_ident(name):
    return '"{}"'.format(name.replace('"', '""'))


# Progress and streams ----------------------------------------------------------------------


def reporter(step, quiet):
    """A function printing ``[step] text`` on stderr (nothing when quiet)."""

    def say(text):
        if not quiet:
            print(f"[{step}] {text}", file=sys.stderr)

    return say


class Progress:
    """One line per step on stderr, refreshed at most every two seconds while bytes flow."""

    def __init__(self, label, quiet=False):
        self.label, self.quiet = label, quiet
        self.done = 0
        self.start = self.shown = time.monotonic()
        self.tty = sys.stderr.isatty()

    def add(self, amount):
        self.done += amount
        now = time.monotonic()
        if not self.quiet and now - self.shown >= 2:
            self.shown = now
            self._print("\r" if self.tty else "\n")

    def _print(self, end):
        elapsed = max(time.monotonic() - self.start, 1e-6)
        mb = self.done / 1e6
        sys.stderr.write(f"[backup] {self.label}: {mb:,.1f} MB, {mb / elapsed:,.1f} MB/s{end}")
        sys.stderr.flush()

    def finish(self):
        if not self.quiet:
            self._print("\n")


class HashingWriter:
    """A file-like sink that counts, hashes and forwards what is written to it."""

    def __init__(self, sink, progress):
        self.sink, self.progress = sink, progress
        self.sha256, self.size = hashlib.sha256(), 0

    def write(self, data):
        self.sha256.update(data)
        self.size += len(data)
        self.progress.add(len(data))
        self.sink.write(data)
        return len(data)

    def flush(self):
        self.sink.flush()


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def recipient_of(key):
    """The public age recipient of an identity file (or the recipient itself)."""
    if not key:
        raise BackupError("no backup key: pass an age identity file or an age1... public key")
    if key.startswith("age1"):
        return key
    if not os.path.isfile(key):
        raise BackupError(f"the backup key {key} does not exist")
    out = subprocess.run(["age-keygen", "-y", key], capture_output=True, text=True, check=False)
    if out.returncode:
        raise BackupError(f"the backup key {key} is not an age identity: {out.stderr.strip()}")
    return out.stdout.strip()


@contextlib.contextmanager
def age_encrypt(recipient, output):
    """A pipe into ``age -r RECIPIENT -o OUTPUT``: what is written is stored encrypted."""
    proc = subprocess.Popen(["age", "-r", recipient, "-o", str(output)], stdin=subprocess.PIPE)
    try:
        yield proc.stdin
        proc.stdin.close()
    finally:
        if proc.wait():
            raise BackupError(f"age could not encrypt {output.name}")


def age_decrypt(identity, source, output):
    """Decrypt SOURCE into OUTPUT; a wrong key or an altered part is a refusal."""
    out = subprocess.run(
        ["age", "-d", "-i", identity, "-o", str(output), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        errors = [line for line in out.stderr.splitlines() if "error:" in line]
        reason = errors[0].split("error:", 1)[1].strip() if errors else out.stderr.strip()
        if "no identity matched" in reason:
            raise BackupError(f"the backup key does not open this backup (wrong key: {reason})")
        raise BackupError(f"{source.name} does not decrypt: altered or truncated ({reason})")


# The snapshot -------------------------------------------------------------------------------


def hms_tables(cr):
    cr.execute(
        r"""SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
              AND (c.relname LIKE 'hms\_%' OR c.relname = 'ir_attachment')
            ORDER BY c.relname"""
    )
    return [row[0] for row in cr.fetchall()]


def row_counts(cr):
    counts = {}
    for table in hms_tables(cr):
        cr.execute(f"SELECT count(*) FROM {quote_ident(table)}")
        counts[table] = cr.fetchone()[0]
    return counts


def audit_head(cr):
    """Sequence and hash of the last sealed audit event (None without hms_audit)."""
    cr.execute("SELECT to_regclass('hms_audit_event') IS NOT NULL")
    if not cr.fetchone()[0]:
        return None
    cr.execute(
        "SELECT sequence, event_hash FROM hms_audit_event WHERE sequence IS NOT NULL"
        " ORDER BY sequence DESC LIMIT 1"
    )
    row = cr.fetchone()
    return {"sequence": row[0], "hash": row[1]} if row else {"sequence": 0, "hash": None}


def stored_files(cr):
    cr.execute(
        "SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL"
        " ORDER BY store_fname"
    )
    return [row[0] for row in cr.fetchall()]


# Backup -------------------------------------------------------------------------------------


def backup(config, database, key, directory, *, keep_daily=7, keep_monthly=12, quiet=False):
    """Write one encrypted backup of ``database`` into ``directory``; return its path."""
    recipient = recipient_of(key)
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    final = directory / f"{database}-{now:%Y%m%dT%H%M%SZ}{SUFFIX}"
    filestore = pathlib.Path(config.filestore(database))
    say = reporter("backup", quiet)
    with (
        tempfile.TemporaryDirectory(dir=directory, prefix=".partial-") as tmp,
        contextlib.closing(connect(config, database)) as conn,
    ):
        work = pathlib.Path(tmp)
        conn.set_session(isolation_level="REPEATABLE READ")
        cr = conn.cursor()
        # Odoo's filestore garbage collector takes a SHARE lock: it waits until we are done.
        # Locked before the first query, which takes the snapshot: no file of it goes away.
        cr.execute("LOCK TABLE ir_attachment IN ROW EXCLUSIVE MODE")
        cr.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cr.fetchone()
        say(f"snapshot {snapshot} of {database} (PostgreSQL {server_version})")
        counts, head, files = row_counts(cr), audit_head(cr), stored_files(cr)
        missing = [name for name in files if not (filestore / name).is_file()]
        if files and not filestore.is_dir():
            raise BackupError(f"the filestore of {database} is missing ({filestore})")
        if missing:
            raise BackupError(
                f"the filestore of {database} is incomplete: {len(missing)} of {len(files)} "
                f"files missing in {filestore} (first: {missing[0]})"
            )
        parts = {DUMP: dump_part(config, database, snapshot, recipient, work, quiet=quiet)}
        parts[FILESTORE] = filestore_part(filestore, files, recipient, work, quiet)
        conn.rollback()
        manifest = {
            "format": FORMAT,
            "database": database,
            "created": now.isoformat(timespec="seconds"),
            "postgresql": server_version,
            "tables": counts,
            "audit_head": head,
            "parts": parts,
        }
        with age_encrypt(recipient, work / f"{MANIFEST}.age") as sink:
            sink.write(json.dumps(manifest, indent=1, sort_keys=True).encode())
        partial = work / final.name
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
            for name in (MANIFEST, DUMP, FILESTORE):
                archive.add(work / f"{name}.age", arcname=f"{name}.age")
        partial.chmod(0o600)
        partial.replace(final)
    say(f"wrote {final} ({final.stat().st_size / 1e6:,.1f} MB, {sum(counts.values()):,} rows)")
    for old in prune(directory, database, now, keep_daily, keep_monthly):
        say(f"retention: removed {old.name}")
    return final


def dump_part(config, database, snapshot, recipient, work, *, quiet):
    target = work / f"{DUMP}.age"
    progress = Progress("database dump", quiet)
    command = ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--no-owner", database]
    dump = subprocess.Popen(command, stdout=subprocess.PIPE, env=pg_env(config))
    with age_encrypt(recipient, target) as sink:
        writer = HashingWriter(sink, progress)
        while chunk := dump.stdout.read(CHUNK):
            writer.write(chunk)
    if dump.wait():
        raise BackupError(f"pg_dump of {database} failed (exit {dump.returncode})")
    progress.finish()
    return part_entry(target, writer)


def filestore_part(filestore, files, recipient, work, quiet):
    target = work / f"{FILESTORE}.age"
    progress = Progress(f"filestore, {len(files):,} files", quiet)
    with age_encrypt(recipient, target) as sink:
        writer = HashingWriter(sink, progress)
        with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as archive:
            for name in files:
                archive.add(filestore / name, arcname=name, recursive=False)
    progress.finish()
    entry = part_entry(target, writer)
    entry["files"] = len(files)
    return entry


def part_entry(target, writer):
    return {
        "member": target.name,
        "size": target.stat().st_size,
        "sha256": sha256_file(target),
        "plain_size": writer.size,
        "plain_sha256": writer.sha256.hexdigest(),
    }


# Retention ----------------------------------------------------------------------------------


def backup_time(path, database):
    match = re.fullmatch(re.escape(database) + r"-(\d{8}T\d{6}Z)" + re.escape(SUFFIX), path.name)
    if not match:
        return None
    return datetime.datetime.strptime(match[1], "%Y%m%dT%H%M%SZ").replace(
        tzinfo=datetime.timezone.utc
    )


def kept(times, now, keep_daily, keep_monthly):
    """The backup times to keep: the newest of each of the last ``keep_daily`` days and the
    newest of each of the last ``keep_monthly`` months (calendar days and months, UTC)."""
    first_day = now.date() - datetime.timedelta(days=keep_daily - 1)
    months = now.year * 12 + now.month - 1
    newest_of = {}
    for when in sorted(times):
        if keep_daily > 0 and when.date() >= first_day:
            newest_of[("day", when.date())] = when
        if keep_monthly > 0 and when.year * 12 + when.month - 1 > months - keep_monthly:
            newest_of[("month", when.year, when.month)] = when
    return set(newest_of.values())


def prune(directory, database, now, keep_daily, keep_monthly):
    """Delete the backups of ``database`` in ``directory`` that retention does not keep."""
    backups = {
        when: path
        for path in pathlib.Path(directory).iterdir()
        if (when := backup_time(path, database))
    }
    keep = kept(backups, now, keep_daily, keep_monthly) | {max(backups, default=None)}
    removed = [path for when, path in sorted(backups.items()) if when not in keep]
    for path in removed:
        path.unlink()
    return removed


# Restore ------------------------------------------------------------------------------------


def read_backup(path, work, identity):
    """Unpack the tar, decrypt the manifest and check the parts' checksums against it."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    try:
        with tarfile.open(path, "r:") as archive:
            names = archive.getnames()
            for name in names:
                if name not in {f"{part}.age" for part in (MANIFEST, DUMP, FILESTORE)}:
                    raise BackupError(f"{path.name} is not an HMS backup (member {name})")
            archive.extractall(work, filter="data")
    except (tarfile.TarError, EOFError) as error:
        raise BackupError(f"{path.name} is truncated or damaged ({error})") from error
    if f"{MANIFEST}.age" not in names:
        raise BackupError(f"{path.name} is not an HMS backup: it has no manifest")
    age_decrypt(identity, work / f"{MANIFEST}.age", work / MANIFEST)
    manifest = json.loads((work / MANIFEST).read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path.name} has an unknown format {manifest.get('format')!r}")
    for part, label in ((DUMP, "database dump"), (FILESTORE, "filestore")):
        member = work / f"{part}.age"
        if not member.is_file():
            raise BackupError(f"{path.name} has no {label}: refused")
        expected = manifest["parts"][part]
        if member.stat().st_size != expected["size"] or sha256_file(member) != expected["sha256"]:
            raise BackupError(
                f"the {label} of {path.name} does not match its checksum: altered or truncated"
            )
    return manifest


def restore(config, path, target, identity, *, replace=False, quiet=False):
    """Restore the backup at ``path`` into the new database ``target`` and verify it.

    Returns the one-line report. Any failure drops what was restored and raises BackupError.
    """
    say = reporter("restore", quiet)
    if database_exists(config, target) and not replace:
        raise BackupError(
            f"database {target} exists: restore into a new database, or pass --replace"
        )
    if not os.path.isfile(identity):
        raise BackupError(f"the backup key {identity} does not exist")
    staging = f"{target}_restoring"
    staging_files = pathlib.Path(config.filestore(staging))
    with tempfile.TemporaryDirectory(prefix="hms-restore-") as tmp:
        work = pathlib.Path(tmp)
        manifest = read_backup(path, work, identity)
        say(f"backup of {manifest['database']} taken {manifest['created']}: checksums match")
        drop(config, staging, staging_files)
        try:
            create_database(staging)
            age_decrypt(identity, work / f"{DUMP}.age", work / DUMP)
            (work / f"{DUMP}.age").unlink()
            check_plain(work / DUMP, manifest["parts"][DUMP], "database dump")
            say("pg_restore ...")
            started = time.monotonic()
            out = subprocess.run(
                [
                    *("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"),
                    *("--jobs=2", "-d", staging, str(work / DUMP)),
                ],
                env=pg_env(config),
                capture_output=True,
                text=True,
                check=False,
            )
            if out.returncode:
                raise BackupError(f"pg_restore failed: {out.stderr.strip()[-500:]}")
            say(f"pg_restore done in {time.monotonic() - started:.1f}s")
            age_decrypt(identity, work / f"{FILESTORE}.age", work / FILESTORE)
            check_plain(work / FILESTORE, manifest["parts"][FILESTORE], "filestore")
            staging_files.mkdir(parents=True, exist_ok=True)
            with tarfile.open(work / FILESTORE, "r:") as archive:
                archive.extractall(staging_files, filter="data")
            report = verify(config, staging, staging_files, manifest)
            finish(config, staging, staging_files, target, replace)
        except BaseException:
            drop(config, staging, staging_files)
            raise
    return f"OK: {path} restored into {target}: {report}"


def create_database(name):
    """An empty database as Odoo creates one (and as its own restore does): the extensions and
    the IMMUTABLE ``unaccent`` that the dump's indexes need are not part of a dump."""
    import odoo
    from odoo.service.db import _create_empty_database

    _create_empty_database(name)
    odoo.sql_db.close_db(name)


def check_plain(path, expected, label):
    if (
        path.stat().st_size != expected["plain_size"]
        or sha256_file(path) != expected["plain_sha256"]
    ):
        raise BackupError(f"the decrypted {label} does not match the manifest's checksum")


def verify(config, database, filestore, manifest):
    """Compare the restored database with the manifest; the summary, or BackupError."""
    import odoo
    from odoo.modules.registry import Registry

    with contextlib.closing(connect(config, database)) as conn, conn.cursor() as cr:
        counts = row_counts(cr)
        files = stored_files(cr)
    if counts != manifest["tables"]:
        diff = sorted(
            f"{table}: {manifest['tables'].get(table)} in the manifest, {counts.get(table)} here"
            for table in set(counts) | set(manifest["tables"])
            if counts.get(table) != manifest["tables"].get(table)
        )
        raise BackupError("row counts differ from the manifest: " + "; ".join(diff[:5]))
    missing = [name for name in files if not (filestore / name).is_file()]
    if missing:
        raise BackupError(
            f"{len(missing)} files of the filestore are missing (first: {missing[0]})"
        )
    try:
        registry = Registry(database)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            chain = verify_chain(env, manifest["audit_head"])
            decrypted = verify_confidential(env)
    finally:
        Registry.delete(database)
        odoo.sql_db.close_db(database)
    return (
        f"{len(counts)} tables and {sum(counts.values()):,} rows equal to the manifest, "
        f"{len(files):,} files, {chain}, {decrypted}"
    )


def verify_chain(env, head):
    if head is None:
        return "no audit trail"
    if "hms.audit.verification" not in env:
        raise BackupError("the backup has an audit trail but hms_audit is not installed here")
    result = env["hms.audit.verification"]._verify()
    if not result["valid"]:
        raise BackupError(
            f"the audit chain is broken at event {result['broken']}"
            f" {result['checkpoint_failure'] or ''}".strip()
        )
    if head["sequence"] and env["hms.audit.event"]._hash_at(head["sequence"]) != head["hash"]:
        raise BackupError(f"the audit chain's event {head['sequence']} differs from the manifest")
    if result["head"] != head["sequence"]:
        raise BackupError(
            f"the audit chain ends at event {result['head']}, the manifest at {head['sequence']}"
        )
    if not head["sequence"]:
        return "audit chain empty"
    return f"audit chain valid up to event {head['sequence']} ({head['hash'][:12]})"


def verify_confidential(env):
    """Decrypt a sample of every encrypted column with the keys configured here."""
    from odoo.exceptions import UserError

    from odoo.addons.hms_base.tools import crypto

    env.cr.execute(
        r"""SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name LIKE 'hms\_%'
              AND column_name LIKE '%\_encrypted' ORDER BY 1, 2"""
    )
    count = 0
    for table, column in env.cr.fetchall():
        env.cr.execute(
            f"SELECT {quote_ident(column)} FROM {quote_ident(table)}"
            f" WHERE {quote_ident(column)} IS NOT NULL ORDER BY id DESC LIMIT %s",
            [CONFIDENTIAL_SAMPLE],
        )
        for (token,) in env.cr.fetchall():
            try:
                crypto.decrypt(token)
            except UserError as error:
                raise BackupError(
                    f"confidential field {table}.{column} does not decrypt with the configured"
                    f" keys ({crypto.KEY_OPTION}): {error.args[0]}"
                ) from error
            count += 1
    return f"{count} confidential values decrypted"


def finish(config, staging, staging_files, target, replace):
    """The verified staging database becomes ``target`` (replacing it only when asked)."""
    target_files = pathlib.Path(config.filestore(target))
    if replace:
        drop(config, target, target_files)
    admin_sql(config, f"ALTER DATABASE {quote_ident(staging)} RENAME TO {quote_ident(target)}")
    if staging_files.exists():
        target_files.parent.mkdir(parents=True, exist_ok=True)
        staging_files.rename(target_files)


def drop(config, database, filestore):
    admin_sql(config, f"DROP DATABASE IF EXISTS {quote_ident(database)} WITH (FORCE)")
    shutil.rmtree(filestore, ignore_errors=True)


# Schedule -----------------------------------------------------------------------------------

CARRIED = ("HMS_DB", "HMS_DB_HOST", "HMS_DB_PORT", "HMS_DB_USER", "HMS_CACHE_DIR", "HMS_BACKUP_KEY")
CRON_MARK = "# hms-backup"


def schedule_units(command, at):
    """The systemd service and timer that run ``command`` every day at ``at``."""
    env = "".join(
        f"Environment={shlex.quote(f'{name}={os.environ[name]}')}\n"
        for name in CARRIED
        if os.environ.get(name)
    )
    service = (
        "[Unit]\nDescription=HMS encrypted database backup\n"
        "After=network-online.target postgresql.service\n\n"
        f"[Service]\nType=oneshot\n{env}ExecStart={shlex.join(command)}\n"
    )
    timer = (
        "[Unit]\nDescription=Daily HMS backup\n\n"
        f"[Timer]\nOnCalendar=*-*-* {at}:00\nPersistent=true\nRandomizedDelaySec=300\n\n"
        "[Install]\nWantedBy=timers.target\n"
    )
    return {"hms-backup.service": service, "hms-backup.timer": timer}


def cron_line(command, at):
    hour, minute = at.split(":")
    env = " ".join(
        shlex.quote(f"{name}={os.environ[name]}") for name in CARRIED if os.environ.get(name)
    )
    prefix = f"{env} " if env else ""
    return f"{int(minute)} {int(hour)} * * * {prefix}{shlex.join(command)} {CRON_MARK}"


def schedule(command, at="02:30", *, use_cron=False, install=False, unit_dir="/etc/systemd/system"):
    """Print (or install) a daily systemd timer, or a cron entry, running ``command``."""
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", at):
        raise BackupError(f"--at {at}: expected HH:MM")
    if use_cron:
        line = cron_line(command, at)
        if not install:
            return line
        current = subprocess.run(["crontab", "-l"], capture_output=True, text=True, check=False)
        lines = [x for x in current.stdout.splitlines() if not x.endswith(CRON_MARK)]
        subprocess.run(
            ["crontab", "-"], input="\n".join([*lines, line]) + "\n", text=True, check=True
        )
        return f"installed in the crontab: {line}"
    units = schedule_units(command, at)
    if not install:
        return "\n".join(f"# {name}\n{text}" for name, text in units.items())
    for name, text in units.items():
        path = pathlib.Path(unit_dir) / name
        path.write_text(text)
        path.chmod(0o600)
    subprocess.run(["systemctl", "daemon-reload"], check=True)
    subprocess.run(["systemctl", "enable", "--now", "hms-backup.timer"], check=True)
    return f"installed hms-backup.timer in {unit_dir}: every day at {at}"


# Command line -------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    def common(sub):
        sub.add_argument("-c", "--config", required=True, help="Odoo configuration file")
        sub.add_argument("--quiet", action="store_true", help="no progress lines")

    take = commands.add_parser("backup", help="write one encrypted backup")
    common(take)
    take.add_argument("-d", "--database", required=True)
    take.add_argument("--key", required=True, help="age identity file, or an age1... recipient")
    take.add_argument("--dir", required=True, help="directory of the backups")
    take.add_argument("--keep-daily", type=int, default=7, help="days kept (newest of each day)")
    take.add_argument("--keep-monthly", type=int, default=12, help="months kept (newest of each)")

    back = commands.add_parser("restore", help="restore into a new database and verify it")
    common(back)
    back.add_argument("file")
    back.add_argument("--to", required=True, dest="target", help="the new database")
    back.add_argument("--key", required=True, help="age identity file of the backups")
    back.add_argument("--replace", action="store_true", help="replace an existing database")

    plan = commands.add_parser("schedule", help="a daily systemd timer or cron entry")
    plan.add_argument("--at", default="02:30", help="time of day, HH:MM (default 02:30)")
    plan.add_argument("--cron", action="store_true", help="a cron entry instead of systemd")
    plan.add_argument("--install", action="store_true", help="install it instead of printing")
    plan.add_argument("backup_command", nargs="+", help="the backup command to run")

    args = parser.parse_args(argv)
    try:
        if args.command == "schedule":
            print(schedule(args.backup_command, args.at, use_cron=args.cron, install=args.install))
        elif args.command == "backup":
            config = load_config(args.config)
            print(
                backup(
                    config,
                    args.database,
                    args.key,
                    args.dir,
                    keep_daily=args.keep_daily,
                    keep_monthly=args.keep_monthly,
                    quiet=args.quiet,
                )
            )
        else:
            config = load_config(args.config)
            print(
                restore(
                    config,
                    args.file,
                    args.target,
                    args.key,
                    replace=args.replace,
                    quiet=args.quiet,
                )
            )
    except BackupError as error:
        print(f"REFUSED: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
