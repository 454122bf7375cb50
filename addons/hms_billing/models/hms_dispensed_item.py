from odoo import api, fields, models


class HmsDispensedItem(models.Model):
    _inherit = "hms.dispensed.item"

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        items.filtered(lambda i: i.quantity > 0)._hms_charge()
        # Items are unique per stock move line: each return is billed back exactly once.
        items.filtered(lambda i: i.quantity < 0)._hms_bill_return()
        return items

    def _hms_charge(self):
        """One charge per dispensed item, priced for the patient (free items are not charged)."""
        Charge = self.env["hms.charge"]
        vals_list = []
        for item in self.sudo():
            date = fields.Date.context_today(self, item.date)
            price = Charge._hms_price(
                item.product_id, item.patient_id, item.company_id, item.quantity, date
            )
            if price <= 0:
                continue
            vals_list.append(
                {
                    "res_model": item._name,
                    "res_id": item.id,
                    "code": "dispense",
                    "name": item.product_id.display_name,
                    "patient_id": item.patient_id.id,
                    "encounter_id": item.encounter_id.id,
                    "practitioner_id": item.encounter_id.practitioner_id.id,
                    "company_id": item.company_id.id,
                    "date": date,
                    "product_id": item.product_id.id,
                    "quantity": item.quantity,
                    "price_unit": price,
                }
            )
        return Charge.sudo()._hms_record(vals_list)

    def _hms_bill_return(self):
        """Bill these returned items back on the charges of the units they return: same lot
        first, then the other lots of the returned stock move."""
        Charge = self.env["hms.charge"].sudo()
        for item in self.sudo():
            origin = item.move_line_id.move_id.origin_returned_move_id
            originals = (
                self.sudo()
                .search([("move_line_id", "in", origin.move_line_ids.ids), ("quantity", ">", 0)])
                .sorted(lambda i, lot=item.lot_id: (i.lot_id != lot, i.id))
            )
            charges = Charge.search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", originals.ids),
                    ("code", "=", "dispense"),
                ]
            )
            left = -item.quantity
            for original in originals:
                charge = charges.filtered(lambda c, o=original: c.res_id == o.id)
                quantity = min(left, charge._hms_returnable_qty()) if charge else 0
                if quantity > 0:
                    charge._hms_return(quantity, item.reference)
                    left -= quantity
                if left <= 0:
                    break
