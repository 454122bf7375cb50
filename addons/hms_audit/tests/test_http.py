import xmlrpc.client
from unittest.mock import patch

from psycopg2 import OperationalError

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.hms_base.tests.common import hms_password

from ..tools import sealer as sealer_module
from ..tools.sealer import ChainSealer
from .common import HmsAuditCommon


@tagged("post_install", "-at_install", "hms_access")
class TestAuditHttp(HmsAuditCommon, HttpCase):
    # Requests run in read/write test cursors, so that their events land in the test transaction.
    readonly_enabled = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()
        # The portal user is the patient of patient_a and the guardian of a child.
        cls.own = cls.env["hms.patient"].create(
            {"partner_id": cls.portal_user.partner_id.id, "company_id": cls.clinic_a.id}
        )
        cls.child = cls.env["hms.patient"].create(
            {
                "name": "Kid Portal",
                "company_id": cls.clinic_a.id,
                "guardian_partner_ids": [Command.link(cls.portal_user.partner_id.id)],
            }
        )

    def setUp(self):
        super().setUp()
        self.mark = self.audit_mark()

    def test_logins_and_failures(self):
        uid = self.xmlrpc_common.authenticate(
            self.env.cr.dbname, self.doctor.login, hms_password(self.doctor), {}
        )
        self.assertEqual(uid, self.doctor.id)
        with mute_logger("odoo.addons.base.models.res_users"):
            self.assertFalse(
                self.xmlrpc_common.authenticate(self.env.cr.dbname, self.doctor.login, "wrong", {})
            )
        events = self.events_since(self.mark)
        self.assertEqual(events.mapped("action"), ["login", "login_failure"])
        self.assertEqual(events[0].user_id, self.doctor)
        self.assertEqual(events[0].role, "doctor")
        self.assertEqual(events[1].login, self.doctor.login)
        self.assertFalse(events[1].user_id)

    def test_rpc_read_is_audited_and_the_trail_is_read_only(self):
        admin = self.env.ref("base.user_admin")
        admin.company_ids |= self.clinic_a
        admin.password = "admin-Secret-2026"
        admin.login = "admin"
        rows = self.rpc(admin, "hms.patient", "read", [self.patient_a.id], fields=["mrn"])
        self.assertEqual(rows[0]["mrn"], self.patient_a.mrn)
        read = self.events_since(self.mark, action="read")
        self.assertEqual((read.user_id, read.res_ids), (admin, self.patient_a.ids))
        with mute_logger("odoo.http"):
            for method, args in (("write", [read.ids, {"reason": "x"}]), ("unlink", [read.ids])):
                with self.subTest(method=method):
                    with self.assertRaises(xmlrpc.client.Fault):
                        self.rpc(admin, "hms.audit.event", method, *args)
        read.invalidate_recordset()
        self.assertFalse(read.reason)

    def test_web_client_list_and_form_are_one_event_each(self):
        self.authenticate(self.doctor.login, hms_password(self.doctor))
        self.make_jsonrpc_request(
            "/web/dataset/call_kw/hms.patient/web_search_read",
            {
                "model": "hms.patient",
                "method": "web_search_read",
                "args": [],
                "kwargs": {"domain": [], "specification": {"name": {}}, "limit": 80},
            },
        )
        self.make_jsonrpc_request(
            "/web/dataset/call_kw/hms.patient/web_read",
            {
                "model": "hms.patient",
                "method": "web_read",
                "args": [[self.patient_a.id]],
                "kwargs": {"specification": {"name": {}, "birthdate": {}}},
            },
        )
        events = self.events_since(self.mark, action="read")
        self.assertEqual(len(events), 2)
        self.assertEqual(events[1].res_ids, self.patient_a.ids)
        self.assertEqual(events.user_id, self.doctor)
        self.assertTrue(events[0].session_ref)
        self.assertEqual(events[0].ip, "127.0.0.1")

    def _read_as(self, user, patient):
        patient.with_user(user).read(["name"])
        self.env["hms.audit.event"]._seal()

    def test_portal_shows_only_my_record_and_my_dependants(self):
        self._read_as(self.doctor, self.own)
        self._read_as(self.nurse, self.child)
        self._read_as(self.doctor_b, self.patient_b)
        self.authenticate(self.portal_user.login, hms_password(self.portal_user))
        page = self.url_open("/my/access-log").text
        self.assertIn("Doctor", page)
        self.assertIn("Nurse", page)
        self.assertNotIn(self.doctor.name, page)
        Event = self.env["hms.audit.event"]
        mine = Event.search_count([("patient_ids", "in", (self.own | self.child).ids)])
        self.assertEqual(page.count("o_hms_access_log_entry"), mine)
        self.assertTrue(Event.search_count([("patient_ids", "in", self.patient_b.ids)]))
        only_child = self.url_open(f"/my/access-log?patient_id={self.child.id}").text
        self.assertIn("Nurse", only_child)
        child = Event.search_count([("patient_ids", "in", self.child.ids)])
        self.assertEqual(only_child.count("o_hms_access_log_entry"), child)
        self.assertLess(child, mine)
        forged = self.url_open(
            f"/my/access-log?patient_id={self.patient_b.id}", allow_redirects=False
        )
        self.assertEqual(forged.status_code, 303)
        self.assertTrue(forged.headers["Location"].endswith("/my"))

    def test_portal_shows_staff_names_when_the_clinic_allows(self):
        self._read_as(self.doctor, self.own)
        self.clinic_a.hms_audit_show_staff_names = True
        self.authenticate(self.portal_user.login, hms_password(self.portal_user))
        self.assertIn(self.doctor.name, self.url_open("/my/access-log").text)
        home = self.url_open("/my/home").text
        self.assertIn("/my/access-log", home)


