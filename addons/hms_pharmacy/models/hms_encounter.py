from odoo import fields, models

CLINICAL = "hms_base.group_hms_clinical"


class HmsEncounter(models.Model):
    _inherit = "hms.encounter"

    prescription_ids = fields.One2many(
        "hms.prescription", "encounter_id", "Prescriptions", groups=CLINICAL
    )
    prescription_count = fields.Integer(compute="_compute_prescription_count", groups=CLINICAL)

    def _compute_prescription_count(self):
        counts = dict(
            self.env["hms.prescription"]._read_group(
                [("encounter_id", "in", self.ids)], ["encounter_id"], ["__count"]
            )
        )
        for encounter in self:
            encounter.prescription_count = counts.get(encounter, 0)

    def action_hms_open_prescriptions(self):
        """The prescriptions of this consultation."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hms_pharmacy.hms_prescription_action"
        )
        action["domain"] = [("encounter_id", "=", self.id)]
        action["context"] = {"default_encounter_id": self.id}
        return action

    def action_hms_new_prescription(self):
        """A new prescription for the patient of this consultation."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "hms.prescription",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {"default_encounter_id": self.id},
        }
