from odoo import api, fields, models
from odoo.exceptions import UserError

from .hms_encounter import BILLING_STATES


class HmsCharge(models.Model):
    _inherit = "hms.charge"

    @api.model
    def _hms_billing_state_domain(self, ids_in_states, operator, value):
        """The domain on ``id`` of a search on a billing state; ``ids_in_states(states)`` gives
        the ids of the records in any of these states (never "none": charges are needed)."""
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Search the billing state by its value."))
        states = {value} if isinstance(value, str) or not value else set(value)
        states = {state or "none" for state in states}
        match_in = operator in ("=", "in")
        if "none" in states:
            # Nothing to bill: the records that are in none of the other states.
            states = {state for state, _label in BILLING_STATES} - states
            match_in = not match_in
        return [("id", "in" if match_in else "not in", list(ids_in_states(states)))]

    @api.model
    def _hms_billing_state_ids(self, group_field, states):
        """The ids of ``group_field``'s records (``encounter_id``, ``patient_id``) whose
        charges are together in one of ``states``."""
        Charge = self.sudo()
        billed = [(group_field, "!=", False), ("state", "!=", "waived")]
        # Narrow the candidates by stored columns; the exact state is computed.
        if not states:
            return set()
        if states == {"to_bill"}:
            return set(Charge.search([*billed, ("state", "=", "to_bill")])[group_field].ids)
        if states >= {state for state, _label in BILLING_STATES if state != "none"}:
            return set(Charge.search(billed)[group_field].ids)
        candidates = list(billed)
        if states <= {"partial", "paid", "overdue"}:
            candidates += [("invoice_line_ids.move_id.state", "=", "posted")]
        if states == {"overdue"}:
            candidates += [
                ("invoice_line_ids.move_id.payment_state", "in", ("not_paid", "partial")),
                ("invoice_line_ids.move_id.invoice_date_due", "<", fields.Date.today()),
            ]
        groups = Charge.search(candidates)[group_field]
        charges = Charge.search([(group_field, "in", groups.ids)])
        return {
            record.id
            for record in groups
            if charges.filtered(lambda c, r=record: c[group_field] == r)._hms_billing_state()
            in states
        }


class HmsEncounter(models.Model):
    _inherit = "hms.encounter"

    billing_state = fields.Selection(search="_search_billing_state")

    def _search_billing_state(self, operator, value):
        Charge = self.env["hms.charge"]
        return Charge._hms_billing_state_domain(
            lambda states: Charge._hms_billing_state_ids("encounter_id", states), operator, value
        )


class HmsPatient(models.Model):
    _inherit = "hms.patient"

    billing_state = fields.Selection(search="_search_billing_state")

    def _search_billing_state(self, operator, value):
        Charge = self.env["hms.charge"]
        return Charge._hms_billing_state_domain(
            lambda states: Charge._hms_billing_state_ids("patient_id", states), operator, value
        )


class HmsAppointment(models.Model):
    _inherit = "hms.appointment"

    billing_state = fields.Selection(
        BILLING_STATES,
        "Billing",
        compute="_compute_billing_state",
        search="_search_billing_state",
        help="Where the bill of this appointment's consultation stands.",
    )

    @api.depends(
        "encounter_ids.charge_ids.state",
        "encounter_ids.charge_ids.invoice_line_ids.move_id.payment_state",
    )
    def _compute_billing_state(self):
        for appointment in self:
            encounter = appointment.sudo().encounter_ids[:1]
            appointment.billing_state = encounter.billing_state if encounter else "none"

    def _search_billing_state(self, operator, value):
        Charge = self.env["hms.charge"]

        def ids_in_states(states):
            encounters = (
                self.env["hms.encounter"]
                .sudo()
                .browse(Charge._hms_billing_state_ids("encounter_id", states))
            )
            return set(encounters.appointment_id.ids)

        return Charge._hms_billing_state_domain(ids_in_states, operator, value)
