import datetime
import hashlib
import json

import psycopg2

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from ..tools.chain import CANONICAL_COLUMNS, canonical_hash
from .common import HmsAuditCase

# The hash of the fixed event of test_the_hash_format_is_pinned.
PINNED_HASH = "ddb6ed1faa10935ee046dbf056226fa0a993781f7288509df78fbc5bba5c110e"


def pg_json(value):
    """A value as json_build_array prints it: timestamps in ISO form without trailing zeros."""
    if isinstance(value, datetime.datetime):
        text = value.isoformat()
        return text.rstrip("0").rstrip(".") if "." in text else text
    return value


@tagged("post_install", "-at_install")
class TestAuditChain(HmsAuditCase):
    def setUp(self):
        super().setUp()
        Patient = self.env["hms.patient"].with_user(self.receptionist)
        for name in ("Chain One", "Chain Two", "Chain Three"):
            Patient.create({"name": name})
            self.env["hms.audit.event"]._seal()
        self.events = self.events_since(self.mark)
        self.assertEqual(len(self.events), 3)
        self.middle = self.events[1].sequence

    def verify(self):
        return self.env["hms.audit.event"]._verify_chain()

    def test_the_chain_links_each_event_to_the_previous_one(self):
        first, second, third = self.events
        self.assertEqual(second.sequence, first.sequence + 1)
        self.assertEqual(third.sequence, second.sequence + 1)
        self.assertEqual(second.prev_hash, first.event_hash)
        self.assertEqual(third.prev_hash, second.event_hash)
        result = self.verify()
        self.assertIsNone(result["broken"])
        self.assertEqual(result["head"], third.sequence)
        self.assertEqual(result["unsealed"], 0)

    def test_edited_event_is_found(self):
        with self.tampering() as cr:
            cr.execute(
                "UPDATE hms_audit_event SET user_id = %s WHERE sequence = %s",
                [self.doctor.id, self.middle],
            )
            self.assertEqual(self.verify()["broken"], self.middle)

    def test_edited_and_rehashed_event_breaks_the_next_link(self):
        with self.tampering() as cr:
            cr.execute(
                "UPDATE hms_audit_event e SET reason = 'hidden', event_hash = NULL"
                " WHERE sequence = %s",
                [self.middle],
            )
            cr.execute(
                "UPDATE hms_audit_event e SET event_hash = hms_audit_hash(e) WHERE sequence = %s",
                [self.middle],
            )
            self.assertEqual(self.verify()["broken"], self.middle + 1)

    def test_rewritten_event_relinked_to_its_successor_is_found(self):
        # The forger recomputes the rewritten event's hash and points the next event at it:
        # the next event's own hash covers its link, so it no longer matches.
        with self.tampering() as cr:
            cr.execute(
                "UPDATE hms_audit_event e SET reason = 'hidden', event_hash = NULL"
                " WHERE sequence = %s",
                [self.middle],
            )
            cr.execute(
                "UPDATE hms_audit_event e SET event_hash = hms_audit_hash(e) WHERE sequence = %s"
                " RETURNING event_hash",
                [self.middle],
            )
            cr.execute(
                "UPDATE hms_audit_event SET prev_hash = %s WHERE sequence = %s",
                [cr.fetchone()[0], self.middle + 1],
            )
            self.assertEqual(self.verify()["broken"], self.middle + 1)

    def test_rewritten_chain_up_to_the_head_is_found_by_the_signed_checkpoint(self):
        self.use_signing_key()
        self.env["hms.audit.checkpoint"]._create_checkpoint()
        with self.tampering() as cr:
            cr.execute(
                "UPDATE hms_audit_event e SET reason = 'hidden', event_hash = NULL"
                " WHERE sequence = %s",
                [self.middle],
            )
            for sequence in (self.middle, self.middle + 1):
                cr.execute(
                    "UPDATE hms_audit_event e SET event_hash = hms_audit_hash(e)"
                    " WHERE sequence = %s RETURNING event_hash",
                    [sequence],
                )
                new_hash = cr.fetchone()[0]
                cr.execute(
                    "UPDATE hms_audit_event e SET prev_hash = %s, event_hash = NULL"
                    " WHERE sequence = %s",
                    [new_hash, sequence + 1],
                )
            cr.execute(
                "UPDATE hms_audit_event e SET event_hash = hms_audit_hash(e) WHERE sequence = %s",
                [self.middle + 2],
            )
            result = self.env["hms.audit.verification"]._verify()
            self.assertIsNone(result["broken"])  # consistent, as far as hashes go
            self.assertIn("no longer holds the signed hash", result["checkpoint_failure"])
            self.assertFalse(result["valid"])

    def test_the_hash_format_is_pinned(self):
        """The hash an outside verifier recomputes: SHA-256 (hex) of the UTF-8 JSON array of
        CANONICAL_COLUMNS (id, sequence, prev_hash, then the content), as PostgreSQL's
        json_build_array prints it (", " and ": " separators, ISO timestamps)."""
        self.assertEqual(
            CANONICAL_COLUMNS,
            (
                "id",
                "sequence",
                "prev_hash",
                "event_time",
                "user_id",
                "real_user_id",
                "role",
                "company_id",
                "ip",
                "session_ref",
                "model",
                "res_ids",
                "patient_refs",
                "action",
                "field_names",
                "field_hashes",
                "login",
                "reason",
            ),
        )
        self.env.cr.execute(
            "SELECT * FROM hms_audit_event WHERE id = ANY(%s) ORDER BY sequence", [self.events.ids]
        )
        rows = self.env.cr.dictfetchall()
        previous = rows[0]["prev_hash"]
        for row in rows:
            values = [pg_json(row[c]) for c in CANONICAL_COLUMNS]
            text = json.dumps(values, ensure_ascii=False)
            self.assertEqual(row["prev_hash"], previous)
            self.assertEqual(row["event_hash"], hashlib.sha256(text.encode()).hexdigest())
            previous = row["event_hash"]
        # A fixed event, so that a change of the serialisation cannot go unnoticed either.
        self.env.cr.execute(
            SQL(
                """SELECT %s FROM (SELECT 7 AS id, 42::int8 AS sequence,
                          repeat('a', 64) AS prev_hash,
                          '2026-01-02 03:04:05.5'::timestamp AS event_time, 5 AS user_id,
                          NULL::int AS real_user_id, 'doctor' AS role, 1 AS company_id,
                          '10.0.0.1' AS ip, 'abcd' AS session_ref, 'hms.patient' AS model,
                          '[1, 2]'::jsonb AS res_ids, '[3]'::jsonb AS patient_refs,
                          'write' AS action, 'name' AS field_names,
                          '{"name": ["x", "y"]}'::jsonb AS field_hashes, NULL AS login,
                          'Zoë' AS reason) e""",
                canonical_hash("e"),
            )
        )
        self.assertEqual(self.env.cr.fetchone()[0], PINNED_HASH)

    def test_deleted_event_is_found(self):
        with self.tampering() as cr:
            cr.execute("DELETE FROM hms_audit_event WHERE sequence = %s", [self.middle])
            self.assertEqual(self.verify()["broken"], self.middle + 1)

    def test_reordered_events_are_found(self):
        with self.tampering() as cr:
            swaps = ((self.middle, -1), (self.middle + 1, self.middle), (-1, self.middle + 1))
            for old, new in swaps:
                cr.execute(
                    "UPDATE hms_audit_event SET sequence = %s WHERE sequence = %s", [new, old]
                )
            self.assertEqual(self.verify()["broken"], self.middle)

    def test_nobody_edits_through_the_orm(self):
        admin = self.env.ref("base.user_admin")
        event = self.events[0]
        for env_event in (event, event.with_user(admin), event.with_user(self.auditor)):
            with self.subTest(user=env_event.env.uid), self.assertRaises(UserError):
                env_event.write({"reason": "rewritten"})
            with self.subTest(user=env_event.env.uid), self.assertRaises(UserError):
                env_event.unlink()
        with self.assertRaises(UserError):
            self.env["hms.audit.event"].create({"action": "read", "event_time": "2026-01-01"})
        self.assertFalse(event.reason)

    def test_empty_create_and_unlink_follow_the_orm_contract(self):
        # Odoo's TestOverrides: creating or deleting nothing does nothing, on every model.
        for model, field in (("hms.audit.event", "reason"), ("hms.audit.checkpoint", "sequence")):
            with self.subTest(model=model):
                Model = self.env[model]
                self.assertEqual(Model.create([]), Model.browse())
                self.assertIs(Model.browse().unlink(), True)
                self.assertIs(Model.browse().write({field: 1}), True)

    def test_verifications_hold_64_bit_sequences(self):
        beyond_int4 = 2**40
        check = self.env["hms.audit.verification"].create(
            {
                "state": "broken",
                "events_checked": beyond_int4,
                "head_sequence": beyond_int4 + 1,
                "first_broken_sequence": beyond_int4,
            }
        )
        check.flush_recordset()
        check.invalidate_recordset()
        self.assertEqual(check.head_sequence, beyond_int4 + 1)

    @mute_logger("odoo.sql_db")
    def test_nobody_edits_through_sql(self):
        statements = (
            "UPDATE hms_audit_event SET reason = 'x' WHERE sequence = %(seq)s",
            "UPDATE hms_audit_event SET event_hash = NULL WHERE sequence = %(seq)s",
            "DELETE FROM hms_audit_event WHERE sequence = %(seq)s",
            "TRUNCATE hms_audit_event",
        )
        for statement in statements:
            with self.subTest(statement=statement):
                with self.assertRaises(psycopg2.errors.InsufficientPrivilege):
                    with self.env.cr.savepoint():
                        self.env.cr.execute(statement, {"seq": self.middle})
        self.assertIsNone(self.verify()["broken"])

    @mute_logger("odoo.sql_db")
    def test_pending_events_cannot_be_edited_before_sealing(self):
        self.env["hms.patient"].create({"name": "Pending"})
        self.env.cr.precommit.run()
        with self.assertRaises(psycopg2.errors.InsufficientPrivilege):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "UPDATE hms_audit_event SET user_id = %s WHERE event_hash IS NULL",
                    [self.doctor.id],
                )
        self.assertEqual(self.verify()["unsealed"], 1)
        self.assertEqual(self.env["hms.audit.event"]._seal(), 1)

    def test_verification_records_and_alerts_the_auditors(self):
        Verification = self.env["hms.audit.verification"]
        check = Verification.with_user(self.auditor).action_verify_now()
        valid = Verification.browse(check["res_id"])
        self.assertEqual(valid.state, "valid")
        self.assertGreaterEqual(valid.events_checked, 3)
        with self.tampering() as cr:
            cr.execute("DELETE FROM hms_audit_event WHERE sequence = %s", [self.middle])
            Verification._cron_verify()
            broken = Verification.search([], limit=1)
            self.assertEqual(broken.state, "broken")
            self.assertEqual(broken.first_broken_sequence, self.middle + 1)
            alert = broken.message_ids.filtered(lambda m: m.subject)
            self.assertIn(self.auditor.partner_id, alert.partner_ids)

    def test_command_line_verification(self):
        from odoo.addons.hms_audit.tools.cli import verify_report

        code, text = verify_report(self.env)
        self.assertEqual(code, 0)
        self.assertIn("OK", text)
        with self.tampering() as cr:
            cr.execute("DELETE FROM hms_audit_event WHERE sequence = %s", [self.middle])
            code, text = verify_report(self.env)
            self.assertEqual(code, 1)
            self.assertIn(f"broken at event {self.middle + 1}", text)
