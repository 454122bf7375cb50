import hl7

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


def component(segment, index):
    """The first component of field ``index`` of ``segment``; empty when absent."""
    try:
        return str(segment[index]).split("^")[0]
    except IndexError:
        return ""


class HmsLabHl7Message(models.Model):
    """An HL7 v2 ORU^R01 message from an instrument or an external lab.

    Every message is kept: applied, or in the error queue with the reason until someone
    corrects it and applies it again. A message is applied whole or not at all.
    """

    _name = "hms.lab.hl7.message"
    _description = "HL7 Result Message"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char("Control ID", readonly=True)
    raw = fields.Text("Message", required=True)
    state = fields.Selection(
        [("new", "New"), ("applied", "Applied"), ("error", "Error")],
        required=True,
        default="new",
        index=True,
    )
    error = fields.Text(readonly=True)
    company_id = fields.Many2one(
        "res.company", "Clinic", required=True, default=lambda self: self.env.company
    )
    order_id = fields.Many2one("hms.lab.order", "Lab Order", readonly=True, check_company=True)
    result_ids = fields.Many2many("hms.lab.result", string="Results", readonly=True)
    user_id = fields.Many2one("res.users", "Sent By", default=lambda self: self.env.user)
    date_applied = fields.Datetime("Applied On", readonly=True)

    @api.model
    def _hms_receive(self, raw):
        """Store a received message and apply it; the message record, applied or in error."""
        message = self.create({"raw": raw})
        message.action_apply()
        return message

    def action_apply(self):
        """Apply (again, after a correction) the message to its order's results."""
        for message in self:
            if message.state == "applied":
                raise UserError(self.env._("This message was applied already."))
            try:
                with self.env.cr.savepoint():
                    order, results = message._hms_apply()
            except (UserError, ValidationError) as error:
                message.write({"state": "error", "error": str(error.args[0])})
            else:
                message.write(
                    {
                        "state": "applied",
                        "error": False,
                        "order_id": order.id,
                        "company_id": order.company_id.id,
                        "result_ids": [fields.Command.set(results.ids)],
                        "date_applied": fields.Datetime.now(),
                    }
                )

    def _hms_parse(self):
        """The parsed message, or a UserError saying what is wrong with it."""
        raw = "\r".join(line.strip() for line in self.raw.strip().splitlines() if line.strip())
        try:
            message = hl7.parse(raw)
            msh = message.segment("MSH")
            kind, control = str(msh[9]), str(msh[10])
        except (hl7.ParseException, KeyError, IndexError, ValueError) as error:
            raise UserError(self.env._("Malformed HL7 message: %(error)s", error=error)) from error
        if kind.split("^")[:2] != ["ORU", "R01"]:
            raise UserError(self.env._("Not an ORU^R01 message: %(type)s", type=kind or "?"))
        self.name = control
        return message

    def _hms_apply(self):
        """Match the order by accession number, the results by test code, and write them."""
        message = self._hms_parse()
        try:
            obr = message.segment("OBR")
            observations = message.segments("OBX")
            pid = message.segment("PID")
        except KeyError as error:
            raise UserError(self.env._("Missing segment: %(error)s", error=error)) from error
        accession = component(obr, 3) or component(obr, 2)
        # Each clinic numbers its own orders: the sender's clinics must make the match unique.
        order = self.env["hms.lab.order"].search([("name", "=", accession)], limit=2)
        if not accession or not order:
            raise UserError(
                self.env._("No lab order with accession number %(accession)r.", accession=accession)
            )
        if len(order) > 1:
            raise UserError(
                self.env._(
                    "Accession number %(accession)r is ambiguous across the sender's clinics.",
                    accession=accession,
                )
            )
        mrn = component(pid, 3)
        if mrn != order.patient_id.mrn:
            raise UserError(
                self.env._(
                    "Patient %(mrn)r of the message is not the patient of %(order)s.",
                    mrn=mrn,
                    order=order.name,
                )
            )
        results = self.env["hms.lab.result"]
        for obx in observations:
            code = component(obx, 3)
            result = order.result_ids.filtered(
                lambda r, c=code: (
                    c in (r.test_id.code, r.test_id.loinc_code) and r.state != "cancelled"
                )
            )
            if not result:
                raise UserError(
                    self.env._(
                        "Test code %(code)r is not ordered in %(order)s.",
                        code=code,
                        order=order.name,
                    )
                )
            result.write({"value": component(obx, 5), "unit": component(obx, 6) or result.unit})
            results |= result
        if not results:
            raise UserError(self.env._("The message carries no OBX result."))
        return order, results
