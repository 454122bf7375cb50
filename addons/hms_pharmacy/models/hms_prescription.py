import secrets
from collections import defaultdict, namedtuple
from datetime import timedelta

from psycopg2 import errors

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare

from ..tools.safety import allergy_terms, matches_allergen, safety_keys

CLINICAL = "hms_base.group_hms_clinical"
DOCTOR = "hms_base.group_hms_doctor"
PHARMACIST = "hms_base.group_hms_pharmacist"
STOCK_USER = "stock.group_stock_user"
# Prescriptions whose medicines the patient is taking (the safety checks' "current").
ACTIVE_STATES = ("issued", "partially_dispensed")
SEVERITY_RANK = {"none": 0, "minor": 1, "moderate": 2, "severe": 3}
# What the safety checks read in SQL, flushed first.
SAFETY_COLUMNS = {
    "hms.prescription": ["name", "patient_id", "state", "priority", "date_issued"],
    "hms.prescription.line": ["prescription_id", "patient_id", "state", "product_id", "sequence"],
    "product.product": ["product_tmpl_id"],
    "product.template": ["name", "hms_atc_code", "hms_generic_name", "hms_allergy_classes"],
    "hms.medicine.ingredient": ["product_tmpl_id", "name"],
}
SafetyMedicine = namedtuple(
    "SafetyMedicine",
    "line_id prescription_id prescription_name patient_id product_name atc keys terms",
)


def _catalogue_order(entry):
    """Several interactions of one pair: the most severe first, then by their terms."""
    return -SEVERITY_RANK[entry.severity], entry.term_a, entry.term_b