@tagged("post_install", "-at_install")
class TestAuditReadonlyRequest(HmsAuditCommon, HttpCase):
    """Read-only routes run on a read-only cursor (a replica in production), which cannot
    insert: their read events are stored right after its commit, in a read/write transaction
    of their own (test cursors drop post-commit hooks: here they wait for the seal)."""

    readonly_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()

    def list_patients(self):
        self.authenticate(self.doctor.login, hms_password(self.doctor))
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw/hms.patient/web_search_read",
            {
                "model": "hms.patient",
                "method": "web_search_read",
                "args": [],
                "kwargs": {"domain": [], "specification": {"name": {}}, "limit": 80},
            },
        )

    def test_reads_of_a_readonly_request_are_kept(self):
        mark = self.audit_mark()
        result = self.list_patients()
        self.assertTrue(result["records"])
        event = self.events_since(mark, action="read", model="hms.patient")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.user_id, self.doctor)
        self.assertEqual(sorted(event.res_ids), sorted(r["id"] for r in result["records"]))

    def test_read_events_are_stored_after_the_commit(self):
        mark = self.audit_mark()
        sealer = ChainSealer.get(self.env.cr.dbname)
        self.list_patients()
        self.assertEqual(len(sealer.pending), 1)
        # A failure keeps them for the next seal.
        with (
            patch.object(sealer_module, "insert_rows", side_effect=OperationalError("down")),
            mute_logger("odoo.addons.hms_audit.tools.sealer"),
        ):
            sealer.store_pending()
        self.assertEqual(len(sealer.pending), 1)
        # What the post-commit hook of the read-only transaction does.
        sealer.store_pending()
        self.assertEqual(sealer.pending, [])
        self.env.cr.execute(
            "SELECT action, user_id FROM hms_audit_event"
            " WHERE id > %s AND model = 'hms.patient' AND event_hash IS NULL",
            [mark],
        )
        self.assertEqual(self.env.cr.fetchall(), [("read", self.doctor.id)])
