from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class HmsPatientMerge(models.TransientModel):
    """Merge duplicate patients into one: every reference moves, the others are archived."""

    _name = "hms.patient.merge"
    _description = "Merge Patients"

    patient_ids = fields.Many2many("hms.patient", string="Patients", required=True)
    dst_patient_id = fields.Many2one(
        "hms.patient",
        "Keep",
        required=True,
        domain="[('id', 'in', patient_ids)]",
        help="The record that stays; the others are archived and point to it.",
    )
    reason = fields.Char(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "hms.patient":
            patients = self.env["hms.patient"].browse(self.env.context.get("active_ids"))
            values["patient_ids"] = [fields.Command.set(patients.ids)]
            values["dst_patient_id"] = patients.sorted("id")[:1].id
        return values

    def action_merge(self):
        """Move every reference of the merged patients to the kept one, then archive them."""
        self.ensure_one()
        destination = self.dst_patient_id
        sources = self.patient_ids - destination
        if not sources or destination not in self.patient_ids:
            raise UserError(self.env._("Choose at least two patients and the one to keep."))
        if (sources.company_id | destination.company_id) != destination.company_id:
            raise UserError(self.env._("Only patients of the same clinic can be merged."))
        # The kept patient already has these identifiers: moving them would duplicate them.
        existing = {(i.type_id, i.value) for i in destination.identifier_ids}
        sources.identifier_ids.filtered(lambda i: (i.type_id, i.value) in existing).unlink()
        moved = sources.with_context(hms_patient_merge=True)._hms_merge_move(destination)
        destination.guardian_partner_ids |= sources.guardian_partner_ids
        for source in sources:
            source.write({"active": False, "merged_into_id": destination.id})
            source.message_post(
                body=Markup("%s<br/>%s")
                % (
                    self.env._("Merged into %(patient)s.", patient=destination.display_name),
                    self.env._("Reason: %(reason)s", reason=self.reason),
                )
            )
        destination.message_post(
            body=Markup("%s<br/>%s<br/>%s")
            % (
                self.env._(
                    "%(patients)s merged into this patient.",
                    patients=", ".join(sources.mapped("display_name")),
                ),
                self.env._("Reason: %(reason)s", reason=self.reason),
                self.env._("Records moved: %(moved)s", moved=", ".join(moved) or "-"),
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "hms.patient",
            "res_id": destination.id,
            "view_mode": "form",
        }
