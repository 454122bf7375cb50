import xmlrpc.client

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.hms_base.tests.common import hms_password

from .common import HmsLabCommon


@tagged("post_install", "-at_install", "hms_access")
class TestPortalLabResults(HmsLabCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()

    def setUp(self):
        super().setUp()
        self.own = self.released()
        self.pending = self.received(self.order())
        dependant_encounter = self.open_encounter(patient=self.patient_dependant)
        self.dependant = self.released(order=self.order(encounter=dependant_encounter))

    def test_released_results_of_the_patient_and_dependants(self):
        user = self.portal_patient_a
        self.authenticate(user.login, hms_password(user))
        page = self.url_open("/my/lab-results")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.own.name, page.text)
        self.assertNotIn(self.pending.name, page.text)
        self.assertNotIn(self.dependant.name, page.text)
        pdf = self.url_open(f"/my/lab-results/{self.own.id}?download=true")
        self.assertEqual(pdf.status_code, 200)
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        self.assertIn("Lab Results", self.url_open("/my/home").text)

        guardian = self.portal_guardian
        self.authenticate(guardian.login, hms_password(guardian))
        page = self.url_open("/my/lab-results")
        self.assertIn(self.dependant.name, page.text)
        self.assertNotIn(self.own.name, page.text)

    def test_forged_ids_refused(self):
        user = self.portal_patient_a
        self.authenticate(user.login, hms_password(user))
        with mute_logger("odoo.addons.base.models.ir_rule", "odoo.http"):
            for order in (self.pending, self.dependant):
                with self.subTest(order=order.name):
                    response = self.url_open(f"/my/lab-results/{order.id}", allow_redirects=False)
                    self.assertEqual(response.status_code, 303)
                    self.assertTrue(response.headers["Location"].endswith("/my"))

    def test_rpc_only_released_own(self):
        user = self.portal_patient_a
        rows = self.rpc(user, "hms.lab.result", "search_read", [], fields=["value", "state"])
        self.assertEqual({row["id"] for row in rows}, set(self.own.result_ids.ids))
        orders = self.rpc(user, "hms.lab.order", "search_read", [], fields=["name"])
        self.assertEqual([row["name"] for row in orders], [self.own.name])
        with mute_logger("odoo.addons.base.models.ir_rule", "odoo.http"):
            with self.assertRaises(xmlrpc.client.Fault) as caught:
                self.rpc(
                    user, "hms.lab.result", "read", self.pending.result_ids.ids, fields=["value"]
                )
            self.assertIn("Lab Result (hms.lab.result)", str(caught.exception))
            with self.assertRaises(xmlrpc.client.Fault):
                self.rpc(user, "hms.lab.result", "write", self.own.result_ids.ids, {"value": "1"})
