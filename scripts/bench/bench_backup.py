"""Backup and restore time and size against plain pg_dump / pg_restore of the same database.

    python scripts/bench/bench_backup.py -c <odoo.conf> -d <db> [--rounds 1]

Each round runs, one after the other on the same database: ``pg_dump --format=custom`` to a
file (the baseline), ``scripts/hms_backup.py backup`` (snapshot, row counts, dump, filestore,
age encryption, checksums), ``pg_restore --jobs=2`` into a new empty database (the baseline),
and ``scripts/hms_backup.py restore`` (checksums, decryption, the same pg_restore, filestore,
then the verification: row counts, audit chain, confidential fields). The restored databases
are dropped at the end.
"""

import contextlib
import importlib.util
import pathlib
import subprocess
import sys
import tempfile
import time

from benchlib import parse_args

from odoo.tools import config

SCRIPT = pathlib.Path(__file__).resolve().parent.parent / "hms_backup.py"
spec = importlib.util.spec_from_file_location("hms_backup", SCRIPT)
hms_backup = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hms_backup)


def timed(*command, env=None):
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    return time.perf_counter() - start


def size_of(path):
    path = pathlib.Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main():
    args = parse_args(__doc__.splitlines()[0], rounds={"type": int, "default": 1})
    db, env = args.database, hms_backup.pg_env(config)
    with tempfile.TemporaryDirectory(prefix="bench-backup-") as tmp:
        work = pathlib.Path(tmp)
        key = work / "backup.key"
        subprocess.run(["age-keygen", "-o", str(key)], check=True, capture_output=True)
        with contextlib.closing(hms_backup.connect(config, db)) as conn, conn.cursor() as cr:
            cr.execute("SELECT count(*) FROM hms_patient")
            patients = cr.fetchone()[0]
            cr.execute("SELECT pg_database_size(%s)", [db])
            db_size = cr.fetchone()[0]
        print(
            f"database {db}: {patients:,} patients, {db_size / 1e6:,.0f} MB on disk, "
            f"filestore {size_of(config.filestore(db)) / 1e6:,.1f} MB"
        )
        for round_ in range(1, args.rounds + 1):
            plain = work / "plain.dump"
            plain_dump = timed("pg_dump", "--format=custom", "-f", str(plain), db, env=env)
            out = work / f"backups-{round_}"
            hms_dump = timed(
                *(sys.executable, str(SCRIPT), "backup", "-c", config.rcfile, "-d", db),
                *("--key", str(key), "--dir", str(out), "--quiet"),
            )
            backup_file = next(out.glob("*.hmsbackup.tar"))

            target = f"{db}_bench_plain"
            hms_backup.drop(config, target, pathlib.Path(config.filestore(target)))
            hms_backup.create_database(target)
            plain_restore = timed(
                *("pg_restore", "--no-owner", "--no-privileges", "--jobs=2"),
                *("-d", target, str(plain)),
                env=env,
            )
            hms_backup.drop(config, target, pathlib.Path(config.filestore(target)))
            target = f"{db}_bench_hms"
            hms_backup.drop(config, target, pathlib.Path(config.filestore(target)))
            hms_restore = timed(
                *(sys.executable, str(SCRIPT), "restore", "-c", config.rcfile, "--quiet"),
                *("--key", str(key), str(backup_file), "--to", target),
            )
            hms_backup.drop(config, target, pathlib.Path(config.filestore(target)))

            plain_size, hms_size = plain.stat().st_size, backup_file.stat().st_size
            print(
                f"round {round_}: backup {hms_dump:.1f} s vs pg_dump {plain_dump:.1f} s "
                f"({hms_dump / plain_dump:.2f}x); "
                f"size {hms_size / 1e6:,.1f} MB vs {plain_size / 1e6:,.1f} MB "
                f"({hms_size / plain_size:.2f}x, filestore included); "
                f"restore + verification {hms_restore:.1f} s vs pg_restore {plain_restore:.1f} s "
                f"({hms_restore / plain_restore:.2f}x)"
            )
            backup_file.unlink()
            plain.unlink()


if __name__ == "__main__":
    main()
