from contextlib import contextmanager
from datetime import timedelta

from psycopg2 import errors
from pytz import timezone, utc

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.sql import create_index

from .hms_appointment_type import TRIAGE_PRIORITIES

# States in which an appointment holds its slot (the exclusion constraint's scope).
ACTIVE_STATES = ("requested", "confirmed", "checked_in", "in_consultation", "done")
UPCOMING_STATES = ("requested", "confirmed")
# The fields of the double-booking exclusion constraint.
BOOKING_FIELDS = {"practitioner_id", "start", "stop", "state", "is_overbooking"}
TRIAGE_RANK = {"red": 0, "orange": 1, "green": 2}
STATE_COLOR = {
    "requested": 3,
    "confirmed": 10,
    "checked_in": 4,
    "in_consultation": 2,
    "done": 7,
    "cancelled": 1,
    "no_show": 9,
}
# What each event tells whom: (patient e-mail template, patient SMS template, tell practitioner).
NOTIFICATIONS = {
    "requested": (None, None, True),
    "confirmed": (
        "mail_template_appointment_confirmed",
        "sms_template_appointment_confirmed",
        True,
    ),
    "changed": ("mail_template_appointment_changed", "sms_template_appointment_changed", True),
    "cancelled": (
        "mail_template_appointment_cancelled",
        "sms_template_appointment_cancelled",
        True,
    ),
    "reminder": ("mail_template_appointment_reminder", "sms_template_appointment_reminder", False),
}