class HmsPrescription(models.Model):
    _name = "hms.prescription"
    _description = "Prescription"
    _inherit = [
        "hms.clinic.numbered.mixin",
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "priority desc, date_issued, id"
    _check_company_auto = True

    name = fields.Char("Number", readonly=True, copy=False, default="/", index="trigram")
    encounter_id = fields.Many2one(
        "hms.encounter",
        "Encounter",
        index="btree_not_null",
        check_company=True,
        ondelete="restrict",
        help="The consultation this prescription was written in.",
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
        "Prescriber",
        required=True,
        index=True,
        domain="[('company_ids', 'in', company_id)]",
        compute="_compute_practitioner_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("issued", "Issued"),
            ("partially_dispensed", "Partially Dispensed"),
            ("dispensed", "Dispensed"),
            ("cancelled", "Cancelled"),
            ("expired", "Expired"),
        ],
        required=True,
        default="draft",
        index=True,
        copy=False,
        tracking=True,
    )
    priority = fields.Selection([("0", "Normal"), ("1", "Urgent")], default="0", index=True)
    date_issued = fields.Datetime("Issued On", readonly=True, copy=False, index=True)
    date_expiry = fields.Date("Valid Until", readonly=True, copy=False)
    issued_by_id = fields.Many2one("res.users", "Issued By", readonly=True, copy=False)
    line_ids = fields.One2many("hms.prescription.line", "prescription_id", "Medicines", copy=True)
    note = fields.Text("Clinical Note", groups=CLINICAL, help="Not shown to the pharmacy.")
    cancel_reason = fields.Char(readonly=True, copy=False, tracking=True)
    queue_step = fields.Selection(
        [
            ("to_verify", "To Verify"),
            ("verified", "Verified"),
            ("prepared", "Prepared"),
            ("handed_over", "Handed Over"),
        ],
        "Pharmacy Step",
        readonly=True,
        copy=False,
        index="btree_not_null",
        tracking=True,
    )
    verified_date = fields.Datetime("Verified On", readonly=True, copy=False)
    verified_by_id = fields.Many2one("res.users", "Verified By", readonly=True, copy=False)
    prepared_date = fields.Datetime("Prepared On", readonly=True, copy=False)
    prepared_by_id = fields.Many2one("res.users", "Prepared By", readonly=True, copy=False)
    handed_over_date = fields.Datetime("Handed Over On", readonly=True, copy=False)
    handed_over_by_id = fields.Many2one("res.users", "Handed Over By", readonly=True, copy=False)
    waiting_minutes = fields.Integer("Waiting (min)", compute="_compute_waiting_minutes")
    verification_token = fields.Char(copy=False, index="btree_not_null", groups="base.group_system")
    verify_url = fields.Char("Verification URL", compute="_compute_verify_url")
    picking_ids = fields.One2many(
        "stock.picking", "hms_prescription_id", "Dispensings", groups=STOCK_USER
    )
    picking_count = fields.Integer(compute="_compute_picking_count", groups=STOCK_USER)
    safety_severity = fields.Selection(
        [("none", "None"), ("minor", "Minor"), ("moderate", "Moderate"), ("severe", "Severe")],
        "Safety Finding",
        compute="_compute_safety_severity",
        store=True,
    )
    patient_allergy_banner = fields.Char(related="patient_id.allergy_banner", string="Allergies")
    patient_label = fields.Char(
        "Patient Name",
        compute="_compute_patient_label",
        store=True,
        help="The patient's record number and name, stored for the pharmacy queue: its list "
        "shows them without reading every patient and contact row of the page.",
    )

    _sql_constraints = [
        ("verification_token_unique", "UNIQUE(verification_token)", "Tokens are unique."),
    ]

    def init(self):
        # The pharmacist's queue: open prescriptions, urgent then oldest first.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS hms_prescription_queue_order_index
                ON hms_prescription (priority DESC, date_issued, id)
             WHERE state IN ('issued', 'partially_dispensed')
            """
        )

    @api.depends("encounter_id")
    def _compute_patient_id(self):
        for prescription in self:
            prescription.patient_id = (
                prescription.encounter_id.patient_id or prescription.patient_id
            )

    @api.depends("patient_id.mrn", "patient_id.name")
    def _compute_patient_label(self):
        for prescription in self:
            prescription.patient_label = prescription.patient_id.sudo().display_name

    @api.depends("encounter_id", "patient_id")
    def _compute_company_id(self):
        for prescription in self:
            prescription.company_id = (
                prescription.encounter_id.company_id
                or prescription.patient_id.company_id
                or prescription.company_id
                or self.env.company
            )

    @api.depends("encounter_id")
    def _compute_practitioner_id(self):
        for prescription in self:
            prescription.practitioner_id = (
                prescription.encounter_id.practitioner_id
                or prescription.practitioner_id
                or self.env["hms.practitioner"].search([("user_id", "=", self.env.uid)], limit=1)
            )

    @api.depends("date_issued", "handed_over_date")
    def _compute_waiting_minutes(self):
        now = fields.Datetime.now()
        for prescription in self:
            start = prescription.date_issued
            end = prescription.handed_over_date if prescription.queue_step == "handed_over" else now
            prescription.waiting_minutes = int((end - start).total_seconds() // 60) if start else 0

    def _compute_verify_url(self):
        for prescription in self:
            token = prescription.sudo().verification_token
            prescription.verify_url = token and f"{prescription.get_base_url()}/rx/{token}"

    def _compute_picking_count(self):
        for prescription in self:
            prescription.picking_count = len(prescription.picking_ids)

    @api.depends("line_ids.safety_severity")
    def _compute_safety_severity(self):
        for prescription in self:
            severities = prescription.line_ids.mapped("safety_severity") or ["none"]
            prescription.safety_severity = max(severities, key=SEVERITY_RANK.get)

    def _compute_access_url(self):
        super()._compute_access_url()
        for prescription in self:
            prescription.access_url = f"/my/prescriptions/{prescription.id}"

    @api.model
    def _hms_numbering_clinic(self, vals):
        Company = self.env["res.company"]
        if vals.get("company_id"):
            return Company.browse(vals["company_id"])
        if vals.get("encounter_id"):
            return self.env["hms.encounter"].browse(vals["encounter_id"]).company_id
        if vals.get("patient_id"):
            return self.env["hms.patient"].browse(vals["patient_id"]).company_id
        return self.env.company

    def write(self, vals):
        locked = set(vals) & self._hms_content_fields()
        if locked and any(rx.state != "draft" for rx in self):
            # Who may write comes before what may be written.
            self.check_access("write")
            self.check_field_access_rights("write", list(vals))
            merge = self.env.context.get("hms_patient_merge") and set(vals) == {"patient_id"}
            if not merge:
                raise UserError(
                    self.env._(
                        "An issued prescription cannot be changed (%(fields)s): cancel it and "
                        "write a new one.",
                        fields=", ".join(self._fields[name].string for name in sorted(locked)),
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_issued(self):
        if any(rx.state != "draft" for rx in self):
            raise UserError(
                self.env._("Only draft prescriptions are deleted; cancel an issued one.")
            )

    # ------------------------------------------------------------------ doctor's actions

    def action_check_safety(self):
        """Run the safety checks and show their findings on the lines, without issuing."""
        self._hms_check_prescriber()
        self._hms_safety_check(block=False)
        return True

    def action_issue(self):
        """Issue the prescription: safety checks, lock, number for the pharmacy, notify."""
        self._hms_check_prescriber()
        for prescription in self:
            if prescription.state != "draft":
                raise UserError(self.env._("%(name)s is already issued.", name=prescription.name))
            if not prescription.line_ids:
                raise UserError(
                    self.env._("%(name)s has no medicine to issue.", name=prescription.name)
                )
        self._hms_safety_check(block=True)
        now = fields.Datetime.now()
        for prescription in self:
            validity = prescription.company_id.hms_rx_validity_days or 30
            prescription.write(
                {
                    "state": "issued",
                    "date_issued": now,
                    "date_expiry": fields.Date.context_today(self, now) + timedelta(validity),
                    "issued_by_id": self.env.uid,
                    "queue_step": "to_verify",
                }
            )
            prescription.sudo().verification_token = secrets.token_urlsafe(24)
        self._hms_notify_pharmacists()
        return True

    def action_cancel(self):
        """Cancel (a change to an issued prescription is a cancellation and a new one)."""
        self.check_access("write")
        for prescription in self:
            if prescription.state not in ("draft", "issued"):
                raise UserError(
                    self.env._(
                        "%(name)s cannot be cancelled: it is %(state)s.",
                        name=prescription.name,
                        state=dict(self._fields["state"].selection)[prescription.state],
                    )
                )
        self.sudo().picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        ).action_cancel()
        self.write({"state": "cancelled", "queue_step": False})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_print(self):
        """Print the prescription (PDF with the verification QR code)."""
        return self.env.ref("hms_pharmacy.action_report_prescription").report_action(self)

    # -------------------------------------------------------------- pharmacist's actions

    def action_verify(self):
        """The pharmacist checked the prescription (safety checks run again)."""
        self._hms_check_pharmacist()
        self._hms_check_dispensable()
        self._hms_safety_check(block=True)
        self.write(
            {
                "queue_step": "verified",
                "verified_date": fields.Datetime.now(),
                "verified_by_id": self.env.uid,
            }
        )
        return True

    def action_prepare(self):
        """Pick the medicines: a pharmacy picking reserved FEFO, lots outliving the course."""
        self._hms_check_pharmacist()
        self._hms_check_dispensable()
        for prescription in self:
            if prescription.queue_step != "verified":
                raise UserError(
                    self.env._("Verify %(name)s before preparing it.", name=prescription.name)
                )
        for prescription in self:
            prescription._hms_create_picking()
        self.write(
            {
                "queue_step": "prepared",
                "prepared_date": fields.Datetime.now(),
                "prepared_by_id": self.env.uid,
            }
        )
        return True

    def action_hand_over(self):
        """Hand the prepared medicines to the patient: the picking is validated."""
        self._hms_check_pharmacist()
        self._hms_check_dispensable()
        for prescription in self:
            pickings = prescription.picking_ids.filtered(lambda p: p.state == "assigned")
            if prescription.queue_step != "prepared" or not pickings:
                raise UserError(
                    self.env._("Prepare %(name)s before handing it over.", name=prescription.name)
                )
            self._hms_lock_stock(pickings.move_ids)
            pickings.move_ids.picked = True
            result = pickings.with_context(skip_sms=True, cancel_backorder=True).button_validate()
            if result is not True:
                raise UserError(
                    self.env._(
                        "The dispensing of %(name)s needs attention in Inventory.",
                        name=prescription.name,
                    )
                )
            prescription.write(
                {
                    # Each later fill is verified again (the safety checks with it).
                    "queue_step": "handed_over"
                    if prescription.state == "dispensed"
                    else "to_verify",
                    "handed_over_date": fields.Datetime.now(),
                    "handed_over_by_id": self.env.uid,
                }
            )
        # The hand-over itself is recorded (who, when, audit trail): the pharmacists' to-do
        # goes, without a second chatter message.
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_open_pickings(self):
        """The stock pickings of this prescription."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("hms_prescription_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    # -------------------------------------------------------------------- business rules

    @api.model
    def _hms_content_fields(self):
        """What an issued prescription's content is: changing it needs a new prescription."""
        return {"patient_id", "encounter_id", "practitioner_id", "company_id", "line_ids", "note"}

    def _hms_check_open(self):
        """Lines are written only while their prescription is a draft."""
        issued = self.filtered(lambda rx: rx.state != "draft")
        if issued:
            raise UserError(
                self.env._(
                    "Prescription %(name)s is issued: its medicines are locked; cancel it and "
                    "write a new one.",
                    name=issued[0].name,
                )
            )

    def _hms_check_prescriber(self):
        if not self.env.user.has_group(DOCTOR):
            raise AccessError(self.env._("Only a doctor issues prescriptions."))
        self.check_access("write")

    def _hms_check_pharmacist(self):
        if not self.env.user.has_group(PHARMACIST):
            raise AccessError(self.env._("Only a pharmacist dispenses prescriptions."))
        self.check_access("write")

    def _hms_check_dispensable(self):
        today = fields.Date.context_today(self)
        for prescription in self:
            if prescription.state not in ACTIVE_STATES or (
                prescription.date_expiry and prescription.date_expiry < today
            ):
                state = dict(self._fields["state"].selection)[prescription.state]
                if prescription.state in ACTIVE_STATES:
                    state = self.env._("expired")
                raise UserError(
                    self.env._(
                        "%(name)s cannot be dispensed: it is %(state)s.",
                        name=prescription.name,
                        state=state,
                    )
                )

    def _hms_notify_pharmacists(self):
        """A to-do for each pharmacist of the clinic (not managers, who see everything)."""
        group = self.env.ref(PHARMACIST)
        for prescription in self:
            pharmacists = group.sudo().users.filtered(
                lambda u, rx=prescription: rx.company_id in u.company_ids and u.active
            )
            for user in pharmacists - self.env.ref(DOCTOR).sudo().users:
                prescription.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Dispense %(name)s", name=prescription.name),
                    user_id=user.id,
                )

    def _hms_safety_medicines(self):
        """The medicines the safety checks compare, with their terms, in one query.

        ``(own, current)``: ``own`` maps each prescription to its lines in their order,
        ``current`` each patient to the lines of their active prescriptions (in the queue's
        order; a prescription skips its own among them).
        """
        if not self:
            return {}, {}
        for model, fnames in SAFETY_COLUMNS.items():
            self.env[model].flush_model(fnames)
        # The prescriptions first (by id, and the patients' active ones by patient), then
        # their lines by prescription: index lookups whatever the planner's statistics.
        rows = self.env.execute_query(
            SQL(
                """
                WITH rx AS MATERIALIZED (
                    SELECT id, name, priority, date_issued
                      FROM hms_prescription
                     WHERE id = ANY(%(ids)s)
                        OR (state IN %(active)s AND patient_id = ANY(ARRAY(
                                SELECT patient_id FROM hms_prescription WHERE id = ANY(%(ids)s))))
                )
                SELECT line.id, line.prescription_id, rx.name, line.patient_id,
                       line.prescription_id = ANY(%(ids)s), line.state IN %(active)s,
                       COALESCE(tmpl.name->>%(lang)s, tmpl.name->>'en_US'),
                       tmpl.hms_atc_code, tmpl.hms_generic_name, tmpl.hms_allergy_classes,
                       ARRAY(SELECT ingredient.name
                               FROM hms_medicine_ingredient ingredient
                              WHERE ingredient.product_tmpl_id = tmpl.id)
                  FROM hms_prescription_line line
                  JOIN rx ON rx.id = line.prescription_id
                  JOIN product_product product ON product.id = line.product_id
                  JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
                 WHERE line.prescription_id = ANY(ARRAY(SELECT id FROM rx))
                   AND (line.prescription_id = ANY(%(ids)s) OR line.state IN %(active)s)
                 ORDER BY rx.priority DESC, rx.date_issued, rx.id, line.sequence, line.id
                """,
                ids=self.ids,
                active=ACTIVE_STATES,
                lang=self.env.lang or "en_US",
            )
        )
        own, current = defaultdict(list), defaultdict(list)
        for (
            line_id,
            prescription_id,
            prescription_name,
            patient_id,
            is_own,
            is_active,
            product_name,
            atc,
            generic_name,
            allergy_classes,
            ingredients,
        ) in rows:
            medicine = SafetyMedicine(
                line_id,
                prescription_id,
                prescription_name,
                patient_id,
                product_name,
                atc or "",
                safety_keys(ingredients, atc),
                allergy_terms(ingredients, allergy_classes, generic_name),
            )
            if is_own:
                own[prescription_id].append(medicine)
            if is_active:
                current[patient_id].append(medicine)
        return own, current

    @api.model
    def _hms_drug_allergies(self, patient_ids):
        """``{patient id: [allergen]}``: the patients' active drug allergies."""
        self.env["hms.patient.allergy"].flush_model(
            ["patient_id", "allergen", "allergy_type", "status", "severity"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT patient_id, allergen
                  FROM hms_patient_allergy
                 WHERE patient_id = ANY(%s) AND status = 'active' AND allergy_type = 'drug'
                 ORDER BY status, severity DESC, allergen
                """,
                list(patient_ids),
            )
        )
        allergies = defaultdict(list)
        for patient_id, allergen in rows:
            allergies[patient_id].append(allergen)
        return allergies

    def _hms_safety_findings(self):
        """``{line: [(severity, text)]}``: allergies, interactions, duplicate therapy.

        A fixed number of queries, however many lines and current medicines: the medicines
        with their terms, the allergies, one catalogue lookup for every pair; the pairs are
        then matched in memory.
        """
        findings = defaultdict(list)
        own, current = self._hms_safety_medicines()
        if not own:
            return findings
        patients = {medicines[0].patient_id for medicines in own.values()}
        allergies = self._hms_drug_allergies(patients)
        new_keys = set().union(*(m.keys for medicines in own.values() for m in medicines))
        all_keys = new_keys.union(*(m.keys for medicines in current.values() for m in medicines))
        partners = defaultdict(list)  # term -> [(the other term, catalogue entry)]
        for entry in self.env["hms.drug.interaction"].sudo()._hms_find(new_keys, all_keys):
            partners[entry.term_a].append((entry.term_b, entry))
            partners[entry.term_b].append((entry.term_a, entry))
        Line = self.env["hms.prescription.line"]
        for prescription_id, medicines in own.items():
            patient_id = medicines[0].patient_id
            others = [m for m in current[patient_id] if m.prescription_id != prescription_id]
            for index, medicine in enumerate(medicines):
                line = Line.browse(medicine.line_id)
                for allergen in allergies.get(patient_id, ()):
                    if matches_allergen(allergen, medicine.keys, medicine.terms):
                        findings[line].append(
                            (
                                "severe",
                                self.env._(
                                    "Allergy: the patient is allergic to %(allergen)s.",
                                    allergen=allergen,
                                ),
                            )
                        )
                candidates = [pair for key in medicine.keys for pair in partners.get(key, ())]
                atc = medicine.atc
                # Each pair once: a new line against the later new lines and the current ones.
                for other in medicines[index + 1 :] + others:
                    hits = {
                        (entry.term_a, entry.term_b): entry
                        for other_term, entry in candidates
                        if other_term in other.keys
                    }
                    duplicate = len(atc) >= 5 and atc[:5] == other.atc[:5]
                    if not hits and not duplicate:
                        continue
                    label = other.product_name
                    if other.prescription_id != prescription_id:
                        label = f"{label} ({other.prescription_name})"
                    for entry in sorted(hits.values(), key=_catalogue_order):
                        findings[line].append(
                            (
                                entry.severity,
                                self.env._(
                                    "Interaction with %(other)s (%(terms)s): %(effect)s "
                                    "%(management)s [%(reference)s]",
                                    other=label,
                                    terms=" x ".join(sorted((entry.term_a, entry.term_b))),
                                    effect=entry.description,
                                    management=entry.management or "",
                                    reference=entry.source,
                                ),
                            )
                        )
                    if duplicate:
                        findings[line].append(
                            (
                                "moderate",
                                self.env._(
                                    "Duplicate therapy: %(other)s is of the same class (%(atc)s).",
                                    other=label,
                                    atc=atc[:5],
                                ),
                            )
                        )
        return findings

    def _hms_safety_check(self, block):
        """Record the findings on the lines; with ``block``, refuse severe unacknowledged ones."""
        findings = self._hms_safety_findings()
        blocking = []
        for line in self.line_ids:
            found = findings.get(line, [])
            severity = max((s for s, _text in found), key=SEVERITY_RANK.get, default="none")
            text = "\n".join(f"[{s}] {t}" for s, t in found)
            severe = "\n".join(t for s, t in found if s == "severe")
            if (line.safety_severity, line.safety_findings or "") != (severity, text):
                line.write({"safety_severity": severity, "safety_findings": text or False})
            # An override acknowledges the severe findings it was given for, not later ones.
            if severe and line.override_reason and not line.override_findings:
                line.override_findings = severe
            if severe and not (line.override_reason and line.override_findings == severe):
                blocking.append(f"{line.product_id.display_name}: {severe}")
        if block and blocking:
            raise UserError(
                self.env._(
                    "Severe safety findings need an override reason on the line:\n%(findings)s",
                    findings="\n".join(blocking),
                )
            )

    def _hms_create_picking(self):
        """The pharmacy picking of the quantities to dispense, reserved or refused."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: line.qty_to_dispense > 0)
        if not lines:
            raise UserError(self.env._("Nothing to dispense on %(name)s.", name=self.name))
        for line in lines:
            if (
                float_compare(
                    line.qty_to_dispense, line.qty_owed, precision_rounding=line.uom_rounding
                )
                > 0
            ):
                raise UserError(
                    self.env._(
                        "%(product)s: %(qty)s to dispense is more than the %(owed)s owed.",
                        product=line.product_id.display_name,
                        qty=line.qty_to_dispense,
                        owed=line.qty_owed,
                    )
                )
        picking_type = self.company_id.sudo()._hms_pharmacy_picking_type()
        source, destination = (
            picking_type.default_location_src_id,
            picking_type.default_location_dest_id,
        )
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": self.patient_id.partner_id.id,
                "origin": self.name,
                "company_id": self.company_id.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "hms_prescription_id": self.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": line.product_id.display_name,
                            "product_id": line.product_id.id,
                            "product_uom_qty": line.qty_to_dispense,
                            "product_uom": line.product_id.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                            "company_id": self.company_id.id,
                            "hms_prescription_line_id": line.id,
                        }
                    )
                    for line in lines
                ],
            }
        )
        picking.action_confirm()
        self._hms_lock_stock(picking.move_ids)
        now = fields.Datetime.now()
        moves_by_days = defaultdict(lambda: self.env["stock.move"])
        for move in picking.move_ids:
            moves_by_days[move.hms_prescription_line_id.duration_days] |= move
        for days, moves in moves_by_days.items():
            # Stricter than Odoo's "expired" rule: the lot must last the whole course.
            moves.with_context(hms_lot_usable_until=now + timedelta(days=days))._action_assign()
        short = picking.move_ids.filtered(
            lambda m: (
                float_compare(
                    m.quantity, m.product_uom_qty, precision_rounding=m.product_uom.rounding
                )
                < 0
            )
        )
        if short:
            raise UserError(
                self.env._(
                    "Not enough stock usable through the course:\n%(lines)s",
                    lines="\n".join(
                        self.env._(
                            "%(product)s: %(available)s of %(wanted)s in lots valid for "
                            "%(days)s days",
                            product=move.product_id.display_name,
                            available=move.quantity,
                            wanted=move.product_uom_qty,
                            days=move.hms_prescription_line_id.duration_days,
                        )
                        for move in short
                    ),
                )
            )
        return picking

    def _hms_lock_stock(self, moves):
        """Lock the stock rows the moves reserve or consume, one dispenser at a time.

        A second pharmacist on the same lot waits for the first one's transaction (at most
        the ``hms_pharmacy.stock_lock_timeout_ms`` parameter, then is told so). When the
        first one committed meanwhile, PostgreSQL refuses the second one's stale snapshot
        (a serialization failure) and the server retries the request: the retry sees the
        new stock and reserves what is left, or says that too little is left. Stock is
        never reserved or consumed twice, and no quant goes negative.
        """
        quants = (
            self.env["stock.quant"]
            .sudo()
            .search(
                [
                    ("product_id", "in", moves.product_id.ids),
                    ("location_id", "child_of", moves.location_id.ids),
                ]
            )
        )
        if not quants:
            return
        timeout = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("hms_pharmacy.stock_lock_timeout_ms", 10000)
        )
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("SHOW lock_timeout")
        previous = cr.fetchone()[0]
        try:
            with cr.savepoint(flush=False):
                cr.execute("SELECT set_config('lock_timeout', %s, true)", [f"{timeout}ms"])
                cr.execute(
                    "SELECT id FROM stock_quant WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
                    [tuple(quants.ids)],
                )
        except errors.LockNotAvailable as error:
            raise UserError(
                self.env._(
                    "Another pharmacist is dispensing %(products)s at this moment. "
                    "Try again in a moment.",
                    products=", ".join(moves.product_id.mapped("display_name")),
                )
            ) from error
        cr.execute("SELECT set_config('lock_timeout', %s, true)", [previous])

    def _hms_update_dispense_state(self):
        """Partially dispensed or dispensed, from the lines' ledger (after moves are done)."""
        for prescription in self.filtered(
            lambda rx: rx.state in ("issued", "partially_dispensed", "dispensed")
        ):
            lines = prescription.line_ids
            if all(
                float_compare(line.qty_owed, 0, precision_rounding=line.uom_rounding) <= 0
                for line in lines
            ):
                state = "dispensed"
            elif any(line.qty_dispensed > 0 for line in lines):
                state = "partially_dispensed"
            else:
                state = "issued"
            if state != prescription.state:
                prescription.state = state

    @api.model
    def _cron_expire(self):
        """Issued prescriptions past their clinic's validity expire."""
        expired = self.sudo().search(
            [
                ("state", "in", ACTIVE_STATES),
                ("date_expiry", "<", fields.Date.context_today(self)),
            ]
        )
        expired.write({"state": "expired", "queue_step": False})
        expired.activity_unlink(["mail.mail_activity_data_todo"])
        return expired

    def _hms_verification_status(self):
        """What the public verification page says: valid, dispensed, cancelled or expired."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        if self.state == "expired" or (
            self.state in ACTIVE_STATES and self.date_expiry and self.date_expiry < today
        ):
            return self.env._("Expired")
        return {
            "issued": self.env._("Valid"),
            "partially_dispensed": self.env._("Valid (partially dispensed)"),
            "dispensed": self.env._("Dispensed"),
            "cancelled": self.env._("Cancelled"),
        }.get(self.state, self.env._("Not issued"))

    @api.model
    def _hms_load_demo_prescriptions(self):
        """Demo: prescriptions that exercise each safety check (run once, with the demo)."""
        ref = self.env.ref
        practitioner = ref("hms_base.practitioner_hart", raise_if_not_found=False)
        john = ref("hms_patient.patient_john_carter", raise_if_not_found=False)
        maria = ref("hms_patient.patient_maria_lopez", raise_if_not_found=False)
        # Demo files load again on updates: the story is told once.
        if not (practitioner and john and maria) or self.search_count(
            [("patient_id", "in", (john | maria).ids)], limit=1
        ):
            return

        def line(xmlid, **values):
            product = ref(f"hms_pharmacy.{xmlid}").product_variant_id
            return Command.create(
                {"product_id": product.id, "frequency_value": 1, "duration_days": 28, **values}
            )

        def prescription(patient, *lines):
            return self.create(
                {
                    "patient_id": patient.id,
                    "practitioner_id": practitioner.id,
                    "company_id": patient.company_id.id,
                    "line_ids": list(lines),
                }
            )

        # John is allergic to penicillin: amoxicillin is a severe finding, issued with a reason.
        prescription(
            john,
            line(
                "medicine_amoxicillin_500",
                frequency_value=3,
                duration_days=7,
                override_reason="Label doubtful: tolerated amoxicillin in 2024 under observation",
            ),
            line("medicine_paracetamol_500", frequency_type="as_needed", frequency_value=4),
        ).action_issue()
        # Maria takes warfarin and amlodipine...
        prescription(
            maria, line("medicine_warfarin_5"), line("medicine_amlodipine_5")
        ).action_issue()
        # ...so a new NSAID interacts (severe) and nifedipine duplicates amlodipine (C08CA).
        prescription(
            maria,
            line("medicine_ibuprofen_400", frequency_value=3, duration_days=5),
            line("medicine_nifedipine_20"),
        ).action_check_safety()

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Prescription %(name)s", name=self.name)
