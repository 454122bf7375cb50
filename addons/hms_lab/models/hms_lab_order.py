from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

CLINICAL = "hms_base.group_hms_clinical"
STATES = [
    ("ordered", "Ordered"),
    ("collected", "Collected"),
    ("received", "Received"),
    ("in_progress", "In Progress"),
    ("to_validate", "To Validate"),
    ("released", "Released"),
    ("cancelled", "Cancelled"),
]


class HmsLabOrder(models.Model):
    _name = "hms.lab.order"
    _description = "Lab Order"
    _inherit = ["hms.clinic.numbered.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "priority desc, date_ordered, id"
    _check_company_auto = True
    _hms_sequence_code = "hms.lab.order"

    name = fields.Char("Accession Number", readonly=True, copy=False, default="/", index=True)
    encounter_id = fields.Many2one(
        "hms.encounter",
        "Encounter",
        index="btree_not_null",
        check_company=True,
        ondelete="restrict",
        groups=CLINICAL,
    )
    patient_id = fields.Many2one(
        "hms.patient",
        "Patient",
        required=True,
        index=True,
        check_company=True,
        ondelete="restrict",
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        "Clinic",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    doctor_id = fields.Many2one(
        "res.users",
        "Ordered By",
        required=True,
        index=True,
        default=lambda self: self.env.user,
        tracking=True,
    )
    priority = fields.Selection(
        [("0", "Routine"), ("1", "Urgent"), ("2", "STAT")],
        required=True,
        default="0",
        tracking=True,
    )
    clinical_question = fields.Text(help="What the doctor wants to know; read by the lab.")
    is_pregnant = fields.Boolean("Pregnant", help="Selects the pregnancy reference ranges.")
    test_ids = fields.Many2many("hms.lab.test", string="Tests", domain="[('active', '=', True)]")
    panel_ids = fields.Many2many("hms.lab.panel", string="Panels")
    state = fields.Selection(
        STATES, required=True, default="ordered", index=True, copy=False, tracking=True
    )
    cancel_reason = fields.Char(copy=False, tracking=True)
    specimen_ids = fields.One2many("hms.lab.specimen", "order_id", "Specimens")
    result_ids = fields.One2many("hms.lab.result", "order_id", "Results")
    date_ordered = fields.Datetime("Ordered On", required=True, default=fields.Datetime.now)
    date_collected = fields.Datetime("Collected On", readonly=True, copy=False)
    date_received = fields.Datetime("Received On", readonly=True, copy=False)
    date_released = fields.Datetime("Released On", readonly=True, copy=False)
    date_reviewed = fields.Datetime("Reviewed On", readonly=True, copy=False)
    collect_minutes = fields.Float(
        "Order to Collection (min)", compute="_compute_turnaround", store=True, aggregator="avg"
    )
    transport_minutes = fields.Float(
        "Collection to Reception (min)",
        compute="_compute_turnaround",
        store=True,
        aggregator="avg",
    )
    analysis_minutes = fields.Float(
        "Reception to Release (min)", compute="_compute_turnaround", store=True, aggregator="avg"
    )
    total_minutes = fields.Float(
        "Turnaround (min)", compute="_compute_turnaround", store=True, aggregator="avg"
    )
    has_critical = fields.Boolean(compute="_compute_has_critical", store=True)
    result_count = fields.Integer(compute="_compute_result_count")

    @api.depends("date_ordered", "date_collected", "date_received", "date_released")
    def _compute_turnaround(self):
        def minutes(start, end):
            return (end - start).total_seconds() / 60 if start and end else 0.0

        for order in self:
            order.collect_minutes = minutes(order.date_ordered, order.date_collected)
            order.transport_minutes = minutes(order.date_collected, order.date_received)
            order.analysis_minutes = minutes(order.date_received, order.date_released)
            order.total_minutes = minutes(order.date_ordered, order.date_released)

    @api.depends("result_ids.is_critical")
    def _compute_has_critical(self):
        for order in self:
            order.has_critical = any(order.result_ids.mapped("is_critical"))

    def _compute_result_count(self):
        for order in self:
            order.result_count = len(order.result_ids)

    @api.constrains("test_ids", "panel_ids")
    def _check_tests(self):
        for order in self:
            if not order.test_ids and not order.panel_ids:
                raise ValidationError(self.env._("A lab order needs at least one test or panel."))

    @api.onchange("encounter_id")
    def _onchange_encounter_id(self):
        if self.encounter_id:
            self.patient_id = self.encounter_id.patient_id
            self.company_id = self.encounter_id.company_id

    @api.model
    def _hms_numbering_clinic(self, vals):
        if vals.get("encounter_id"):
            return self.env["hms.encounter"].browse(vals["encounter_id"]).company_id
        return super()._hms_numbering_clinic(vals)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("encounter_id"):
                encounter = self.env["hms.encounter"].browse(vals["encounter_id"])
                vals.setdefault("patient_id", encounter.patient_id.id)
                vals.setdefault("company_id", encounter.company_id.id)
        orders = super().create(vals_list)
        orders._hms_prepare_work()
        orders._hms_notify_lab()
        return orders

    def _hms_all_tests(self):
        """The tests of the order: those chosen one by one and those of its panels."""
        self.ensure_one()
        return self.test_ids | self.panel_ids.test_ids

    def _hms_prepare_work(self):
        """One result to enter per test, one specimen per tube to collect."""
        results, specimens = [], []
        for order in self:
            tests = order._hms_all_tests()
            results += [
                {"order_id": order.id, "test_id": test.id, "sequence": index}
                for index, test in enumerate(tests)
            ]
            tubes = dict.fromkeys((test.specimen_type, test.container) for test in tests)
            specimens += [
                {"order_id": order.id, "specimen_type": kind, "container": container}
                for kind, container in tubes
            ]
        self.env["hms.lab.result"].sudo().create(results)
        self.env["hms.lab.specimen"].sudo().create(specimens)

    def _hms_lab_technicians(self):
        """The lab staff of the order's clinic (lab technicians, managers included)."""
        self.ensure_one()
        return (
            self.env.ref("hms_base.group_hms_lab_technician")
            .sudo()
            .users.filtered(lambda user: self.company_id in user.company_ids and not user.share)
        )

    def _hms_notify_lab(self):
        for order in self:
            technicians = order._hms_lab_technicians()
            if technicians:
                order.sudo().message_notify(
                    partner_ids=technicians.partner_id.ids,
                    subject=self.env._("New lab order %(name)s", name=order.name),
                    body=self.env._(
                        "%(priority)s lab order %(name)s for %(patient)s.",
                        priority=dict(self._fields["priority"]._description_selection(self.env))[
                            order.priority
                        ],
                        name=order.name,
                        patient=order.patient_id.name,
                    ),
                )

    def _hms_update_state(self):
        """Follow the specimens and results: collected, received, in progress, to validate."""
        now = fields.Datetime.now()
        for order in self:
            if order.state in ("released", "cancelled"):
                continue
            specimens = order.specimen_ids.filtered(lambda s: s.state != "rejected")
            results = order.result_ids.filtered(lambda r: r.state != "cancelled")
            vals = {}
            if specimens and all(s.state in ("collected", "received") for s in specimens):
                vals["date_collected"] = order.date_collected or now
            if specimens and all(s.state == "received" for s in specimens):
                vals["date_received"] = order.date_received or now
            if results and all(r.state in ("entered", "validated") for r in results):
                vals["state"] = "to_validate"
            elif any(r.state != "pending" for r in results):
                vals["state"] = "in_progress"
            elif "date_received" in vals:
                vals["state"] = "received"
            elif "date_collected" in vals:
                vals["state"] = "collected"
            else:
                vals["state"] = "ordered"
            if any(order[name] != value for name, value in vals.items()):
                order.sudo().write(vals)

    def action_cancel(self):
        """Cancel the order; the reason is required and nothing is deleted."""
        for order in self:
            if order.state == "released":
                raise UserError(
                    self.env._("%(name)s is released: amend its results instead.", name=order.name)
                )
            if not (order.cancel_reason or "").strip():
                raise UserError(
                    self.env._("Give the reason for cancelling %(name)s.", name=order.name)
                )
        self.write({"state": "cancelled"})
        self.result_ids.sudo().write({"state": "cancelled"})

    def action_release(self):
        """Release validated results to the doctor, the chart and the portal."""
        for order in self:
            results = order.result_ids.filtered(lambda r: r.state != "cancelled")
            if order.state != "to_validate" or any(
                r.state not in ("validated", "released") for r in results
            ):
                raise UserError(
                    self.env._(
                        "%(name)s cannot be released: every result must first be validated "
                        "by a second person.",
                        name=order.name,
                    )
                )
        now = fields.Datetime.now()
        self.write({"state": "released", "date_released": now})
        results = self.result_ids.filtered(lambda r: r.state == "validated")
        results._hms_release(now)

    def action_mark_reviewed(self):
        """The ordering doctor has read the released results."""
        for order in self:
            if order.state != "released":
                raise UserError(self.env._("Only released results are reviewed."))
        self.sudo().write({"date_reviewed": fields.Datetime.now()})

    def action_view_results(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("hms_lab.hms_lab_result_action")
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_print_report(self):
        self.ensure_one()
        return self.env.ref("hms_lab.action_report_lab_order").report_action(self)

    def _get_report_base_filename(self):
        self.ensure_one()
        return f"Lab results {self.name}"
