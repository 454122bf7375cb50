from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.hms_base.tools import crypto

# Clinical content: staff of the clinical roles only. Portal users may read an encounter
# row (their released summaries) but never these fields; other roles lack the model.
CLINICAL = "hms_base.group_hms_clinical"
DOCTOR = "hms_base.group_hms_doctor"


class HmsEncounter(models.Model):
    _name = "hms.encounter"
    _description = "Encounter"
    _inherit = ["hms.clinic.numbered.mixin", "portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char("Reference", readonly=True, copy=False, default="/")
    appointment_id = fields.Many2one(
        "hms.appointment",
        "Appointment",
        index="btree_not_null",
        readonly=True,
        copy=False,
        check_company=True,
        ondelete="restrict",
        help="The checked-in appointment this consultation was started from.",
    )
    patient_id = fields.Many2one(
        "hms.patient",
        "Patient",
        required=True,
        index=True,
        check_company=True,
        ondelete="restrict",
        tracking=True,
        compute="_compute_patient_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    company_id = fields.Many2one(
        "res.company",
        "Clinic",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    practitioner_id = fields.Many2one(
        "hms.practitioner",
        "Practitioner",
        required=True,
        index=True,
        domain="[('company_ids', 'in', company_id)]",
        tracking=True,
        compute="_compute_practitioner_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    origin = fields.Selection(
        [("walk_in", "Walk-in"), ("appointment", "Appointment")],
        required=True,
        compute="_compute_origin",
        store=True,
        precompute=True,
        help="How the patient came: walk-in, or a checked-in appointment.",
    )
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")],
        required=True,
        default="open",
        index=True,
        copy=False,
        tracking=True,
    )
    date_start = fields.Datetime("Started", required=True, default=fields.Datetime.now, index=True)
    date_closed = fields.Datetime("Closed On", readonly=True, copy=False)
    closed_by_id = fields.Many2one("res.users", "Closed By", readonly=True, copy=False)

    chief_complaint = fields.Char(groups=CLINICAL, tracking=True)
    symptoms = fields.Text(groups=CLINICAL)
    history_present_illness = fields.Text("History of Present Illness", groups=CLINICAL)
    examination = fields.Text(groups=CLINICAL)
    subjective = fields.Text(groups=CLINICAL)
    objective = fields.Text(groups=CLINICAL)
    assessment = fields.Text(groups=CLINICAL)
    plan = fields.Text(groups=CLINICAL)
    treatment = fields.Text("Treatment Given", groups=CLINICAL)
    follow_up_instruction = fields.Text("Follow-up Instructions", groups=CLINICAL)
    follow_up_date = fields.Date("Follow-up On", groups=CLINICAL)
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "hms_encounter_attachment_rel",
        "encounter_id",
        "attachment_id",
        string="Attachments",
        groups=CLINICAL,
    )
    confidential_note = fields.Text(
        compute="_compute_confidential_note",
        inverse="_inverse_confidential_note",
        groups=DOCTOR,
        help="Encrypted at rest; only doctors of the patient's care team read it.",
    )
    confidential_note_encrypted = fields.Text(copy=False, groups=DOCTOR)
    has_confidential_note = fields.Boolean(
        compute="_compute_has_confidential_note", store=True, groups=CLINICAL
    )
    is_care_team = fields.Boolean(compute="_compute_is_care_team", groups=CLINICAL)

    vital_ids = fields.One2many("hms.vital", "encounter_id", "Vitals", groups=CLINICAL)
    diagnosis_ids = fields.One2many(
        "hms.encounter.diagnosis", "encounter_id", "Diagnoses", groups=CLINICAL
    )
    addendum_ids = fields.One2many(
        "hms.encounter.addendum", "encounter_id", "Addenda", groups=CLINICAL
    )
    primary_icd10_id = fields.Many2one(
        "hms.icd10",
        "Primary Diagnosis",
        compute="_compute_primary_icd10_id",
        store=True,
        groups=CLINICAL,
    )
    patient_problem_ids = fields.Many2many(
        "hms.encounter.diagnosis",
        compute="_compute_patient_problem_ids",
        string="Problem List",
        groups=CLINICAL,
        help="The patient's active chronic diagnoses, from every encounter.",
    )
    patient_allergy_banner = fields.Char(related="patient_id.allergy_banner", string="Allergies")
    patient_condition_banner = fields.Char(
        "Conditions",
        compute="_compute_patient_condition_banner",
        groups=CLINICAL,
        help="The patient's active conditions from their medical history.",
    )
    is_summary_released = fields.Boolean(
        "Summary Released", readonly=True, copy=False, tracking=True, index=True
    )
    summary_released_date = fields.Datetime("Released On", readonly=True, copy=False)

    _sql_constraints = [
        (
            "appointment_unique",
            "UNIQUE(appointment_id)",
            "This appointment already has its encounter.",
        ),
    ]

    @api.depends("appointment_id")
    def _compute_patient_id(self):
        for encounter in self:
            encounter.patient_id = encounter.appointment_id.patient_id or encounter.patient_id

    @api.depends("patient_id")
    def _compute_company_id(self):
        for encounter in self:
            encounter.company_id = (
                encounter.patient_id.company_id or encounter.company_id or self.env.company
            )

    @api.depends("appointment_id")
    def _compute_practitioner_id(self):
        for encounter in self:
            encounter.practitioner_id = (
                encounter.appointment_id.practitioner_id
                or encounter.practitioner_id
                or self.env["hms.practitioner"].search([("user_id", "=", self.env.uid)], limit=1)
            )

    @api.depends("appointment_id")
    def _compute_origin(self):
        for encounter in self:
            encounter.origin = "appointment" if encounter.appointment_id else "walk_in"

    @api.depends("confidential_note_encrypted")
    @api.depends_context("uid")
    def _compute_confidential_note(self):
        hidden = self.env._("Confidential: readable by the patient's care team only.")
        for encounter in self:
            token = encounter.sudo().confidential_note_encrypted
            if not token:
                encounter.confidential_note = False
            elif encounter._hms_is_care_team():
                encounter.confidential_note = crypto.decrypt(token)
            else:
                encounter.confidential_note = hidden

    def _inverse_confidential_note(self):
        for encounter in self:
            if not encounter._hms_is_care_team():
                raise AccessError(
                    self.env._(
                        "Only doctors of %(patient)s's care team write confidential notes.",
                        patient=encounter.patient_id.name,
                    )
                )
            encounter.confidential_note_encrypted = crypto.encrypt(encounter.confidential_note)

    @api.depends("confidential_note_encrypted")
    def _compute_has_confidential_note(self):
        for encounter in self:
            encounter.has_confidential_note = bool(encounter.confidential_note_encrypted)

    @api.depends_context("uid")
    @api.depends("patient_id", "practitioner_id")
    def _compute_is_care_team(self):
        for encounter in self:
            encounter.is_care_team = encounter._hms_is_care_team()

    @api.depends("diagnosis_ids.diagnosis_role", "diagnosis_ids.icd10_id")
    def _compute_primary_icd10_id(self):
        for encounter in self:
            primary = encounter.diagnosis_ids.filtered(lambda d: d.diagnosis_role == "primary")
            encounter.primary_icd10_id = primary[:1].icd10_id

    @api.depends("patient_id")
    def _compute_patient_problem_ids(self):
        for encounter in self:
            encounter.patient_problem_ids = encounter.patient_id._hms_problem_diagnoses()

    @api.depends("patient_id")
    def _compute_patient_condition_banner(self):
        for encounter in self:
            # As the user: the banner shows what the Medical History field shows them.
            conditions = encounter.patient_id.condition_ids.filtered(lambda c: c.status == "active")
            encounter.patient_condition_banner = ", ".join(
                " ".join(filter(None, (c.code, c.name))) for c in conditions
            )

    def _compute_access_url(self):
        super()._compute_access_url()
        for encounter in self:
            encounter.access_url = f"/my/visits/{encounter.id}"

    @api.constrains("practitioner_id", "company_id")
    def _check_practitioner_clinic(self):
        for encounter in self:
            if encounter.company_id not in encounter.practitioner_id.company_ids:
                raise ValidationError(
                    self.env._(
                        "%(practitioner)s does not work at %(clinic)s.",
                        practitioner=encounter.practitioner_id.name,
                        clinic=encounter.company_id.name,
                    )
                )

    @api.constrains("appointment_id", "patient_id", "practitioner_id")
    def _check_appointment(self):
        for encounter in self.filtered("appointment_id"):
            appointment = encounter.appointment_id
            if (appointment.patient_id, appointment.practitioner_id) != (
                encounter.patient_id,
                encounter.practitioner_id,
            ):
                raise ValidationError(
                    self.env._(
                        "Encounter %(name)s is the consultation of %(appointment)s: its patient "
                        "and practitioner are the appointment's.",
                        name=encounter.name,
                        appointment=appointment.name,
                    )
                )

    @api.model
    def _hms_numbering_clinic(self, vals):
        # The clinic is the patient's (or the appointment's patient's) unless given.
        if vals.get("company_id"):
            return super()._hms_numbering_clinic(vals)
        patient = self.env["hms.patient"].browse(vals.get("patient_id"))
        if not patient and vals.get("appointment_id"):
            patient = self.env["hms.appointment"].browse(vals["appointment_id"]).patient_id
        return patient.company_id or super()._hms_numbering_clinic(vals)

    @api.model_create_multi
    def create(self, vals_list):
        encounters = super().create(vals_list)
        encounters.patient_id._hms_care_team_changed()
        return encounters

    def write(self, vals):
        if any(encounter.state == "closed" for encounter in self):
            # Who may write comes before what may be written (the ORM checks open ones).
            self.check_access("write")
            unlocked = self._hms_unlocked_fields()
            if self.env.su and self.env.context.get("hms_patient_merge"):
                unlocked.add("patient_id")  # a patient merge (hms.patient._hms_merge)
            locked = [
                name
                for name in vals
                if name not in unlocked and not name.startswith(("message_", "activity_"))
            ]
            if locked:
                raise UserError(
                    self.env._(
                        "A closed encounter cannot be changed (%(fields)s): "
                        "add an addendum instead.",
                        fields=", ".join(self._fields[name].string for name in locked),
                    )
                )
        result = super().write(vals)
        if {"patient_id", "practitioner_id"} & vals.keys():
            self.patient_id._hms_care_team_changed()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_always(self):
        raise UserError(self.env._("Encounters are clinical records: they are never deleted."))

    def action_close(self):
        """Close the consultation: checks, lock the clinical content, run the hook."""
        if not self.env.user.has_group(DOCTOR):
            raise AccessError(self.env._("Only a doctor closes an encounter."))
        self.check_access("write")
        for encounter in self:
            if encounter.state != "open":
                raise UserError(
                    self.env._("Encounter %(name)s is already closed.", name=encounter.name)
                )
            if encounter.company_id.hms_require_primary_diagnosis and not (
                encounter.primary_icd10_id
            ):
                raise UserError(
                    self.env._(
                        "%(clinic)s requires a primary diagnosis before an encounter is closed "
                        "(%(name)s).",
                        clinic=encounter.company_id.name,
                        name=encounter.name,
                    )
                )
        self.write(
            {"state": "closed", "date_closed": fields.Datetime.now(), "closed_by_id": self.env.uid}
        )
        self._hms_on_consultation_done()
        return True

    def action_release_summary(self):
        """Make the visit summary of closed encounters visible to the patient in the portal."""
        if not self.env.user.has_group(DOCTOR):
            raise AccessError(self.env._("Only a doctor releases a visit summary."))
        self.check_access("write")
        if any(encounter.state != "closed" for encounter in self):
            raise UserError(self.env._("Only the summary of a closed encounter is released."))
        self.write({"is_summary_released": True, "summary_released_date": fields.Datetime.now()})
        return True

    def action_add_addendum(self):
        """Open the form of a new addendum to this closed encounter."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Addendum to %(name)s", name=self.name),
            "res_model": "hms.encounter.addendum",
            "view_mode": "form",
            "target": "new",
            "context": {"default_encounter_id": self.id},
        }

    def action_print_summary(self):
        """Print the PDF visit summary."""
        return self.env.ref("hms_emr.action_report_visit_summary").report_action(self)

    def action_book_follow_up(self):
        """Find free slots of a follow-up with the same practitioner around the follow-up date."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        day = max(self.follow_up_date or today, today)
        follow_up = self.env.ref(
            "hms_appointment.appointment_type_follow_up", raise_if_not_found=False
        )
        booking = self.env["hms.appointment.booking"].create(
            {
                "patient_id": self.patient_id.id,
                "practitioner_id": self.practitioner_id.id,
                "company_id": self.company_id.id,
                "appointment_type_id": (
                    follow_up or self.env["hms.appointment"]._default_type()
                ).id,
                "date_from": max(day - timedelta(days=2), today),
                "date_to": day + timedelta(days=2),
                "reason": self.env._("Follow-up of %(name)s", name=self.name),
            }
        )
        return booking.action_search()

    def _hms_form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "target": "current",
        }

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Visit Summary %(name)s", name=self.name)

    def _hms_unlocked_fields(self):
        """Fields that may still change once the encounter is closed (not clinical content)."""
        return {
            "is_summary_released",
            "summary_released_date",
            "access_token",
            "addendum_ids",
            "website_message_ids",
        }

    def _hms_check_open(self):
        """Refuse changes to the vitals and diagnoses of closed encounters."""
        closed = self.filtered(lambda e: e.state == "closed")
        if closed:
            raise UserError(
                self.env._(
                    "Encounter %(name)s is closed: its content is locked, add an addendum.",
                    name=closed[0].name,
                )
            )

    def _hms_is_care_team(self, user=None):
        """Whether ``user`` is a doctor of the patient's care team (``care_team_user_ids``)."""
        self.ensure_one()
        user = user or self.env.user
        return user.has_group(DOCTOR) and (
            self.practitioner_id.user_id == user or self.patient_id._hms_in_care_team(user)
        )

    def _hms_on_consultation_done(self):
        """Hook run when consultations are closed (``self``: the closed encounters).

        Records the chronic diagnoses in the patient's conditions and completes the
        appointment; later addons extend it (billing lines, pharmacy and lab follow-up)
        without this addon depending on them.
        """
        self.sudo().diagnosis_ids._hms_feed_patient_conditions()
        self.appointment_id.filtered(lambda a: a.state == "in_consultation").action_done()
