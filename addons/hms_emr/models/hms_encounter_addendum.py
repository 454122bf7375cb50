from odoo import api, fields, models
from odoo.exceptions import UserError


class HmsEncounterAddendum(models.Model):
    _name = "hms.encounter.addendum"
    _description = "Encounter Addendum"
    _inherit = ["hms.append.only.mixin"]  # a correction is a new addendum
    _order = "date desc, id desc"
    _check_company_auto = True

    encounter_id = fields.Many2one(
        "hms.encounter",
        "Encounter",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    patient_id = fields.Many2one(related="encounter_id.patient_id", store=True, index=True)
    company_id = fields.Many2one(related="encounter_id.company_id", store=True, index=True)
    author_id = fields.Many2one(
        "res.users", "Author", required=True, readonly=True, default=lambda self: self.env.user
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    text = fields.Text(required=True)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # Author and time are facts of the system, never typed in.
            vals.update(author_id=self.env.uid, date=fields.Datetime.now())
        addenda = super().create(vals_list)
        for addendum in addenda:
            if addendum.encounter_id.state != "closed":
                raise UserError(
                    self.env._("An open encounter is edited directly; addenda follow closing.")
                )
            addendum.encounter_id.message_post(
                body=self.env._("Addendum added by %(author)s.", author=addendum.author_id.name)
            )
        return addenda
