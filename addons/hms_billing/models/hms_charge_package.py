from collections import defaultdict

from odoo import api, fields, models


class HmsCharge(models.Model):
    _inherit = "hms.charge"

    patient_package_id = fields.Many2one(
        "hms.patient.package",
        "Covered by Package",
        readonly=True,
        index="btree_not_null",
        check_company=True,
        help="The patient's package that covers this charge: it is not invoiced again.",
    )
    state = fields.Selection(selection_add=[("covered", "Covered by Package")])

    @api.depends("patient_package_id")
    def _compute_state(self):
        super()._compute_state()
        for charge in self:
            # Covered charges keep their price (for reporting) but are never invoiced.
            if charge.patient_package_id and charge.state == "to_bill":
                charge.state = "covered"

    @api.model_create_multi
    def create(self, vals_list):
        taken = defaultdict(float)
        for vals in vals_list:
            if vals.get("code") == "package" or vals.get("patient_package_id"):
                continue
            line = self._hms_package_line_for(vals, taken)
            if line:
                vals["patient_package_id"] = line.patient_package_id.id
                taken[line] += vals.get("quantity", 1.0)
        return super().create(vals_list)

    def _hms_billing_state(self):
        # What a package covers is neither to bill nor billed.
        return super(HmsCharge, self.filtered(lambda c: c.state != "covered"))._hms_billing_state()

    @api.model
    def _hms_package_line_for(self, vals, taken):
        """The line of an active package of the patient at the clinic that still covers the
        whole quantity of the charge ``vals`` on its date (the one ending first), if any."""
        date = vals.get("date") or fields.Date.context_today(self)
        lines = (
            self.env["hms.patient.package.line"]
            .sudo()
            .search(
                [
                    ("patient_package_id.patient_id", "=", vals.get("patient_id")),
                    ("company_id", "=", vals.get("company_id")),
                    ("product_id", "=", vals.get("product_id")),
                    ("patient_package_id.date_start", "<=", date),
                    ("patient_package_id.date_end", ">=", date),
                    ("remaining_qty", ">", 0),
                ]
            )
        )
        if not lines:
            return lines
        # Two charges taking the last covered unit at once: the second waits here, then
        # retries (the first one changed the line's consumption).
        self.env.cr.execute(
            "SELECT id FROM hms_patient_package_line WHERE id IN %s FOR UPDATE",
            [tuple(lines.ids)],
        )
        quantity = vals.get("quantity", 1.0)
        for line in lines.sorted(lambda li: (li.patient_package_id.date_end, li.id)):
            if line.remaining_qty - taken[line] >= quantity:
                return line
        return lines.browse()
