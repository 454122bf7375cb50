"""Backups: a day of work is backed up, restored into another database and proven identical;
a wrong key, an altered, truncated or incomplete backup is refused and leaves nothing behind."""

import contextlib
import datetime
import importlib.util
import io
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile

import pytest

from odoo.tools import config

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "hms_backup.py"
spec = importlib.util.spec_from_file_location("hms_backup", SCRIPT)
hms_backup = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hms_backup)

SECRET = "Backup secret: family history kept confidential"

# A day at the clinic, committed in the source database by a process of its own.
DAY_OF_WORK = """
import sys
import odoo
from odoo.modules.registry import Registry
odoo.tools.config.parse_config(["-c", sys.argv[1]])
from odoo.addons.hms_base.tools import crypto
with Registry(sys.argv[2]).cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    practitioner = env["hms.practitioner"].search([("user_id", "!=", False)], limit=1)
    clinic = practitioner.user_id.company_id
    patients = env["hms.patient"].create(
        [{"name": f"Backup Patient {i}", "company_id": clinic.id} for i in range(5)]
    )
    for patient in patients:
        encounter = env["hms.encounter"].create({
            "patient_id": patient.id,
            "practitioner_id": practitioner.id,
            "chief_complaint": "Cough",
        })
        # As the care team's doctor stores it: encrypted with the configured key.
        token = crypto.encrypt(sys.argv[3])
        encounter.write({"plan": "Rest", "confidential_note_encrypted": token})
        env["ir.attachment"].create({
            "name": f"scan-{patient.id}.txt",
            "raw": f"scan of {patient.name}".encode(),
            "res_model": "hms.patient",
            "res_id": patient.id,
        })
    cr.commit()
    cr.execute("SELECT hms_audit_seal()")
    cr.commit()
"""


def run(*args, conf=None):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args[:1], "-c", conf or config.rcfile, *args[1:]],
        capture_output=True,
        text=True,
        check=False,
    )


def exists(name):
    return hms_backup.database_exists(config, name)


def drop(name):
    hms_backup.drop(config, name, pathlib.Path(config.filestore(name)))


