from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

FLAGS = [
    ("normal", "Normal"),
    ("low", "Low"),
    ("high", "High"),
    ("critical_low", "Critical Low"),
    ("critical_high", "Critical High"),
    ("abnormal", "Abnormal"),
]
VALUE_FIELDS = {"value", "unit"}


def parse_number(text):
    """The float of a numeric result, or None when the text is not a number."""
    try:
        return float((text or "").strip().replace(",", "."))
    except ValueError:
        return None


class HmsLabResult(models.Model):
    _name = "hms.lab.result"
    _description = "Lab Result"
    _order = "priority desc, id"  # the worklist: STAT first, then the longest waiting
    _check_company_auto = True

    order_id = fields.Many2one(
        "hms.lab.order", "Lab Order", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    test_id = fields.Many2one(
        "hms.lab.test", "Test", required=True, index=True, ondelete="restrict"
    )
    patient_id = fields.Many2one(related="order_id.patient_id", store=True, index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    doctor_id = fields.Many2one(related="order_id.doctor_id", store=True, index=True)
    priority = fields.Selection(related="order_id.priority", store=True)
    result_type = fields.Selection(related="test_id.result_type")
    loinc_code = fields.Char(related="test_id.loinc_code")
    value = fields.Char(help="As entered or received; numbers for numeric tests.")
    unit = fields.Char(compute="_compute_unit", store=True, readonly=False, precompute=True)
    value_numeric = fields.Float(
        "Numeric Value", compute="_compute_evaluation", store=True, aggregator="avg"
    )
    range_id = fields.Many2one(
        "hms.lab.range", "Reference Range", compute="_compute_evaluation", store=True
    )
    flag = fields.Selection(FLAGS, compute="_compute_evaluation", store=True, index=True)
    is_abnormal = fields.Boolean(compute="_compute_evaluation", store=True)
    is_critical = fields.Boolean(compute="_compute_evaluation", store=True, index=True)
    previous_result_id = fields.Many2one(
        "hms.lab.result", "Previous Result", compute="_compute_evaluation", store=True
    )
    delta_change = fields.Float(
        "Change (%)", compute="_compute_evaluation", store=True, aggregator=False
    )
    is_delta_flagged = fields.Boolean(
        "Delta Check Failed", compute="_compute_evaluation", store=True
    )
    range_label = fields.Char("Reference", compute="_compute_range_label")
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("entered", "To Validate"),
            ("validated", "Validated"),
            ("released", "Released"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="pending",
        index=True,
    )
    entered_by_id = fields.Many2one("res.users", "Entered By", readonly=True)
    date_entered = fields.Datetime("Entered On", readonly=True)
    validated_by_id = fields.Many2one("res.users", "Validated By", readonly=True)
    date_validated = fields.Datetime("Validated On", readonly=True)
    date_released = fields.Datetime("Released On", readonly=True, index=True)
    acknowledged_by_id = fields.Many2one("res.users", "Acknowledged By", readonly=True)
    date_acknowledged = fields.Datetime("Acknowledged On", readonly=True)
    acknowledge_minutes = fields.Float("Time to Acknowledge (min)", readonly=True, aggregator="avg")
    date_escalated = fields.Datetime("Escalated On", readonly=True)
    critical_activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")
    amendment_ids = fields.One2many("hms.lab.result.amendment", "result_id", "Amendments")
    is_amended = fields.Boolean(compute="_compute_is_amended", store=True)
    # For billing: one billable item per performed test, under a reference that never changes.
    is_billable = fields.Boolean(readonly=True, index=True)
    billing_reference = fields.Char(readonly=True, copy=False)
    product_id = fields.Many2one(related="test_id.product_id")

    _sql_constraints = [
        ("test_unique", "unique(order_id, test_id)", "A test appears once in a lab order."),
        ("billing_reference_unique", "unique(billing_reference)", "Billing references are unique."),
    ]

    def init(self):
        # The delta check's search of a patient's latest result of a test, and the worklist
        # of results still to enter or validate (a small partial index).
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS hms_lab_result_patient_test_idx
                ON hms_lab_result (patient_id, test_id, id);
            CREATE INDEX IF NOT EXISTS hms_lab_result_worklist_idx
                ON hms_lab_result (priority DESC, id)
             WHERE state IN ('pending', 'entered');
            """
        )

    @api.depends("test_id")
    def _compute_unit(self):
        for result in self:
            result.unit = result.test_id.unit

    @api.depends("value", "test_id")
    def _compute_evaluation(self):
        fitting = {}
        for order in self.order_id:
            date = (order.date_collected or order.date_ordered or fields.Datetime.now()).date()
            tests = self.filtered(lambda r, o=order: r.order_id == o).test_id
            fitting[order] = tests._hms_fit_ranges(order.patient_id, date, order.is_pregnant)
        previous = self._hms_previous_results()
        for result in self:
            range_ = fitting.get(result.order_id, {}).get(result.test_id)
            number = parse_number(result.value) if result.result_type == "numeric" else None
            flag = False
            if result.value and range_:
                if number is not None:
                    flag = range_._hms_flag(number)
                elif result.result_type == "qualitative" and range_.normal_value:
                    same = result.value.strip().lower() == range_.normal_value.strip().lower()
                    flag = "normal" if same else "abnormal"
            before = previous.get(result)
            change = 0.0
            if number is not None and before and before.value_numeric:
                change = (number - before.value_numeric) / abs(before.value_numeric) * 100
            limit = result.test_id.delta_percent
            result.update(
                {
                    "value_numeric": number or 0.0,
                    "range_id": range_ if result.value else False,
                    "flag": flag,
                    "is_abnormal": flag not in (False, "normal"),
                    "is_critical": flag in ("critical_low", "critical_high"),
                    "previous_result_id": before,
                    "delta_change": change,
                    "is_delta_flagged": bool(limit and abs(change) > limit),
                }
            )

    def _hms_previous_results(self):
        """{result: the patient's latest earlier validated result of the same test}."""
        entered = self.filtered(lambda r: r.value and r.result_type == "numeric" and r.id)
        if not entered:
            return {}
        # One indexed backward scan per (patient, test): the cost does not grow with history.
        Result = self.sudo().with_context(active_test=False)
        latest = {}
        for key in {(r.patient_id.id, r.test_id.id) for r in entered}:
            latest[key] = Result.search(
                [
                    ("patient_id", "=", key[0]),
                    ("test_id", "=", key[1]),
                    ("state", "in", ("validated", "released")),
                    ("id", "not in", entered.ids),
                ],
                order="id desc",
                limit=1,
            ).with_env(self.env)
        return {
            result: before
            for result in entered
            if (before := latest[(result.patient_id.id, result.test_id.id)])
        }

    @api.depends("range_id", "test_id")
    def _compute_range_label(self):
        for result in self:
            range_ = result.range_id
            if not range_:
                result.range_label = ""
            elif result.result_type == "qualitative":
                result.range_label = range_.normal_value or ""
            else:
                low = f"{range_.normal_low:g}" if range_.has_normal_low else ""
                high = f"{range_.normal_high:g}" if range_.normal_high else ""
                if low and high:
                    result.range_label = f"{low}-{high}"
                else:
                    result.range_label = f">= {low}" if low else f"<= {high}" if high else ""

    @api.depends("amendment_ids")
    def _compute_is_amended(self):
        for result in self:
            result.is_amended = bool(result.amendment_ids)

    @api.constrains("value", "unit", "test_id")
    def _check_value(self):
        for result in self.filtered("value"):
            test = result.test_id
            if test.result_type != "numeric":
                continue
            number = parse_number(result.value)
            if number is None:
                raise ValidationError(
                    self.env._(
                        "%(test)s is a numeric test: %(value)r is not a number.",
                        test=test.name,
                        value=result.value,
                    )
                )
            if number < test.plausible_low or (
                test.plausible_high and number > test.plausible_high
            ):
                raise ValidationError(
                    self.env._(
                        "%(value)s %(unit)s is impossible for %(test)s (plausible from "
                        "%(low)s to %(high)s): check the sample and the entry.",
                        value=result.value,
                        unit=test.unit or "",
                        test=test.name,
                        low=test.plausible_low,
                        high=test.plausible_high or "∞",
                    )
                )
            if (result.unit or "") != (test.unit or ""):
                raise ValidationError(
                    self.env._(
                        "%(test)s is reported in %(expected)s, not %(unit)s.",
                        test=test.name,
                        expected=test.unit,
                        unit=result.unit,
                    )
                )

    def write(self, vals):
        self.check_access("write")
        if VALUE_FIELDS & set(vals) and not self.env.context.get("hms_lab_amend"):
            for result in self:
                if result.state not in ("pending", "entered"):
                    raise UserError(
                        self.env._(
                            "%(test)s of %(order)s is already validated: amend it with a reason.",
                            test=result.test_id.name,
                            order=result.order_id.name,
                        )
                    )
                if result.order_id.state not in ("received", "in_progress", "to_validate"):
                    raise UserError(
                        self.env._(
                            "%(order)s: results are entered once its specimens are received.",
                            order=result.order_id.name,
                        )
                    )
        if "value" in vals:
            entered = bool(vals["value"])
            vals = {
                **vals,
                "state": "entered" if entered else "pending",
                "entered_by_id": self.env.uid if entered else False,
                "date_entered": fields.Datetime.now() if entered else False,
                "validated_by_id": False,
                "date_validated": False,
            }
        res = super().write(vals)
        if "value" in vals:
            self.order_id._hms_update_state()
        return res

    def action_validate(self):
        """The second person's check: nobody validates a result they entered."""
        for result in self:
            if result.state != "entered":
                raise UserError(
                    self.env._("%(test)s has no result to validate.", test=result.test_id.name)
                )
            if result.entered_by_id == self.env.user:
                raise UserError(
                    self.env._(
                        "%(test)s: you entered this result; another person validates it.",
                        test=result.test_id.name,
                    )
                )
        self.write(
            {
                "state": "validated",
                "validated_by_id": self.env.uid,
                "date_validated": fields.Datetime.now(),
            }
        )

    def _hms_release(self, date):
        for result in self:
            result.write(
                {
                    "state": "released",
                    "date_released": date,
                    "is_billable": True,
                    "billing_reference": result.billing_reference
                    or f"{result.order_id.name}/{result.test_id.code}",
                }
            )
        self.filtered(lambda r: r.is_critical and not r.date_acknowledged)._hms_notify_critical()

    def _hms_notify_critical(self):
        """Tell the ordering doctor at once: an activity to acknowledge, and an inbox message."""
        for result in self:
            order = result.order_id.sudo()
            summary = self.env._(
                "Critical value: %(test)s %(value)s %(unit)s",
                test=result.test_id.name,
                value=result.value,
                unit=result.unit or "",
            )
            activity = order.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=order.doctor_id.id,
                summary=summary,
                note=self.env._("Acknowledge it on the result once the patient is taken care of."),
            )
            result.sudo().critical_activity_id = activity
            order.message_notify(
                partner_ids=order.doctor_id.partner_id.ids,
                subject=summary,
                body=self.env._(
                    "%(summary)s for %(patient)s (%(order)s).",
                    summary=summary,
                    patient=order.patient_id.name,
                    order=order.name,
                ),
            )

    def action_acknowledge(self):
        """The doctor has seen the critical value: who and when are recorded."""
        self.check_access("read")
        if not self.env.user.has_group("hms_base.group_hms_doctor"):
            raise AccessError(self.env._("Only doctors acknowledge critical values."))
        now = fields.Datetime.now()
        for result in self:
            if not result.is_critical or result.state != "released" or result.date_acknowledged:
                raise UserError(
                    self.env._(
                        "%(test)s is not a critical value waiting for acknowledgement.",
                        test=result.test_id.name,
                    )
                )
            result.sudo().write(
                {
                    "acknowledged_by_id": self.env.uid,
                    "date_acknowledged": now,
                    "acknowledge_minutes": (now - result.date_released).total_seconds() / 60,
                }
            )
            if result.critical_activity_id:
                result.critical_activity_id.sudo().action_feedback(
                    feedback=self.env._("Acknowledged by %(user)s", user=self.env.user.name)
                )

    @api.model
    def _cron_escalate_criticals(self):
        """Critical values nobody acknowledged in time go to the clinic's HMS managers."""
        now = fields.Datetime.now()
        pending = self.sudo().search(
            [
                ("is_critical", "=", True),
                ("state", "=", "released"),
                ("date_acknowledged", "=", False),
                ("date_escalated", "=", False),
            ]
        )
        managers_group = self.env.ref("hms_base.group_hms_manager").sudo()
        for result in pending:
            company = result.company_id
            delay = timedelta(minutes=company.hms_lab_critical_escalation_minutes)
            if result.date_released + delay > now:
                continue
            managers = managers_group.users.filtered(
                lambda user, c=company: c in user.company_ids and not user.share
            )
            order = result.order_id.sudo()
            summary = self.env._(
                "Unacknowledged critical value: %(test)s %(value)s (%(order)s)",
                test=result.test_id.name,
                value=result.value,
                order=order.name,
            )
            for manager in managers:
                order.activity_schedule(
                    "mail.mail_activity_data_todo", user_id=manager.id, summary=summary
                )
            if managers:
                order.message_notify(
                    partner_ids=managers.partner_id.ids, subject=summary, body=summary
                )
            result.date_escalated = now

    def action_amend(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Amend Result"),
            "res_model": "hms.lab.result.amend",
            "view_mode": "form",
            "target": "new",
            "context": {"default_result_id": self.id},
        }

    def _hms_amend(self, value, reason):
        """Correct a released result: the old value is kept, a second person validates again."""
        self.ensure_one()
        if self.state not in ("validated", "released"):
            raise UserError(self.env._("Only validated or released results are amended."))
        if not (reason or "").strip():
            raise UserError(self.env._("An amended result needs a reason."))
        self.env["hms.lab.result.amendment"].create(
            {
                "result_id": self.id,
                "old_value": self.value,
                "old_flag": self.flag,
                "old_validated_by_id": self.validated_by_id.id,
                "new_value": value,
                "reason": reason,
            }
        )
        self.with_context(hms_lab_amend=True).write({"value": value})
        self.order_id.sudo().write({"state": "to_validate"})
        self.order_id.message_post(
            body=self.env._(
                "%(test)s amended from %(old)s to %(new)s: %(reason)s",
                test=self.test_id.name,
                old=self.amendment_ids[:1].old_value,
                new=value,
                reason=reason,
            )
        )
