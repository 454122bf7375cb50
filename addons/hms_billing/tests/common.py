from odoo.addons.hms_emr.tests.common import HmsEmrCommon
from odoo.addons.hms_patient.tests.common import HmsPatientCase


class HmsBillingCommon(HmsEmrCommon):
    """The medical-record fixture plus charts of accounts, a consultation fee and a payer."""

    @classmethod
    def setup_hms(cls):
        super().setup_hms()
        for clinic in (cls.clinic_a, cls.clinic_b):
            cls.env["account.chart.template"].try_loading("generic_coa", clinic, install_demo=False)
        cls.fee = cls.env["product.product"].create(
            {"name": "Test Consultation", "type": "service", "list_price": 50.0, "taxes_id": False}
        )
        cls.practitioner_a.consultation_product_id = cls.fee
        cls.insurer = cls.env["res.partner"].create({"name": "Prairie Mutual", "is_company": True})
        cls.billing_clerk = cls.users["billing_clerk"]

    def insure(self, patient=None, coverage=80.0, **values):
        return self.env["hms.patient.insurance"].create(
            {
                "patient_id": (patient or self.patient_a).id,
                "payer_id": self.insurer.id,
                "policy_number": "PM-1",
                "coverage_percent": coverage,
                "date_start": "2020-01-01",
                **values,
            }
        )

    def charges_of(self, encounter):
        return self.env["hms.charge"].search([("encounter_id", "=", encounter.id)])


class HmsBillingCase(HmsBillingCommon, HmsPatientCase):
    """Base case of the billing tests."""
