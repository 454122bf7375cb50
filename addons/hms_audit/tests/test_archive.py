from datetime import date

import psycopg2
from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.hms_audit.tools.chain import canonical_hash

from .common import HmsAuditCase


@tagged("post_install", "-at_install")
class TestAuditArchive(HmsAuditCase):
    def setUp(self):
        super().setUp()
        self.use_signing_key()
        self.Event = self.env["hms.audit.event"]
        self.Checkpoint = self.env["hms.audit.checkpoint"]
        # Two months ahead: every event of the database so far is older than `self.kept`.
        self.old_month = date.today().replace(day=1) + relativedelta(months=2)
        self.kept = self.old_month + relativedelta(months=1)
        with freeze_time(self.old_month + relativedelta(days=9)):
            self.env["hms.patient"].create({"name": "Archived Month"})
            self.last_archived = self.events_since(self.mark)[-1].sequence
        self.checkpoint = self.Checkpoint._create_checkpoint()
        with freeze_time(self.kept + relativedelta(days=2)):
            self.env["hms.patient"].create({"name": "Kept Month"})
            self.first_kept = self.events_since(self.mark)[-1].sequence

    @property
    def partition(self):
        return f"hms_audit_event_archive_y{self.old_month.year:04d}m{self.old_month.month:02d}"

    def archive(self):
        return self.Event._archive_before(self.kept)

    def fetch(self, query, *params):
        self.env.cr.execute(query, params or None)
        return self.env.cr.fetchone()

    def test_archiving_moves_exactly_the_events_before_the_month(self):
        count, first = self.fetch("SELECT count(*), min(sequence) FROM hms_audit_event")
        self.assertEqual(self.archive(), self.last_archived)
        self.assertEqual(
            self.fetch(
                "SELECT count(*), min(sequence), max(sequence) FROM hms_audit_event_archive"
            ),
            (self.last_archived, first, self.last_archived),
        )
        self.assertEqual(
            self.fetch("SELECT count(*), min(sequence) FROM hms_audit_event"),
            (count - self.last_archived, self.first_kept),
        )
        latest = self.fetch("SELECT max(event_time) FROM hms_audit_event_archive")[0]
        self.assertLess(latest.date(), self.kept)
        self.assertEqual(
            self.fetch(SQL("SELECT count(*) FROM %s", SQL.identifier(self.partition))), (1,)
        )
        self.assertEqual(self.archive(), 0, "nothing left to archive")

    def test_live_chain_and_archive_verify_apart(self):
        self.archive()
        Verification = self.env["hms.audit.verification"]
        live = Verification._verify()
        self.assertTrue(live["valid"], live)
        self.assertEqual(live["count"], self.first_kept - self.last_archived)
        from_checkpoint = Verification._verify(from_checkpoint=True)
        self.assertTrue(from_checkpoint["valid"], from_checkpoint)
        self.assertEqual(from_checkpoint["from_sequence"], self.checkpoint.sequence)
        archived = Verification._verify(archive=True)
        self.assertTrue(archived["valid"], archived)
        self.assertEqual((archived["count"], archived["head"]), (self.last_archived,) * 2)

    def test_tampering_in_the_archive_is_detected(self):
        from odoo.addons.hms_audit.tools.cli import verify_report

        self.archive()
        middle = self.last_archived - 1
        with self.tampering() as cr:
            cr.execute("ALTER TABLE hms_audit_event_archive DISABLE TRIGGER USER")
            cr.execute(
                "UPDATE hms_audit_event_archive SET reason = 'x' WHERE sequence = %s", [middle]
            )
            self.assertEqual(
                verify_report(self.env, archive=True),
                (1, f"BROKEN: the chain is broken at event {middle}"),
            )
            # Rehashed consistently, the last archived event no longer links to the live chain.
            cr.execute(
                "UPDATE hms_audit_event_archive SET reason = 'x' WHERE sequence = %s",
                [self.last_archived],
            )
            cr.execute(
                SQL(
                    "UPDATE hms_audit_event_archive e SET event_hash = %s WHERE sequence = %s",
                    canonical_hash("e"),
                    self.last_archived,
                )
            )
            self.assertEqual(self.Event._verify_chain()["broken"], self.first_kept)

    def test_archiving_needs_a_covering_signed_checkpoint(self):
        from odoo.addons.hms_audit.tools.cli import archive_report

        self.env.cr.execute("DELETE FROM hms_audit_checkpoint")
        with self.assertRaisesMessage(UserError, "checkpoint signed"):
            self.archive()
        code, text = archive_report(self.env, self.kept)
        self.assertEqual(code, 1)
        self.assertIn("REFUSED", text)
        self.assertEqual(self.fetch("SELECT count(*) FROM hms_audit_event_archive"), (0,))
        self.Checkpoint._create_checkpoint()
        self.assertEqual(
            archive_report(self.env, self.kept), (0, f"OK: {self.last_archived} events archived")
        )

    @mute_logger("odoo.sql_db")
    def test_only_the_archival_deletes(self):
        self.archive()
        statements = (
            "DELETE FROM hms_audit_event WHERE sequence = %(kept)s",
            # the bypass deletes copies of archived events only
            "SET LOCAL hms_audit.archiving = 'on'; DELETE FROM hms_audit_event"
            " WHERE sequence = %(kept)s",
            "UPDATE hms_audit_event_archive SET reason = 'x' WHERE sequence = %(archived)s",
            "DELETE FROM hms_audit_event_archive WHERE sequence = %(archived)s",
            "TRUNCATE hms_audit_event_archive",
            f"TRUNCATE {self.partition}",
        )
        params = {
            "kept": self.first_kept,
            "archived": self.last_archived,
        }
        for statement in statements:
            with self.subTest(statement=statement):
                with self.assertRaises(psycopg2.errors.InsufficientPrivilege):
                    with self.env.cr.savepoint():
                        self.env.cr.execute(statement, params)
        with self.assertRaises(UserError):
            self.Event.sudo().browse(self.first_kept).unlink()
        self.assertTrue(self.env["hms.audit.verification"]._verify()["valid"])
