from odoo import api, fields, models


class HmsDispensedItem(models.Model):
    _inherit = "hms.dispensed.item"

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        # Returns (negative quantities) are not charged: a returned, invoiced medicine is
        # credited with Odoo's credit note.
        items.filtered(lambda i: i.quantity > 0)._hms_charge()
        return items

    def _hms_charge(self):
        """One charge per dispensed item, at the item's price (free items are not charged)."""
        vals_list = [
            {
                "res_model": item._name,
                "res_id": item.id,
                "code": "dispense",
                "name": item.product_id.display_name,
                "patient_id": item.patient_id.id,
                "encounter_id": item.encounter_id.id,
                "practitioner_id": item.encounter_id.practitioner_id.id,
                "company_id": item.company_id.id,
                "date": fields.Date.context_today(self, item.date),
                "product_id": item.product_id.id,
                "quantity": item.quantity,
                "price_unit": item.price_unit,
            }
            for item in self.sudo()
            if item.price_unit > 0
        ]
        return self.env["hms.charge"].sudo()._hms_record(vals_list)
