from collections import defaultdict

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import float_round
from odoo.tools.sql import create_index


class HmsCharge(models.Model):
    """One billable event (a consultation, a performed test, a dispensed line...), charged once.

    The source of a charge is the record it bills (``res_model``/``res_id``) and a charge code:
    the database refuses a second charge of the same source and code, whoever and however many
    workers try at the same moment. Charges become invoice lines (``account.move``); a credit
    note that reverses them makes them billable again. They are never deleted: a charge billed
    by mistake is waived with a reason.
    """

    _name = "hms.charge"
    _description = "Charge"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char("Description", required=True)
    res_model = fields.Char("Source Model", required=True, readonly=True, index=True)
    res_id = fields.Many2oneReference(
        "Source Record", model_field="res_model", required=True, readonly=True
    )
    code = fields.Char(
        "Charge Code",
        required=True,
        readonly=True,
        help="What of the source is charged (e.g. consultation): one charge per source and code.",
    )
    reference = fields.Char(
        compute="_compute_reference",
        store=True,
        help="The stable reference of the billed event: model, record and code.",
    )
    patient_id = fields.Many2one(
        "hms.patient", "Patient", required=True, index=True, check_company=True, readonly=True
    )
    encounter_id = fields.Many2one(
        "hms.encounter", "Encounter", index="btree_not_null", check_company=True, readonly=True
    )
    practitioner_id = fields.Many2one("hms.practitioner", "Practitioner", readonly=True)
    company_id = fields.Many2one("res.company", "Clinic", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date("Date of Service", required=True, default=fields.Date.context_today)
    product_id = fields.Many2one(
        "product.product", "Service", required=True, check_company=True, ondelete="restrict"
    )
    quantity = fields.Float(required=True, default=1.0, digits="Product Unit of Measure")
    price_unit = fields.Monetary("Unit Price", required=True)
    amount = fields.Monetary(compute="_compute_amount", store=True, aggregator="sum")
    is_waived = fields.Boolean("Waived", readonly=True, copy=False)
    note = fields.Text(
        "Waiver or Adjustment Reason", readonly=True, copy=False, help="Why it was changed."
    )
    invoice_line_ids = fields.Many2many(
        "account.move.line",
        "hms_charge_account_move_line_rel",
        "charge_id",
        "move_line_id",
        string="Invoice Lines",
        readonly=True,
        copy=False,
    )
    state = fields.Selection(
        [("to_bill", "To Bill"), ("invoiced", "Invoiced"), ("waived", "Waived")],
        compute="_compute_state",
        store=True,
        index=True,
    )

    _sql_constraints = [
        (
            "source_unique",
            "UNIQUE(res_model, res_id, code)",
            "This event is already charged: a charge is billed once.",
        ),
        ("quantity_positive", "CHECK(quantity > 0)", "Quantity: must be more than zero."),
        ("price_positive", "CHECK(price_unit > 0)", "Unit Price: must be more than zero."),
    ]

    def init(self):
        # The billing clerks' worklist: the charges still to bill of their clinic, newest first
        # (the model's order); a partial index, so it does not grow with the billed history.
        create_index(
            self.env.cr,
            "hms_charge_to_bill_index",
            self._table,
            ["company_id", "date DESC", "id DESC"],
            where="state = 'to_bill'",
        )

    @api.depends("res_model", "res_id", "code")
    def _compute_reference(self):
        for charge in self:
            charge.reference = f"{charge.res_model},{charge.res_id},{charge.code}"

    @api.depends("quantity", "price_unit")
    def _compute_amount(self):
        for charge in self:
            charge.amount = charge.currency_id.round(charge.quantity * charge.price_unit)

    @api.depends("is_waived", "invoice_line_ids.parent_state", "invoice_line_ids.move_id.move_type")
    def _compute_state(self):
        for charge in self:
            # Each invoice line counts +1, each credit-note line -1 (a reversal copies the
            # lines with their charges): a fully reversed charge is billable again.
            billed = sum(
                1 if line.move_id.move_type == "out_invoice" else -1
                for line in charge.invoice_line_ids
                if line.parent_state != "cancel"
            )
            if charge.is_waived:
                charge.state = "waived"
            else:
                charge.state = "invoiced" if billed > 0 else "to_bill"

    @api.model
    def _hms_check_amounts(self, vals):
        """Refuse a zero or negative quantity or price before the database's CHECK does."""
        for fname in ("quantity", "price_unit"):
            if fname in vals and not (vals[fname] or 0) > 0:
                raise ValidationError(
                    self.env._(
                        "%(field)s: must be more than zero.", field=self._fields[fname].string
                    )
                )

    @api.constrains("patient_id", "company_id")
    def _check_patient_clinic(self):
        for charge in self:
            if charge.patient_id.company_id != charge.company_id:
                raise ValidationError(
                    self.env._(
                        "%(patient)s is a patient of %(clinic)s: charge them there.",
                        patient=charge.patient_id.display_name,
                        clinic=charge.patient_id.company_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._hms_check_amounts(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._hms_check_amounts(vals)
        if {"quantity", "price_unit", "product_id"} & vals.keys() and any(
            charge.state not in ("to_bill", "covered") for charge in self
        ):
            raise UserError(
                self.env._("Only a charge still to bill is adjusted; credit the invoice first.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_always(self):
        raise UserError(self.env._("Charges are never deleted: waive them with a reason."))

    # ------------------------------------------------------------------ recording
    @api.model
    def _hms_record(self, vals_list):
        """Record the charges of ``vals_list``, each at most once; return them.

        A source already charged (by this call or anyone before, committed or not) gives the
        existing charge back, never a second one: the unique constraint decides, in its own
        savepoint, so that a concurrent duplicate does not undo the caller's transaction.
        The sources already charged are found in one query and the new charges created in one
        batch; only a batch that meets a concurrent duplicate is retried charge by charge.
        """
        if not vals_list:
            return self.browse()
        existing = self._hms_existing_charges(vals_list)
        todo = {}
        for vals in vals_list:
            key = (vals["res_model"], vals["res_id"], vals["code"])
            if key not in existing:
                todo.setdefault(key, vals)
        if todo:
            try:
                with self.env.cr.savepoint():
                    created = self.create(list(todo.values()))
                existing.update(zip(todo, created, strict=True))
            except psycopg2.errors.UniqueViolation:
                for key, vals in todo.items():
                    try:
                        with self.env.cr.savepoint():
                            existing[key] = self.create(vals)
                    except psycopg2.errors.UniqueViolation:
                        existing[key] = self.sudo().search(self._hms_source_domain(*key), limit=1)
        keys = ((vals["res_model"], vals["res_id"], vals["code"]) for vals in vals_list)
        return self.browse(list(dict.fromkeys(existing[key].id for key in keys if existing[key])))

    @api.model
    def _hms_existing_charges(self, vals_list):
        """{(model, record, code): charge} of the sources of ``vals_list`` already charged."""
        res_ids = defaultdict(set)
        for vals in vals_list:
            res_ids[vals["res_model"], vals["code"]].add(vals["res_id"])
        domain = expression.OR(
            [
                [("res_model", "=", model), ("code", "=", code), ("res_id", "in", list(ids))]
                for (model, code), ids in res_ids.items()
            ]
        )
        found = self.sudo().search_fetch(domain, ["res_model", "res_id", "code"])
        return {(c.res_model, c.res_id, c.code): c for c in found}

    @api.model
    def _hms_source_domain(self, res_model, res_id, code):
        return [("res_model", "=", res_model), ("res_id", "=", res_id), ("code", "=", code)]

    # ------------------------------------------------------------------ actions
    def _action_waive(self, reason):
        """Waive charges not yet invoiced, with the reason (kept on the charge and audited)."""
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for waiving the charge."))
        if any(charge.state not in ("to_bill", "covered") for charge in self):
            raise UserError(self.env._("Only a charge still to bill is waived."))
        self.write({"is_waived": True, "note": reason})

    def _action_adjust(self, price_unit, reason):
        """Change the unit price of charges not yet invoiced, with the reason."""
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for adjusting the charge."))
        self.write({"price_unit": price_unit, "note": reason})

    def action_open_adjust_wizard(self):
        """Open the wizard that waives or adjusts the selected charges."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Waive or Adjust"),
            "res_model": "hms.charge.adjust",
            "view_mode": "form",
            "target": "new",
            "context": {"default_charge_ids": self.ids},
        }

    def action_invoice(self):
        """Invoice the selected charges still to bill (patient and insurer shares)."""
        moves = self._hms_invoice()
        return moves._get_records_action(name=self.env._("Invoices"))

    # ------------------------------------------------------------------ invoicing
    def _hms_invoice(self, post=False):
        """Invoice these charges: one customer invoice per clinic, payer and share.

        With an insurance policy valid on the date of service, each charge is split into a
        line of the insurer's invoice and a line of the patient's (see ``_hms_invoice_lines``);
        without one, the patient pays all. Returns the invoices.
        """
        charges = self.filtered(lambda c: c.state == "to_bill")
        if not charges:
            raise UserError(self.env._("Nothing to invoice: these charges are billed or waived."))
        # Lock the charges: two clerks invoicing the same ones wait for each other, and the
        # second finds them invoiced.
        self.env.cr.execute(
            "SELECT id FROM hms_charge WHERE id IN %s FOR UPDATE", [tuple(charges.ids)]
        )
        charges.invalidate_recordset(["state", "invoice_line_ids"])
        charges = charges.filtered(lambda c: c.state == "to_bill")
        if not charges:
            raise UserError(self.env._("These charges were invoiced in the meantime."))
        lines_by_invoice = defaultdict(list)
        batch = defaultdict(float)  # co-pays and caps used by the charges invoiced here
        for charge in charges:
            for partner, share, line in charge._hms_invoice_lines(batch):
                key = (charge.company_id, charge.patient_id, partner, share)
                lines_by_invoice[key].append(line)
        # One create per clinic, of all its invoices: Odoo computes their lines in one batch.
        vals_by_company = defaultdict(list)
        for (company, patient, partner, share), lines in lines_by_invoice.items():
            vals_by_company[company].append(
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "hms_patient_id": patient.id,
                    "hms_share": share,
                    "invoice_origin": ", ".join(sorted({line[2]["name"] for line in lines})),
                    "invoice_line_ids": lines,
                }
            )
        Move = self.env["account.move"]
        moves = Move.concat(
            *(Move.with_company(company).create(vals) for company, vals in vals_by_company.items())
        )
        if post:
            moves.action_post()
        return moves

    def _hms_insurance_policy(self):
        """The patient's policy valid on the date of service (empty without one)."""
        self.ensure_one()
        policies = self.patient_id.sudo().insurance_ids
        return policies.filtered(lambda p: p._is_valid_on(self.date))[:1]

    def _hms_invoice_lines(self, batch):
        """[(partner, share, invoice line command)] of this charge: insurer first, then patient.

        With a policy valid on the date of service, the insurer pays the coverage percentage,
        less the co-pay the patient owes once per visit, up to what is left of the policy's
        yearly cap; the patient pays the rest. ``batch`` accumulates the co-pays and the cap
        used by the charges invoiced in the same call, before their invoice lines exist.
        """
        self.ensure_one()
        currency = self.currency_id
        policy = self._hms_insurance_policy()
        insurer = copay = 0.0
        if policy:
            covered = currency.round(self.amount * policy.coverage_percent / 100)
            visit = ("copay", policy.id, self.encounter_id.id or f"charge-{self.id}")
            if policy.copay_amount:
                applied = policy._hms_copay_applied(self) + batch[visit]
                copay = min(covered, max(policy.copay_amount - applied, 0.0))
            insurer = covered - copay
            year = ("cap", policy.id, self.date.year)
            if policy.cap_amount:
                billed = policy._hms_insurer_billed(self.date.year) + batch[year]
                insurer = min(insurer, max(policy.cap_amount - billed, 0.0))
            insurer = currency.round(insurer)
            batch[visit] += copay
            batch[year] += insurer
        result = []
        for partner, share, amount in (
            (policy.payer_id, "payer", insurer),
            (self.patient_id.partner_id, "patient", currency.round(self.amount - insurer)),
        ):
            if currency.is_zero(amount):
                continue
            name = self.name
            if policy:
                name = self.env._(
                    "%(service)s — %(patient)s, policy %(policy)s (%(share)s)",
                    service=self.name,
                    patient=self.patient_id.name,
                    policy=policy.policy_number,
                    share=self.env._("insurer") if share == "payer" else self.env._("patient"),
                )
            line = {
                "product_id": self.product_id.id,
                "name": name,
                **self._hms_share_quantity(amount),
                "hms_policy_id": policy.id,
                "hms_service_date": self.date,
                "hms_copay_amount": copay if share == "patient" else 0.0,
                "hms_charge_ids": [fields.Command.link(self.id)],
            }
            result.append((partner, share, fields.Command.create(line)))
        return result

    def _hms_share_quantity(self, amount):
        """Quantity and unit price of a share line that bill exactly ``amount``: the charge's
        quantity, or one unit when the unit price would lose a cent to its precision."""
        digits = self.env["decimal.precision"].precision_get("Product Price")
        unit = float_round(amount / self.quantity, precision_digits=digits)
        if self.currency_id.compare_amounts(unit * self.quantity, amount):
            return {"quantity": 1.0, "price_unit": amount}
        return {"quantity": self.quantity, "price_unit": unit}

    @api.model
    def _hms_bill_encounters(self, encounter_ids, post=False):
        """Charge the consultation of closed encounters and invoice what they left to bill."""
        encounters = self.env["hms.encounter"].browse(encounter_ids)
        encounters._hms_charge_consultation()
        to_bill = self.search([("encounter_id", "in", encounters.ids), ("state", "=", "to_bill")])
        return to_bill._hms_invoice(post=post) if to_bill else self.env["account.move"]

    def _hms_billing_state(self):
        """One state for these charges together (see ``BILLING_STATES`` of the encounter)."""
        charges = self.filtered(lambda c: c.state != "waived")
        if not charges:
            return "none"
        if any(charge.state == "to_bill" for charge in charges):
            return "to_bill"
        invoices = charges.invoice_line_ids.move_id.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted"
        )
        if not invoices:
            return "invoiced"
        states = set(invoices.mapped("payment_state"))
        if states <= {"paid", "in_payment", "reversed"}:
            return "paid"
        today = fields.Date.context_today(self)
        if any(
            m.payment_state in ("not_paid", "partial") and m.invoice_date_due < today
            for m in invoices
        ):
            return "overdue"
        return "partial" if states & {"partial", "paid", "in_payment"} else "invoiced"
