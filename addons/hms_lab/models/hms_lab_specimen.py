from odoo import api, fields, models
from odoo.exceptions import UserError

from .hms_lab_test import CONTAINERS, SPECIMEN_TYPES

REJECT_REASONS = [
    ("haemolysed", "Haemolysed"),
    ("insufficient", "Insufficient volume"),
    ("wrong_container", "Wrong container"),
    ("clotted", "Clotted"),
    ("unlabelled", "Unlabelled or mislabelled"),
]


class HmsLabSpecimen(models.Model):
    _name = "hms.lab.specimen"
    _description = "Lab Specimen"
    _order = "id"
    _check_company_auto = True

    name = fields.Char("Barcode", readonly=True, copy=False, index=True)
    order_id = fields.Many2one(
        "hms.lab.order", "Lab Order", required=True, index=True, ondelete="cascade"
    )
    patient_id = fields.Many2one(related="order_id.patient_id", store=True, index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    priority = fields.Selection(related="order_id.priority")
    specimen_type = fields.Selection(SPECIMEN_TYPES, required=True)
    container = fields.Selection(CONTAINERS, required=True)
    state = fields.Selection(
        [
            ("to_collect", "To Collect"),
            ("collected", "Collected"),
            ("received", "Received"),
            ("rejected", "Rejected"),
        ],
        required=True,
        default="to_collect",
        index=True,
    )
    collected_by_id = fields.Many2one("res.users", "Collected By", readonly=True, copy=False)
    date_collected = fields.Datetime("Collected On", readonly=True, copy=False)
    received_by_id = fields.Many2one("res.users", "Received By", readonly=True, copy=False)
    date_received = fields.Datetime("Received On", readonly=True, copy=False)
    reject_reason = fields.Selection(REJECT_REASONS, "Rejection Reason")
    rejected_by_id = fields.Many2one("res.users", "Rejected By", readonly=True, copy=False)
    date_rejected = fields.Datetime("Rejected On", readonly=True, copy=False)
    replacement_id = fields.Many2one(
        "hms.lab.specimen", "New Collection", readonly=True, copy=False
    )

    @api.model_create_multi
    def create(self, vals_list):
        # The barcode: the accession number and the tube's rank in the order.
        ranks = {}
        for vals in vals_list:
            if not vals.get("name") and vals.get("order_id"):
                order = self.env["hms.lab.order"].browse(vals["order_id"])
                if order not in ranks:
                    ranks[order] = self.sudo().search_count([("order_id", "=", order.id)])
                ranks[order] += 1
                vals["name"] = f"{order.name}-{ranks[order]}"
        return super().create(vals_list)

    def _hms_check_state(self, states, action):
        for specimen in self:
            if specimen.state not in states or specimen.order_id.state == "cancelled":
                raise UserError(
                    self.env._(
                        "Specimen %(name)s cannot be %(action)s now.",
                        name=specimen.name,
                        action=action,
                    )
                )

    def action_collect(self):
        """Nurse or lab technician: the tube is drawn and labelled."""
        self._hms_check_state(["to_collect"], self.env._("collected"))
        self.write(
            {
                "state": "collected",
                "collected_by_id": self.env.uid,
                "date_collected": fields.Datetime.now(),
            }
        )
        self.order_id._hms_update_state()

    def action_receive(self):
        """Lab technician: the tube arrived in the lab in a usable state."""
        self._hms_check_state(["collected"], self.env._("received"))
        self.write(
            {
                "state": "received",
                "received_by_id": self.env.uid,
                "date_received": fields.Datetime.now(),
            }
        )
        self.order_id._hms_update_state()

    def action_reject(self):
        """Lab technician: the tube is unusable (reason required); a new one is to collect."""
        self._hms_check_state(["collected", "received"], self.env._("rejected"))
        for specimen in self:
            if not specimen.reject_reason:
                raise UserError(
                    self.env._("Give the reason for rejecting %(name)s.", name=specimen.name)
                )
        for specimen in self:
            replacement = specimen.sudo().copy(
                {"order_id": specimen.order_id.id, "state": "to_collect", "reject_reason": False}
            )
            specimen.write(
                {
                    "state": "rejected",
                    "rejected_by_id": self.env.uid,
                    "date_rejected": fields.Datetime.now(),
                    "replacement_id": replacement.id,
                }
            )
            reason = dict(self._fields["reject_reason"]._description_selection(self.env))[
                specimen.reject_reason
            ]
            specimen.order_id.message_post(
                body=self.env._(
                    "Specimen %(name)s rejected (%(reason)s): new collection %(new)s.",
                    name=specimen.name,
                    reason=reason,
                    new=replacement.name,
                )
            )
        self.order_id.sudo().write({"date_collected": False, "date_received": False})
        self.order_id._hms_update_state()

    def action_print_label(self):
        return self.env.ref("hms_lab.action_report_specimen_label").report_action(self)
