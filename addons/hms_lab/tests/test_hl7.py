from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import HmsLabCommon

ENDPOINT = "/hms_lab/hl7/oru"


def oru(accession, mrn, observations, control="MSG0001"):
    """A sample ORU^R01 message as an analyser sends it (segments end with a carriage return)."""
    segments = [
        f"MSH|^~\\&|ANALYSER|LAB|HMS|CLINIC|20260302091500||ORU^R01|{control}|P|2.5",
        f"PID|1||{mrn}^^^HMS^MR||Test^Alice||19850412|F",
        f"OBR|1||{accession}|CBC^Complete blood count^L|||20260302080000",
    ]
    segments += [
        f"OBX|{index}|NM|{code}^^LN||{value}|{unit}|||||F"
        for index, (code, value, unit) in enumerate(observations, 1)
    ]
    return "\r".join(segments) + "\r"


@tagged("post_install", "-at_install", "hms_access")
class TestHl7Import(HmsLabCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()
        cls.integration = cls._hms_user(
            "hms_test_lab_integration", "hms_base.group_hms_lab_technician", cls.clinic_a
        )
        cls.api_key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.integration)
            .sudo()
            ._generate(None, "analyser", False)
        )
        cls.nurse_key = (
            cls.env["res.users.apikeys"].with_user(cls.nurse).sudo()._generate(None, "nurse", False)
        )

    def setUp(self):
        super().setUp()
        self.lab_order = self.received(self.order())

    def post(self, body, key=None):
        headers = {"Content-Type": "x-application/hl7-v2+er7"}
        if key is not False:
            headers["Authorization"] = f"Bearer {key or self.api_key}"
        return self.url_open(ENDPOINT, data=body.encode(), headers=headers)

    def message(self, **kw):
        values = {
            "accession": self.lab_order.name,
            "mrn": self.patient_a.mrn,
            "observations": [("T-HGB", "12.8", "g/dL"), ("2823-3", "4.4", "mmol/L")],
        }
        values.update(kw)
        return oru(**values)

    def last_message(self):
        return self.env["hms.lab.hl7.message"].search([], limit=1)

    def test_results_applied_by_accession_and_code(self):
        response = self.post(self.message())
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIn("MSA|AA|MSG0001", response.text)
        message = self.last_message()
        self.assertEqual(
            (message.state, message.order_id, message.user_id),
            ("applied", self.lab_order, self.integration),
        )
        hgb = self.result(self.lab_order, self.test_hgb)
        self.assertEqual(
            (hgb.value, hgb.flag, hgb.entered_by_id), ("12.8", "normal", self.integration)
        )
        self.assertEqual(self.result(self.lab_order, self.test_k).value, "4.4")
        self.assertEqual(self.lab_order.state, "to_validate")
        # The import is the first pair of eyes: a person validates.
        self.lab_order.result_ids.with_user(self.lab_technician).action_validate()
        self.assertEqual(set(self.lab_order.result_ids.mapped("state")), {"validated"})

    def test_errors_queued_with_reason_and_nothing_applied(self):
        cases = {
            "unknown accession": (self.message(accession="LAB999999"), "No lab order"),
            "wrong test code": (
                self.message(observations=[("T-HGB", "12.8", "g/dL"), ("XYZ-1", "1", "g/L")]),
                "XYZ-1",
            ),
            "broken segments": ("MSH|^~\\&|A\rGARBAGE", "Malformed|Missing segment|Not an ORU"),
            "not a number": (
                self.message(observations=[("T-HGB", "high", "g/dL")]),
                "not a number",
            ),
            "wrong unit": (self.message(observations=[("T-HGB", "128", "g/L")]), "g/dL|impossible"),
            "other patient": (self.message(mrn=self.patient_dependant.mrn), "not the patient"),
        }
        for label, (body, reason) in cases.items():
            with self.subTest(label):
                response = self.post(body)
                self.assertEqual(response.status_code, 422)
                self.assertIn("MSA|AE", response.text)
                message = self.last_message()
                self.assertEqual(message.state, "error")
                self.assertRegex(message.error, reason)
                self.assertEqual(message.raw.strip(), body.strip())
                self.assertFalse(self.lab_order.result_ids.filtered("value"))
                self.assertEqual(self.lab_order.state, "received")

    def test_corrected_message_applied_again(self):
        self.post(self.message(observations=[("HGB-WRONG", "12.8", "g/dL")]))
        message = self.last_message()
        self.assertEqual(message.state, "error")
        message.with_user(self.lab_technician).raw = message.raw.replace("HGB-WRONG", "T-HGB")
        message.with_user(self.lab_technician).action_apply()
        self.assertEqual(message.state, "applied")
        self.assertFalse(message.error)
        self.assertEqual(self.result(self.lab_order, self.test_hgb).value, "12.8")

    def test_endpoint_needs_an_integration_key(self):
        with mute_logger("odoo.http"):
            self.assertEqual(self.post(self.message(), key=False).status_code, 401)
            self.assertEqual(self.post(self.message(), key="not-a-key").status_code, 401)
        self.assertEqual(self.post(self.message(), key=self.nurse_key).status_code, 403)
        self.assertFalse(self.env["hms.lab.hl7.message"].search([]))
        self.assertFalse(self.lab_order.result_ids.filtered("value"))
