from odoo import fields, models


class HmsLabResult(models.Model):
    _inherit = "hms.lab.result"

    def _hms_release(self, date):
        result = super()._hms_release(date)
        self._hms_charge(date)
        return result

    def _hms_charge(self, date):
        """One charge per released test (an amended result released again is the same test)."""
        vals_list = [
            {
                "res_model": lab_result._name,
                "res_id": lab_result.id,
                "code": "lab_test",
                "name": lab_result.test_id.name,
                "patient_id": lab_result.patient_id.id,
                "encounter_id": lab_result.order_id.encounter_id.id,
                "practitioner_id": lab_result.order_id.encounter_id.practitioner_id.id,
                "company_id": lab_result.company_id.id,
                "date": fields.Date.context_today(self, date),
                "product_id": lab_result.product_id.id,
                "price_unit": lab_result.product_id.lst_price,
            }
            for lab_result in self.sudo()
            if lab_result.is_billable and lab_result.product_id.lst_price > 0
        ]
        return self.env["hms.charge"].sudo()._hms_record(vals_list)
