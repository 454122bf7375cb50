from odoo import fields, models


class HmsLabResult(models.Model):
    _inherit = "hms.lab.result"

    def _hms_release(self, date):
        result = super()._hms_release(date)
        self._hms_charge(date)
        return result

    def _hms_charge(self, date):
        """One charge per released test (an amended result released again is the same test)."""
        Charge = self.env["hms.charge"]
        day = fields.Date.context_today(self, date)
        vals_list = []
        for lab_result in self.sudo().filtered("is_billable"):
            price = lab_result.product_id and Charge._hms_price(
                lab_result.product_id, lab_result.patient_id, lab_result.company_id, 1.0, day
            )
            if not price or price <= 0:
                continue
            vals_list.append(
                {
                    "res_model": lab_result._name,
                    "res_id": lab_result.id,
                    "code": "lab_test",
                    "name": lab_result.test_id.name,
                    "patient_id": lab_result.patient_id.id,
                    "encounter_id": lab_result.order_id.encounter_id.id,
                    "practitioner_id": lab_result.order_id.encounter_id.practitioner_id.id,
                    "company_id": lab_result.company_id.id,
                    "date": day,
                    "product_id": lab_result.product_id.id,
                    "price_unit": price,
                }
            )
        return self.env["hms.charge"].sudo()._hms_record(vals_list)