class HmsAppointment(models.Model):
    _name = "hms.appointment"
    _description = "Appointment"
    _inherit = ["hms.clinic.numbered.mixin", "portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "start desc, id desc"
    _check_company_auto = True

    def _default_type(self):
        return self.env["hms.appointment.type"].search([], limit=1)

    name = fields.Char("Reference", readonly=True, copy=False, default="/", index="trigram")
    patient_id = fields.Many2one(
        "hms.patient",
        "Patient",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    partner_id = fields.Many2one(related="patient_id.partner_id", string="Contact")
    practitioner_id = fields.Many2one(
        "hms.practitioner",
        "Practitioner",
        required=True,
        # Indexed together with ``stop`` (see init), for the slot search.
        tracking=True,
        ondelete="restrict",
        domain="[('company_ids', 'in', company_id)]",
    )
    practitioner_user_id = fields.Many2one(related="practitioner_id.user_id", string="Doctor")
    company_id = fields.Many2one(
        "res.company",
        "Clinic",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    appointment_type_id = fields.Many2one(
        "hms.appointment.type", "Type", required=True, default=_default_type, tracking=True
    )
    is_emergency = fields.Boolean(related="appointment_type_id.is_emergency")
    start = fields.Datetime(required=True, tracking=True, index=True)
    stop = fields.Datetime(
        "End",
        compute="_compute_stop",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
    )
    duration = fields.Float(compute="_compute_duration", string="Duration (hours)")
    tz = fields.Selection(related="practitioner_id.tz", string="Time Zone")
    start_local = fields.Char("Local Time", compute="_compute_start_local")
    reason = fields.Char("Reason for Visit", tracking=True)
    notes = fields.Text("Internal Notes")
    source = fields.Selection(
        [("desk", "Desk"), ("portal", "Portal"), ("phone", "Phone")],
        default="desk",
        required=True,
    )
    state = fields.Selection(
        [
            ("requested", "Requested"),
            ("confirmed", "Confirmed"),
            ("checked_in", "Checked In"),
            ("in_consultation", "In Consultation"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
            ("no_show", "No Show"),
        ],
        default="confirmed",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    color = fields.Integer(compute="_compute_color", store=True)
    cancel_reason = fields.Text("Cancellation Reason", copy=False, tracking=True)
    is_overbooking = fields.Boolean(
        "Overbooking",
        copy=False,
        tracking=True,
        help="An emergency squeezed into a taken slot; only users allowed to overbook set it.",
    )
    overbooked_by_id = fields.Many2one("res.users", "Overbooked By", readonly=True, copy=False)
    overbooked_date = fields.Datetime("Overbooked On", readonly=True, copy=False)
    history_ids = fields.One2many("hms.appointment.history", "appointment_id", "Reschedules")
    reminder_sent = fields.Boolean(copy=False)
    # Waiting room
    checkin_date = fields.Datetime("Arrived At", readonly=True, copy=False)
    called_date = fields.Datetime("Called At", readonly=True, copy=False)
    queue_date = fields.Date(readonly=True, copy=False)
    queue_ticket = fields.Integer("Ticket", readonly=True, copy=False, aggregator=None)
    queue_ticket_display = fields.Char("Ticket No.", compute="_compute_queue_ticket_display")
    triage_priority = fields.Selection(
        TRIAGE_PRIORITIES, "Triage", tracking=True, copy=False, group_expand=True
    )
    triage_rank = fields.Integer(compute="_compute_triage_rank", store=True)
    waiting_minutes = fields.Integer("Waiting (min)", compute="_compute_waiting_minutes")

    _sql_constraints = [
        ("stop_after_start", "CHECK(stop > start)", "An appointment must end after it starts."),
        (
            "no_double_booking",
            "EXCLUDE USING gist (practitioner_id WITH =, tsrange(start, stop) WITH &&) "
            "WHERE (state NOT IN ('cancelled', 'no_show') AND NOT COALESCE(is_overbooking, false))",
            "This practitioner already has an appointment at that time: choose another slot.",
        ),
        (
            "queue_ticket_unique",
            "UNIQUE(company_id, queue_date, queue_ticket)",
            "This queue ticket was already given today.",
        ),
    ]

    def _auto_init(self):
        # The double-booking exclusion constraint compares integers with gist: the extension
        # must exist before the model's SQL constraints are added.
        self.env.cr.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        return super()._auto_init()

    def init(self):
        super().init()
        # A practitioner's bookings ending after a moment: the slot search's lookup, whatever
        # the length of their history; also serves every lookup by practitioner.
        create_index(
            self.env.cr,
            "hms_appointment_practitioner_stop_index",
            self._table,
            ["practitioner_id", "stop"],
        )
        # Daily queue tickets per clinic: one counter row, incremented atomically.
        self.env.cr.execute(
            """
            CREATE TABLE IF NOT EXISTS hms_appointment_queue_counter (
                company_id integer NOT NULL REFERENCES res_company(id) ON DELETE CASCADE,
                day date NOT NULL,
                last_ticket integer NOT NULL,
                PRIMARY KEY (company_id, day)
            )
            """
        )

    @api.depends("start", "appointment_type_id")
    def _compute_stop(self):
        for appointment in self:
            if appointment.start and appointment.appointment_type_id:
                appointment.stop = appointment.start + timedelta(
                    hours=appointment.appointment_type_id.duration
                )

    @api.depends("start", "stop")
    def _compute_duration(self):
        for appointment in self:
            appointment.duration = (
                (appointment.stop - appointment.start).total_seconds() / 3600
                if appointment.start and appointment.stop
                else 0.0
            )

    @api.depends("start", "tz")
    def _compute_start_local(self):
        for appointment in self:
            appointment.start_local = (
                appointment._hms_local(appointment.start).strftime("%Y-%m-%d %H:%M")
                if appointment.start
                else False
            )

    @api.depends("state")
    def _compute_color(self):
        for appointment in self:
            appointment.color = STATE_COLOR.get(appointment.state, 0)

    @api.depends("queue_ticket", "company_id.hms_clinic_code")
    def _compute_queue_ticket_display(self):
        for appointment in self:
            appointment.queue_ticket_display = (
                f"{appointment.company_id.hms_clinic_code or ''}-{appointment.queue_ticket:03d}"
                if appointment.queue_ticket
                else False
            )

    @api.depends("triage_priority")
    def _compute_triage_rank(self):
        for appointment in self:
            appointment.triage_rank = TRIAGE_RANK.get(appointment.triage_priority, 3)

    @api.depends("checkin_date", "called_date")
    def _compute_waiting_minutes(self):
        now = fields.Datetime.now()
        for appointment in self:
            end = appointment.called_date or now
            appointment.waiting_minutes = (
                int((end - appointment.checkin_date).total_seconds() // 60)
                if appointment.checkin_date
                else 0
            )

    def _compute_access_url(self):
        super()._compute_access_url()
        for appointment in self:
            appointment.access_url = f"/my/appointments/{appointment.id}"

    @api.constrains("start", "stop", "practitioner_id", "patient_id", "is_overbooking")
    def _check_booking(self):
        now = fields.Datetime.now().replace(second=0, microsecond=0)
        for appointment in self.filtered(lambda a: a.state in UPCOMING_STATES):
            if not appointment.patient_id.active:
                raise ValidationError(
                    self.env._(
                        "%(patient)s's record is archived: restore it before booking.",
                        patient=appointment.patient_id.name,
                    )
                )
            if not appointment.practitioner_id.active:
                raise ValidationError(
                    self.env._(
                        "%(practitioner)s no longer works here (archived): choose another "
                        "practitioner.",
                        practitioner=appointment.practitioner_id.name,
                    )
                )
            if appointment.company_id not in appointment.practitioner_id.company_ids:
                raise ValidationError(
                    self.env._(
                        "%(practitioner)s does not work at %(clinic)s.",
                        practitioner=appointment.practitioner_id.name,
                        clinic=appointment.company_id.name,
                    )
                )
            if appointment.start < now:
                raise ValidationError(
                    self.env._(
                        "%(when)s is in the past: an appointment is booked for a time to come.",
                        when=appointment.start_local,
                    )
                )
            if appointment.is_overbooking:
                continue
            appointment._hms_check_working_time()

    @api.constrains("is_overbooking", "appointment_type_id")
    def _check_overbooking_is_emergency(self):
        for appointment in self:
            if appointment.is_overbooking and not appointment.is_emergency:
                raise ValidationError(
                    self.env._("Only emergencies may be squeezed into a taken slot.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._hms_stamp_overbooking(vals)
        # Numbered per clinic by hms.clinic.numbered.mixin.
        with self._hms_double_booking_as_error():
            appointments = super().create(vals_list)
        for appointment in appointments:
            appointment._hms_notify(appointment.state)
        return appointments

    def write(self, vals):
        self._hms_stamp_overbooking(vals)
        result = super().write(vals)
        if BOOKING_FIELDS.intersection(vals):
            with self._hms_double_booking_as_error():
                self.flush_recordset(list(BOOKING_FIELDS))
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_kept(self):
        if any(appointment.state != "cancelled" for appointment in self):
            raise UserError(
                self.env._("Appointments are kept for the record: cancel them instead.")
            )

    @contextmanager
    def _hms_double_booking_as_error(self):
        """Turn the exclusion constraint's refusal into the user's error message.

        The constraint, not a Python check, decides: only the database sees the bookings of
        concurrent transactions.
        """
        try:
            with self.env.cr.savepoint(flush=False):
                yield
        except errors.ExclusionViolation:
            raise ValidationError(
                self.env._(
                    "This practitioner already has an appointment at that time: choose another "
                    "slot."
                )
            ) from None

    def _hms_stamp_overbooking(self, vals):
        """Record who squeezed an emergency in, after checking they may."""
        if not vals.get("is_overbooking"):
            return
        if not self.env.user.has_group("hms_appointment.group_hms_appointment_overbook"):
            raise AccessError(
                self.env._("Only users allowed to overbook may squeeze an emergency in.")
            )
        vals.update(overbooked_by_id=self.env.user.id, overbooked_date=fields.Datetime.now())

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _hms_check_state(self, allowed, action):
        for appointment in self:
            if appointment.state not in allowed:
                raise UserError(
                    self.env._(
                        "%(ref)s is %(state)s: it cannot be %(action)s.",
                        ref=appointment.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[
                            appointment.state
                        ],
                        action=action,
                    )
                )

    def action_confirm(self):
        """Confirm requested bookings (staff validation of portal requests)."""
        self._hms_check_state(("requested",), self.env._("confirmed"))
        self.write({"state": "confirmed"})
        for appointment in self:
            appointment._hms_notify("confirmed")

    def action_check_in(self):
        """The patient arrived: give a queue ticket of the day and a default triage."""
        self._hms_check_state(UPCOMING_STATES, self.env._("checked in"))
        now = fields.Datetime.now()
        for appointment in self:
            day = appointment._hms_local(now).date()
            appointment.write(
                {
                    "state": "checked_in",
                    "checkin_date": now,
                    "queue_date": day,
                    "queue_ticket": appointment._hms_next_ticket(day),
                    "triage_priority": appointment.triage_priority
                    or appointment.appointment_type_id.triage_priority,
                }
            )

    def action_start_consultation(self):
        """The doctor calls the patient in."""
        self._hms_check_state(("checked_in",), self.env._("called in"))
        self.write({"state": "in_consultation", "called_date": fields.Datetime.now()})

    def action_done(self):
        self._hms_check_state(("in_consultation",), self.env._("closed"))
        self.write({"state": "done"})

    def action_no_show(self):
        self._hms_check_state(UPCOMING_STATES, self.env._("marked as no-show"))
        self.write({"state": "no_show"})

    def _action_cancel(self, reason):
        """Cancel with a reason; the slot becomes free again."""
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the appointment is cancelled."))
        self._hms_check_state(UPCOMING_STATES, self.env._("cancelled"))
        self.write({"state": "cancelled", "cancel_reason": reason})
        for appointment in self:
            appointment._hms_notify("cancelled")

    def _action_reschedule(self, start, practitioner=None, reason=None):
        """Move the appointment to another slot, keeping the previous one in its history."""
        self.ensure_one()
        self._hms_check_state(UPCOMING_STATES, self.env._("moved"))
        practitioner = practitioner or self.practitioner_id
        start = fields.Datetime.to_datetime(start)
        stop = start + timedelta(hours=self.appointment_type_id.duration)
        self.env["hms.appointment.history"].create(
            {
                "appointment_id": self.id,
                "old_start": self.start,
                "old_stop": self.stop,
                "old_practitioner_id": self.practitioner_id.id,
                "new_start": start,
                "new_stop": stop,
                "reason": reason,
            }
        )
        self.write(
            {
                "start": start,
                "stop": stop,
                "practitioner_id": practitioner.id,
                "reminder_sent": False,
            }
        )
        self._hms_notify("changed")

    def action_open_cancel_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel %(ref)s", ref=self.name),
            "res_model": "hms.appointment.cancel",
            "view_mode": "form",
            "target": "new",
            "context": {"default_appointment_id": self.id},
        }

    def action_open_reschedule_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Move %(ref)s", ref=self.name),
            "res_model": "hms.appointment.booking",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_appointment_id": self.id,
                "default_patient_id": self.patient_id.id,
                "default_practitioner_id": self.practitioner_id.id,
                "default_appointment_type_id": self.appointment_type_id.id,
                "default_company_id": self.company_id.id,
            },
        }

    @api.model
    def action_call_next(self):
        """Call the next patient of the current doctor: highest triage first, then arrival."""
        practitioner = self.env["hms.practitioner"].search(
            [("user_id", "=", self.env.uid)], limit=1
        )
        if not practitioner:
            raise UserError(self.env._("Only a practitioner calls patients in."))
        following = self.search(
            [("practitioner_id", "=", practitioner.id), ("state", "=", "checked_in")],
            order="triage_rank, checkin_date, id",
            limit=1,
        )
        if not following:
            raise UserError(self.env._("Nobody is waiting for you."))
        following.action_start_consultation()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": following.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _hms_local(self, value):
        """A naive UTC datetime in the appointment's (practitioner's) time zone."""
        self.ensure_one()
        return utc.localize(value).astimezone(timezone(self.tz or "UTC"))

    def _hms_check_working_time(self):
        practitioner = self.practitioner_id
        day_start = self.start.replace(hour=0, minute=0) - timedelta(days=1)
        day_stop = day_start + timedelta(days=3)
        if not any(
            begin <= self.start and self.stop <= end
            for begin, end in practitioner._hms_work_intervals(day_start, day_stop, False)
        ):
            raise ValidationError(
                self.env._(
                    "%(when)s is outside %(practitioner)s's working hours.",
                    when=self.start_local,
                    practitioner=practitioner.name,
                )
            )
        if not any(
            begin <= self.start and self.stop <= end
            for begin, end in practitioner._hms_work_intervals(day_start, day_stop)
        ):
            raise ValidationError(
                self.env._(
                    "%(practitioner)s is on leave at %(when)s.",
                    when=self.start_local,
                    practitioner=practitioner.name,
                )
            )

    def _hms_next_ticket(self, day):
        """Next queue ticket of the clinic for ``day``, atomic under concurrent check-ins.

        A concurrent check-in of the same clinic updates the same counter row: PostgreSQL
        serialises them, and the loser's transaction is retried by the server.
        """
        self.ensure_one()
        self.env.cr.execute(
            """
            INSERT INTO hms_appointment_queue_counter AS counter (company_id, day, last_ticket)
                 VALUES (%s, %s, 1)
            ON CONFLICT (company_id, day)
              DO UPDATE SET last_ticket = counter.last_ticket + 1
              RETURNING last_ticket
            """,
            (self.company_id.id, day),
        )
        return self.env.cr.fetchone()[0]

    def _hms_notify(self, event):
        """Tell the patient (e-mail and SMS templates) and the practitioner about ``event``."""
        self.ensure_one()
        mail_xmlid, sms_xmlid, tell_practitioner = NOTIFICATIONS.get(event, (None, None, False))
        appointment = self.sudo()
        if mail_xmlid:
            template = self.env.ref(f"hms_appointment.{mail_xmlid}", raise_if_not_found=False)
            if template:
                appointment.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
        template = sms_xmlid and self.env.ref(
            f"hms_appointment.{sms_xmlid}", raise_if_not_found=False
        )
        if template and appointment.partner_id.phone_sanitized:
            if appointment.company_id._hms_can_send_sms():
                appointment._message_sms_with_template(
                    template=template,
                    partner_ids=appointment.partner_id.ids,
                    put_in_queue=True,
                )
            else:
                # Queued SMS would only fail (and log) at every run of Odoo's SMS sender.
                appointment._message_log(
                    body=self.env._("No SMS sent: no SMS provider is set up for this clinic.")
                )
        if tell_practitioner:
            appointment._hms_notify_practitioner(event)

    def _hms_notify_practitioner(self, event):
        user = self.practitioner_id.user_id
        if not user:
            return
        template = self.env.ref(
            "hms_appointment.mail_template_appointment_practitioner", raise_if_not_found=False
        )
        if template:
            template.send_mail(self.id)
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=self._hms_local(self.start).date(),
            summary=self.env._(
                "%(event)s: %(patient)s at %(when)s",
                event=dict(self._hms_event_labels())[event],
                patient=self.patient_id.name,
                when=self.start_local,
            ),
            user_id=user.id,
        )

    def _hms_event_labels(self):
        return [
            ("requested", self.env._("Booking request")),
            ("confirmed", self.env._("New booking")),
            ("changed", self.env._("Booking moved")),
            ("cancelled", self.env._("Booking cancelled")),
        ]

    @api.model
    def _cron_send_reminders(self):
        """Remind patients of their confirmed appointments, each clinic at its own lead time."""
        now = fields.Datetime.now()
        longest = max(self.env["res.company"].sudo().search([]).mapped("hms_reminder_hours") or [0])
        due = self.sudo().search(
            [
                ("state", "=", "confirmed"),
                ("reminder_sent", "=", False),
                ("start", ">", now),
                ("start", "<=", now + timedelta(hours=longest)),
            ]
        )
        due = due.filtered(
            lambda a: a.start <= now + timedelta(hours=a.company_id.hms_reminder_hours)
        )
        for appointment in due:
            appointment._hms_notify("reminder")
        due.write({"reminder_sent": True})
        return due

    def _hms_portal_can_change(self):
        """Whether the patient may still cancel or move it online (clinic's notice)."""
        self.ensure_one()
        notice = timedelta(hours=self.company_id.hms_cancel_notice_hours)
        return self.state in UPCOMING_STATES and self.start - fields.Datetime.now() >= notice
