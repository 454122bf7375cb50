import re
import xmlrpc.client

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.hms_base.tests.common import hms_password

from .common import HmsPatientCommon


@tagged("post_install", "-at_install", "hms_access")
class TestPatientPortal(HmsPatientCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()

    def login(self, user):
        self.authenticate(user.login, hms_password(user))

    def post(self, url, data, **kwargs):
        token = re.search(r'csrf_token: "(\w+)"', self.url_open("/my").text).group(1)
        return self.url_open(url, data=dict(data, csrf_token=token), **kwargs)

    def test_patient_sees_and_updates_own_profile(self):
        self.login(self.portal_patient_a)
        home = self.url_open("/my/patients")
        self.assertEqual(home.status_code, 200)
        self.assertIn(self.patient_a.mrn, home.text)
        self.assertNotIn("Bob Test", home.text)
        self.assertNotIn("Dana Dependant", home.text)
        url = f"/my/patients/{self.patient_a.id}"
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Alice Test", page.text)
        response = self.post(
            url, {"phone": "(217) 555-0171", "city": "Peoria", "name": "Forged", "mrn": "X1"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.patient_a.phone, "+12175550171")
        self.assertEqual(self.patient_a.city, "Peoria")
        self.assertEqual(self.patient_a.name, "Alice Test", "name is not a portal field")
        self.assertRegex(self.patient_a.mrn, r"^P\d{5}$")
        response = self.post(url, {"phone": "12"})
        self.assertIn("Phone: ", response.text)
        self.assertEqual(self.patient_a.phone, "+12175550171", "nothing half-saved")
        self.post(
            f"{url}/contacts", {"name": "Ann", "relationship": "parent", "phone": "2175550172"}
        )
        self.assertEqual(self.patient_a.contact_ids.phone, "+12175550172")
        self.post(f"{url}/contacts/{self.patient_a.contact_ids.id}/delete", {})
        self.assertFalse(self.patient_a.contact_ids)

    def test_guardian_manages_dependant(self):
        self.login(self.portal_guardian)
        self.assertIn("Dana Dependant", self.url_open("/my/patients").text)
        url = f"/my/patients/{self.patient_dependant.id}"
        self.assertEqual(self.url_open(url).status_code, 200)
        self.post(url, {"email": "dana.family@example.com"})
        self.assertEqual(self.patient_dependant.email, "dana.family@example.com")

    def test_forged_ids_refused(self):
        """Like core's portal: a record the user may not see sends them back to /my."""
        self.login(self.portal_patient_a)

        def assert_refused(response):
            self.assertEqual(response.status_code, 303)
            self.assertTrue(response.headers["Location"].endswith("/my"))

        with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
            for patient in (self.patient_b, self.patient_dependant):
                url = f"/my/patients/{patient.id}"
                with self.subTest(patient=patient.name):
                    assert_refused(self.url_open(url, allow_redirects=False))
                    assert_refused(self.post(url, {"city": "Forged"}, allow_redirects=False))
                    assert_refused(
                        self.post(
                            f"{url}/contacts",
                            {"name": "X", "phone": "2175550173"},
                            allow_redirects=False,
                        )
                    )
            assert_refused(self.url_open("/my/patients/999999", allow_redirects=False))
        self.assertFalse(self.patient_b.city)
        self.assertFalse(self.patient_dependant.contact_ids)

    def test_staff_member_manages_only_their_own_record_in_the_portal(self):
        """Staff who may read every patient still see only their own record under /my."""
        own = self.env["hms.patient"].create(
            {"partner_id": self.receptionist.partner_id.id, "company_id": self.clinic_a.id}
        )
        self.login(self.receptionist)
        page = self.url_open("/my/patients").text
        self.assertIn(own.mrn, page)
        self.assertNotIn(self.patient_a.mrn, page)
        response = self.url_open(f"/my/patients/{self.patient_a.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.patient_a.with_user(self.receptionist).name, "Alice Test")

    def test_rpc_own_record_only(self):
        def call(method, *args, **kwargs):
            return self.rpc(self.portal_patient_a, "hms.patient", method, *args, **kwargs)

        rows = call("search_read", [], fields=["mrn", "name"])
        self.assertEqual([row["mrn"] for row in rows], [self.patient_a.mrn])
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
            with self.assertRaisesMessage(xmlrpc.client.Fault, "AccessError|access"):
                call("read", [self.patient_b.id], ["name"])
            with self.assertRaisesMessage(xmlrpc.client.Fault, "AccessError|access"):
                call("read", [self.patient_a.id], ["condition_ids"])
            with self.assertRaisesMessage(xmlrpc.client.Fault, "AccessError|access"):
                call("write", [self.patient_a.id], {"mrn": "P99999"})
        self.assertNotEqual(self.patient_a.mrn, "P99999")

    def test_self_registration_creates_patient_to_verify(self):
        self.env["ir.config_parameter"].sudo().set_param("auth_signup.invitation_scope", "b2c")
        self.env["res.users"].sudo().signup(
            {"login": "newbie@example.com", "name": "New Bie", "password": "Newbie-Secret-2026"}
        )
        user = self.env["res.users"].search([("login", "=", "newbie@example.com")])
        patient = self.env["hms.patient"].search([("partner_id", "=", user.partner_id.id)])
        self.assertEqual(patient.state, "to_verify")
        self.assertRegex(patient.mrn, r"^P\d{5}$")
        self.assertEqual(patient.company_id, user.company_id)
