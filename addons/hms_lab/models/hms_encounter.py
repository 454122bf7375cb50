from odoo import fields, models

CLINICAL = "hms_base.group_hms_clinical"


class HmsEncounter(models.Model):
    _inherit = "hms.encounter"

    lab_order_ids = fields.One2many("hms.lab.order", "encounter_id", "Lab Orders", groups=CLINICAL)
    lab_order_count = fields.Integer(compute="_compute_lab_order_count", groups=CLINICAL)

    def _compute_lab_order_count(self):
        counts = dict(
            self.env["hms.lab.order"]._read_group(
                [("encounter_id", "in", self.ids)], ["encounter_id"], ["__count"]
            )
        )
        for encounter in self:
            encounter.lab_order_count = counts.get(encounter, 0)

    def action_hms_open_lab_orders(self):
        """The lab orders of this encounter; a new one starts from it."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("hms_lab.hms_lab_order_action")
        action["domain"] = [("encounter_id", "=", self.id)]
        action["context"] = {
            "default_encounter_id": self.id,
            "default_patient_id": self.patient_id.id,
            "default_company_id": self.company_id.id,
        }
        return action
