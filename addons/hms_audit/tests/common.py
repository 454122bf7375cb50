from contextlib import contextmanager

from odoo.addons.hms_patient.tests.common import HmsPatientCase, HmsPatientCommon


class HmsAuditCommon(HmsPatientCommon):
    """The patient fixture plus helpers to look at the events an action appends."""

    def audit_mark(self):
        """Seal what the fixture appended; later events have a greater id."""
        self.env["hms.audit.event"]._seal()
        self.env.cr.execute("SELECT COALESCE(max(id), 0) FROM hms_audit_event")
        return self.env.cr.fetchone()[0]

    def events_since(self, mark, **filters):
        """The events appended after ``mark``, sealed, oldest first."""
        Event = self.env["hms.audit.event"]
        Event._seal()
        domain = [("id", ">", mark)] + [(k, "=", v) for k, v in filters.items()]
        return Event.sudo().search(domain, order="id")

    @contextmanager
    def tampering(self):
        """Superuser with the append-only trigger disabled, undone when the block ends."""
        with self.env.cr.savepoint(flush=False) as savepoint:
            self.env.cr.execute("ALTER TABLE hms_audit_event DISABLE TRIGGER USER")
            yield self.env.cr
            savepoint.rollback()
        self.env.invalidate_all()


class HmsAuditCase(HmsAuditCommon, HmsPatientCase):
    """Base case of the audit tests: setUp seals the fixture's events and marks the head."""

    def setUp(self):
        super().setUp()
        self.mark = self.audit_mark()