def counts(name):
    with contextlib.closing(hms_backup.connect(config, name)) as conn, conn.cursor() as cr:
        return hms_backup.row_counts(cr)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A copy of the test database with a day of work committed, and its backup."""
    test_db = config["db_name"]
    if isinstance(test_db, list):
        test_db = test_db[0]
    src, work = f"{test_db}_bsrc", tmp_path_factory.mktemp("backup")
    drop(src)
    hms_backup.create_database(src)
    env = hms_backup.pg_env(config)
    dump = subprocess.Popen(["pg_dump", "-Fc", test_db], stdout=subprocess.PIPE, env=env)
    subprocess.run(["pg_restore", "--no-owner", "-d", src], stdin=dump.stdout, env=env, check=True)
    assert dump.wait() == 0
    shutil.copytree(config.filestore(test_db), config.filestore(src))
    work_done = subprocess.run(
        [sys.executable, "-c", DAY_OF_WORK, config.rcfile, src, SECRET],
        capture_output=True,
        text=True,
        check=False,
    )
    assert work_done.returncode == 0, work_done.stderr[-3000:]
    key = work / "backup.key"
    subprocess.run(["age-keygen", "-o", str(key)], check=True, capture_output=True)
    out = run("backup", "-d", src, "--key", str(key), "--dir", str(work / "backups"))
    assert out.returncode == 0, out.stderr
    yield {"db": src, "key": key, "file": pathlib.Path(out.stdout.strip()), "work": work}
    drop(src)


@pytest.fixture
def target(source):
    name = f"{source['db']}_restored"
    drop(name)
    yield name
    drop(name)
    drop(f"{name}_restoring")


def assert_refused(out, target, pattern):
    assert out.returncode != 0
    assert out.stderr.strip().splitlines()[-1].startswith("REFUSED: "), out.stderr
    assert pattern in out.stderr, out.stderr
    assert not exists(target), "nothing is left half-restored"
    assert not exists(f"{target}_restoring")
    assert not os.path.exists(config.filestore(f"{target}_restoring"))


def rebuild(source, name, members):
    """A copy of the backup with its members replaced (``None`` leaves one out)."""
    path = source["work"] / name
    with tarfile.open(source["file"]) as original, tarfile.open(path, "w") as copy:
        for member in original.getmembers():
            if member.name in members:
                if members[member.name] is None:
                    continue
                data = members[member.name]
                member.size = len(data)
                copy.addfile(member, fileobj=io.BytesIO(data))
            else:
                copy.addfile(member, original.extractfile(member))
    return path


def test_backup_restore_proves_itself(source, target):
    out = run("restore", str(source["file"]), "--to", target, "--key", str(source["key"]))
    assert out.returncode == 0, out.stderr
    line = out.stdout.strip()
    assert len(line.splitlines()) == 1
    assert line.startswith(f"OK: {source['file']} restored into {target}")
    assert "rows equal to the manifest" in line
    assert "audit chain valid up to event" in line
    decrypted = re.search(r"(\d+) confidential values decrypted", line)
    assert decrypted and int(decrypted[1]) >= 5, line

    assert counts(target) == counts(source["db"])
    assert counts(target)["hms_audit_event"] > 0
    with (
        contextlib.closing(hms_backup.connect(config, target)) as conn,
        conn.cursor() as cr,
    ):
        cr.execute(
            "SELECT e.confidential_note_encrypted FROM hms_encounter e"
            " JOIN hms_patient p ON p.id = e.patient_id JOIN res_partner rp ON rp.id = p.partner_id"
            " WHERE rp.name LIKE 'Backup Patient %'"
        )
        tokens = [row[0] for row in cr.fetchall()]
        cr.execute("SELECT store_fname FROM ir_attachment WHERE name LIKE 'scan-%.txt'")
        files = [row[0] for row in cr.fetchall()]
    from odoo.addons.hms_base.tools import crypto

    assert len(tokens) == 5
    assert {crypto.decrypt(token) for token in tokens} == {SECRET}
    assert len(files) == 5
    for name in files:
        assert (pathlib.Path(config.filestore(target)) / name).read_bytes().startswith(b"scan of")

    again = run("restore", str(source["file"]), "--to", target, "--key", str(source["key"]))
    assert again.returncode != 0
    assert f"database {target} exists" in again.stderr
    assert exists(target), "an existing database is never touched without --replace"
    replaced = run(
        "restore", str(source["file"]), "--to", target, "--key", str(source["key"]), "--replace"
    )
    assert replaced.returncode == 0, replaced.stderr


def test_manifest_holds_counts_audit_head_and_checksums(source):
    with contextlib.closing(hms_backup.connect(config, source["db"])) as conn, conn.cursor() as cr:
        cr.execute("SELECT max(sequence) FROM hms_audit_event")
        head = cr.fetchone()[0]
    work = source["work"] / "manifest"
    work.mkdir(exist_ok=True)
    manifest = hms_backup.read_backup(source["file"], work, str(source["key"]))
    assert manifest["tables"] == counts(source["db"])
    assert manifest["audit_head"]["sequence"] == head
    assert len(manifest["audit_head"]["hash"]) == 64
    assert manifest["parts"]["filestore.tar"]["files"] >= 5
    for part in manifest["parts"].values():
        assert len(part["sha256"]) == 64


def test_wrong_key_refused(source, target):
    other = source["work"] / "other.key"
    subprocess.run(["age-keygen", "-o", str(other)], check=True, capture_output=True)
    out = run("restore", str(source["file"]), "--to", target, "--key", str(other))
    assert_refused(out, target, "wrong key")


def test_truncated_backup_refused(source, target):
    truncated = source["work"] / "truncated.hmsbackup.tar"
    data = source["file"].read_bytes()
    truncated.write_bytes(data[: len(data) * 2 // 3])
    out = run("restore", str(truncated), "--to", target, "--key", str(source["key"]))
    assert_refused(out, target, "truncated")


def test_altered_backup_refused(source, target):
    with tarfile.open(source["file"]) as archive:
        offset = archive.getmember("database.dump.age").offset_data
    altered = source["work"] / "altered.hmsbackup.tar"
    data = bytearray(source["file"].read_bytes())
    data[offset + 1000] ^= 0x01
    altered.write_bytes(bytes(data))
    out = run("restore", str(altered), "--to", target, "--key", str(source["key"]))
    assert_refused(out, target, "does not match its checksum")


def test_backup_without_filestore_refused(source, target):
    path = rebuild(source, "nofiles.hmsbackup.tar", {"filestore.tar.age": None})
    out = run("restore", str(path), "--to", target, "--key", str(source["key"]))
    assert_refused(out, target, "has no filestore")


def test_missing_filestore_refused_at_backup(source):
    filestore = pathlib.Path(config.filestore(source["db"]))
    aside = filestore.with_name(filestore.name + "_aside")
    filestore.rename(aside)
    try:
        out = run(
            "backup", "-d", source["db"], "--key", str(source["key"]), "--dir", str(source["work"])
        )
    finally:
        aside.rename(filestore)
    assert out.returncode != 0
    assert f"REFUSED: the filestore of {source['db']} is missing" in out.stderr


def manifest_with(source, change):
    """A backup whose manifest (validly encrypted) says something the database does not."""
    work = source["work"] / "forged"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    manifest = hms_backup.read_backup(source["file"], work, str(source["key"]))
    change(manifest)
    recipient = hms_backup.recipient_of(str(source["key"]))
    with hms_backup.age_encrypt(recipient, work / "forged.age") as sink:
        sink.write(json.dumps(manifest).encode())
    data = (work / "forged.age").read_bytes()
    return rebuild(source, "forged.hmsbackup.tar", {"manifest.json.age": data})


def test_row_count_mismatch_drops_the_restore(source, target):
    def change(manifest):
        manifest["tables"]["hms_patient"] += 1

    out = run(
        "restore", str(manifest_with(source, change)), "--to", target, "--key", str(source["key"])
    )
    assert_refused(out, target, "row counts differ from the manifest: hms_patient")


def test_audit_head_mismatch_drops_the_restore(source, target):
    def change(manifest):
        manifest["audit_head"]["hash"] = "0" * 64

    out = run(
        "restore", str(manifest_with(source, change)), "--to", target, "--key", str(source["key"])
    )
    assert_refused(out, target, "differs from the manifest")


def test_wrong_field_keys_drop_the_restore(source, target):
    from odoo.addons.hms_base.tools import crypto

    conf = source["work"] / "other-keys.conf"
    text = pathlib.Path(config.rcfile).read_text()
    lines = [
        f"hms_encryption_keys = {crypto.generate_key()}"
        if line.startswith("hms_encryption_keys")
        else line
        for line in text.splitlines()
    ]
    conf.write_text("\n".join(lines) + "\n")
    out = run(
        "restore", str(source["file"]), "--to", target, "--key", str(source["key"]), conf=str(conf)
    )
    assert_refused(out, target, "does not decrypt with the configured keys")


def test_retention_keeps_newest_of_each_day_and_month():
    utc = datetime.timezone.utc
    now = datetime.datetime(2026, 11, 30, 2, 30, tzinfo=utc)
    times = [now - datetime.timedelta(hours=12 * i) for i in range(800)]
    kept = hms_backup.kept(times, now, keep_daily=7, keep_monthly=12)
    days = {when.date() for when in kept if when >= now - datetime.timedelta(days=6, hours=3)}
    assert len(days) == 7
    months = {(when.year, when.month) for when in kept}
    assert len(months) == 12
    assert (2025, 12) in months and (2025, 11) not in months
    assert len(kept) == 7 + 11, "this month's newest is also today's"
    assert now in kept


def test_prune_deletes_what_retention_drops(tmp_path):
    for stamp in ("20260101T023000Z", "20260102T023000Z", "20261129T023000Z", "20261130T023000Z"):
        (tmp_path / f"hms-{stamp}.hmsbackup.tar").write_bytes(b"x")
    (tmp_path / "other-20260101T023000Z.hmsbackup.tar").write_bytes(b"x")
    now = datetime.datetime(2026, 11, 30, 3, 0, tzinfo=datetime.timezone.utc)
    removed = hms_backup.prune(tmp_path, "hms", now, keep_daily=1, keep_monthly=12)
    assert [path.name for path in removed] == [
        "hms-20260101T023000Z.hmsbackup.tar",
        "hms-20261129T023000Z.hmsbackup.tar",
    ]
    assert (tmp_path / "other-20260101T023000Z.hmsbackup.tar").exists()


def test_schedule_prints_a_timer_or_a_cron_entry():
    command = ["/srv/hms/scripts/backup", "--dir", "/backups"]
    units = hms_backup.schedule(command, at="03:15")
    assert "OnCalendar=*-*-* 03:15:00" in units
    assert "ExecStart=/srv/hms/scripts/backup --dir /backups" in units
    assert "WantedBy=timers.target" in units
    line = hms_backup.schedule(command, at="03:15", use_cron=True)
    assert line.startswith("15 3 * * * ")
    assert line.endswith("/srv/hms/scripts/backup --dir /backups # hms-backup")
    with pytest.raises(hms_backup.BackupError):
        hms_backup.schedule(command, at="25:00")
