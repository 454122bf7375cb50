import re
from collections import defaultdict
from datetime import datetime

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

# Contact data a patient (or their guardian) may change from the portal.
PORTAL_FIELDS = ("email", "phone", "mobile", "street", "street2", "city", "zip", "lang")
PHONE_FIELDS = ("phone", "mobile")
FRONT_DESK = "hms_base.group_hms_receptionist"
# The allergy banner: front desk and pharmacists; lab and billing see demographics only.
ALLERGY_READERS = "hms_base.group_hms_receptionist,hms_base.group_hms_pharmacist"


class HmsPatient(models.Model):
    _name = "hms.patient"
    _description = "Patient"
    _inherits = {"res.partner": "partner_id"}
    _inherit = ["hms.clinic.numbered.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "name, id"
    _rec_names_search = ["name", "mrn"]
    _check_company_auto = True
    _hms_number_field = "mrn"

    partner_id = fields.Many2one(
        "res.partner",
        "Related Partner",
        required=True,
        ondelete="restrict",
        index=True,
        auto_join=True,
    )
    mrn = fields.Char(
        "Medical Record Number",
        readonly=True,
        copy=False,
        index="trigram",
        default="/",
        help="Given by the clinic's own sequence when the patient is registered; never reused.",
    )
    company_id = fields.Many2one(
        "res.company",
        "Clinic",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    active = fields.Boolean(default=True, tracking=True)
    state = fields.Selection(
        [("to_verify", "To Verify"), ("active", "Verified")],
        "Registration Status",
        default="active",
        required=True,
        tracking=True,
        help="Patients who registered themselves in the portal wait for the front desk "
        "to check their identity.",
    )
    birthdate = fields.Date("Date of Birth", tracking=True, index=True)
    age = fields.Integer(compute="_compute_age")
    gender = fields.Selection(
        [("female", "Female"), ("male", "Male"), ("other", "Other"), ("unknown", "Unknown")],
        tracking=True,
    )
    blood_group = fields.Selection(
        [
            ("a+", "A+"),
            ("a-", "A-"),
            ("b+", "B+"),
            ("b-", "B-"),
            ("ab+", "AB+"),
            ("ab-", "AB-"),
            ("o+", "O+"),
            ("o-", "O-"),
        ],
        tracking=True,
    )
    marital_status = fields.Selection(
        [
            ("single", "Single"),
            ("married", "Married"),
            ("partner", "Domestic Partnership"),
            ("divorced", "Divorced"),
            ("widowed", "Widowed"),
        ]
    )
    guardian_partner_ids = fields.Many2many(
        "res.partner",
        "hms_patient_guardian_partner_rel",
        "patient_id",
        "partner_id",
        string="Guardians",
        help="People who manage this patient's record, e.g. in the portal for a child.",
    )
    contact_ids = fields.One2many("hms.patient.contact", "patient_id", "Emergency Contacts")
    identifier_ids = fields.One2many(
        "hms.patient.identifier", "patient_id", "Identifiers", groups="base.group_user"
    )
    insurance_ids = fields.One2many(
        "hms.patient.insurance",
        "patient_id",
        "Insurance Policies",
        groups="hms_base.group_hms_receptionist,hms_base.group_hms_billing_clerk",
    )
    document_ids = fields.One2many(
        "hms.patient.document", "patient_id", "Documents", groups=FRONT_DESK
    )
    document_count = fields.Integer(compute="_compute_document_count", groups=FRONT_DESK)
    allergy_ids = fields.One2many(
        "hms.patient.allergy", "patient_id", "Allergies", groups=ALLERGY_READERS
    )
    condition_ids = fields.One2many(
        "hms.patient.condition",
        "patient_id",
        "Medical History",
        groups="hms_base.group_hms_clinical",
    )
    allergy_banner = fields.Char(
        compute="_compute_allergy_banner",
        groups=ALLERGY_READERS,
        help="Active allergies and their severity, shown on top of the patient's record.",
    )
    duplicate_ids = fields.Many2many(
        "hms.patient",
        compute="_compute_duplicate_ids",
        groups=FRONT_DESK,
        string="Possible Duplicates",
        help="Patients of the same clinic with the same name and date of birth, "
        "or the same phone number or identifier.",
    )
    duplicate_reason = fields.Char(
        "Reason to Keep Despite Duplicates",
        tracking=True,
        help="Required when the patient looks like another one of the clinic.",
    )
    merged_into_id = fields.Many2one(
        "hms.patient",
        "Merged Into",
        readonly=True,
        copy=False,
        index="btree_not_null",
        tracking=True,
    )
    care_team_user_ids = fields.Many2many(
        "res.users",
        string="Care Team",
        compute="_compute_care_team_user_ids",
        search="_search_care_team_user_ids",
        groups="base.group_user",
        help="Users caring for the patient. Clinical record rules grant on it with "
        "[('patient_id.care_team_user_ids', 'in', [user.id])]; each addon adds its sources.",
    )
    search_key = fields.Char(
        "Patient",
        compute="_compute_search_key",
        search="_search_search_key",
        help="Front desk search: MRN, name fragment, phone in any format, identifier "
        "or date of birth.",
    )

    _sql_constraints = [
        (
            "mrn_company_unique",
            "UNIQUE(mrn, company_id)",
            "This medical record number is already used in this clinic.",
        ),
    ]

    def init(self):
        # Front-desk name search: Odoo wraps ilike in unaccent() when the extension is
        # there, so the trigram index must be on the same expression to be used.
        expression = self.env.registry.unaccent("name")
        tools.create_index(
            self.env.cr,
            "res_partner_name_hms_trgm_index",
            "res_partner",
            [f"{expression} gin_trgm_ops"],
            method="gin",
        )

    @api.depends("birthdate")
    def _compute_age(self):
        today = fields.Date.context_today(self)
        for patient in self:
            patient.age = relativedelta(today, patient.birthdate).years if patient.birthdate else 0

    def _compute_display_name(self):
        for patient in self:
            patient.display_name = (
                f"[{patient.mrn}] {patient.name}"
                if patient.mrn and patient.mrn != "/"
                else patient.name
            )

    def _compute_document_count(self):
        counts = dict(
            self.env["hms.patient.document"]._read_group(
                [("patient_id", "in", self.ids)], ["patient_id"], ["__count"]
            )
        )
        for patient in self:
            patient.document_count = counts.get(patient, 0)

    @api.depends("allergy_ids.allergen", "allergy_ids.severity", "allergy_ids.status")
    def _compute_allergy_banner(self):
        for patient in self:
            allergies = patient.allergy_ids.filtered(lambda a: a.status == "active")
            patient.allergy_banner = ", ".join(allergies.mapped("banner_label"))

    def _compute_care_team_user_ids(self):
        members = defaultdict(lambda: self.env["res.users"])
        for model, user_path, domain in self._hms_care_team_sources():
            first, _dot, rest = user_path.partition(".")
            for patient, related in (
                self.env[model]
                .sudo()
                ._read_group([("patient_id", "in", self.ids), *domain], ["patient_id", first])
            ):
                members[patient.id] |= related.mapped(rest) if rest else related
        for patient in self:
            patient.care_team_user_ids = members[patient.id]

    def _search_care_team_user_ids(self, operator, value):
        if operator not in ("in", "=") or not value:
            raise UserError(self.env._("Search the care team by user with 'is in' only."))
        user_ids = [value] if isinstance(value, int) else list(value)
        return expression.OR(
            [
                (
                    "id",
                    "in",
                    self.env[model]
                    .sudo()
                    ._search([(user_path, "in", user_ids), *domain])
                    .subselect("patient_id"),
                )
            ]
            for model, user_path, domain in self._hms_care_team_sources()
        )

    @api.depends("name", "birthdate", "phone", "mobile", "identifier_ids.value", "company_id")
    def _compute_duplicate_ids(self):
        duplicates = self._find_duplicates()
        for index, patient in enumerate(self):
            patient.duplicate_ids = duplicates[index]

    def _compute_search_key(self):
        for patient in self:
            patient.search_key = patient.mrn

    def _search_search_key(self, operator, value):
        if operator not in ("ilike", "=") or not isinstance(value, str) or not value.strip():
            raise UserError(self.env._("The patient search accepts a text to look for."))
        return self._front_desk_domain(value.strip())

    @api.constrains("birthdate")
    def _check_birthdate(self):
        today = fields.Date.context_today(self)
        for patient in self:
            if patient.birthdate and patient.birthdate > today:
                raise ValidationError(
                    self.env._("Date of Birth: %(date)s is in the future.", date=patient.birthdate)
                )

    def _check_duplicates(self):
        to_check = self.filtered(lambda p: p.active and not p.duplicate_reason)
        for duplicates in to_check._find_duplicates().values():
            if duplicates:
                raise ValidationError(
                    self.env._(
                        "Possible duplicate of %(patients)s (same name and date of birth, "
                        "phone or identifier). Check the existing record, or give a reason "
                        "to keep both in 'Reason to Keep Despite Duplicates'.",
                        patients=", ".join(duplicates.mapped("display_name")),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalize_vals(vals, self._hms_numbering_clinic(vals))
            vals.setdefault("type", "contact")
        # The MRN comes from the clinic's sequence (hms.clinic.numbered.mixin).
        patients = super().create(vals_list)
        patients._check_duplicates()
        return patients

    def write(self, vals):
        if any(fname in vals for fname in (*PHONE_FIELDS, "name")):
            self._normalize_vals(vals, self.company_id[:1] or self.env.company)
        result = super().write(vals)
        if {"name", "birthdate", "active", "duplicate_reason", *PHONE_FIELDS} & vals.keys():
            self._check_duplicates()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_referenced(self):
        for patient in self:
            references = patient._get_references()
            if references:
                raise UserError(
                    self.env._(
                        "%(patient)s cannot be deleted: %(models)s refer to this patient. "
                        "Archive the patient instead.",
                        patient=patient.display_name,
                        models=", ".join(sorted(references)),
                    )
                )

    def action_verify(self):
        """Confirm the identity of a patient who registered in the portal."""
        self.filtered(lambda p: p.state == "to_verify").write({"state": "active"})

    def action_view_documents(self):
        """Open the documents of this patient."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hms_patient.hms_patient_document_action"
        )
        action["domain"] = [("patient_id", "=", self.id)]
        action["context"] = {"default_patient_id": self.id}
        return action

    def action_merge(self):
        """Open the merge wizard on the selected patients."""
        return {
            "type": "ir.actions.act_window",
            "res_model": "hms.patient.merge",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    @api.model
    def _hms_portal_domain(self):
        """Patients the current (portal) user manages: themselves and their dependants."""
        partner = self.env.user.partner_id
        return ["|", ("partner_id", "=", partner.id), ("guardian_partner_ids", "in", partner.ids)]

    @api.model
    def _hms_portal_patients(self):
        """The patients the current user manages in the portal: themselves and their dependants.

        Sudoed, for the portal pages: the domain is the portal record rule's, so it finds the
        same records for a portal user, and only the user's own for staff.
        """
        return self.sudo().search(self._hms_portal_domain())

    @api.model
    def _normalize_phone(self, number, company, fname="phone"):
        """Return ``number`` in E.164 for the clinic's country, or raise naming ``fname``."""
        if not number:
            return number
        try:
            return self._phone_format_number(
                number, country=company.country_id, force_format="E164", raise_exception=True
            )
        except UserError as error:
            label = self._fields[fname].string if fname in self._fields else fname
            raise ValidationError(f"{label}: {error}") from error

    @api.model
    def _normalize_vals(self, vals, company):
        for fname in PHONE_FIELDS:
            if vals.get(fname):
                vals[fname] = self._normalize_phone(vals[fname], company, fname)
        if vals.get("name"):
            vals["name"] = " ".join(vals["name"].split())

    @api.model
    def _normalize_identifier(self, value):
        return re.sub(r"[\s\-./]", "", value or "").upper()

    def _hms_care_team_sources(self):
        """What puts a user in a patient's care team: ``(model, path to the user, domain)``.

        Each model has a ``patient_id``; addons that know a relation add theirs.
        """
        return []

    def _hms_care_team_changed(self):
        """Forget the care team computed for these patients in this transaction.

        Record rules test it on the records in the cache (``filtered_domain``), and it has
        no field dependencies: the sources call this when they create or move records.
        """
        self.invalidate_recordset(["care_team_user_ids"])

    def _hms_in_care_team(self, user):
        """Whether ``user`` is in the care team of this patient (the record rules' test)."""
        self.ensure_one()
        return bool(
            self.sudo().search_count(
                [("id", "=", self.id), ("care_team_user_ids", "in", [user.id])], limit=1
            )
        )

    def _find_duplicates(self):
        """Active patients of the same clinic that are likely the same person as each of
        these patients: ``{index in self: patients}`` (at most five each).

        One query for the batch: a UNION of lookups (same name and date of birth, phone,
        identifier) that each use their own index (an OR across the patient, partner and
        identifier tables would scan the clinic's patients); when it finds candidates, a
        search applies the active filter and the record rules.
        """
        names, phones, identifiers = [], [], []
        for index, patient in enumerate(self):
            company = patient.company_id.id
            if not company:
                continue
            if patient.name and patient.birthdate:
                names.append(
                    SQL("(%s, %s, %s, %s)", index, company, patient.birthdate, patient.name)
                )
            phones += [
                SQL("(%s, %s, %s)", index, company, number)
                for number in {patient.phone, patient.mobile} - {False}
            ]
            identifiers += [
                SQL("(%s, %s, %s, %s)", index, company, identifier.type_id.id, identifier.value)
                for identifier in patient.identifier_ids
                if identifier.value
            ]
        unaccent = self.env.registry.unaccent
        lookups = []
        if names:
            lookups.append(
                SQL(
                    """SELECT v.src, p.id FROM (VALUES %s) AS v(src, company_id, birthdate, name)
                         JOIN hms_patient p ON p.birthdate = v.birthdate::date
                                           AND p.company_id = v.company_id
                         JOIN res_partner rp ON rp.id = p.partner_id AND %s ILIKE %s""",
                    SQL(", ").join(names),
                    unaccent(SQL("rp.name")),
                    unaccent(SQL("v.name")),
                )
            )
        for column in ("phone", "mobile") if phones else ():
            lookups.append(
                SQL(
                    """SELECT v.src, p.id FROM (VALUES %s) AS v(src, company_id, number)
                         JOIN res_partner rp ON rp.%s = v.number
                         JOIN hms_patient p ON p.partner_id = rp.id
                                           AND p.company_id = v.company_id""",
                    SQL(", ").join(phones),
                    SQL.identifier(column),
                )
            )
        if identifiers:
            lookups.append(
                SQL(
                    """SELECT v.src, i.patient_id
                         FROM (VALUES %s) AS v(src, company_id, type_id, value)
                         JOIN hms_patient_identifier i ON i.type_id = v.type_id
                                                      AND i.value = v.value
                                                      AND i.company_id = v.company_id""",
                    SQL(", ").join(identifiers),
                )
            )
        found = defaultdict(set)
        if lookups:
            for index, patient_id in self.env.execute_query(SQL(" UNION ").join(lookups)):
                if patient_id != (self[index]._origin.id or self[index].id):
                    found[index].add(patient_id)
        candidates = self.search([("id", "in", list(set().union(*found.values())))])
        return {
            index: candidates.filtered(lambda c, ids=found[index]: c.id in ids)[:5]
            for index in range(len(self))
        }

    @api.model
    def _front_desk_domain(self, text):
        """Domain finding patients by name fragment, MRN, phone, identifier or date of birth.

        One OR across the patient and partner tables would make PostgreSQL scan both: the
        exact lookups are resolved first, each with its own index, into the partners of the
        patients they find; the outer search then ORs those partners with the name fragment
        on res_partner alone (trigram and primary key indexes), and applies the record rules.
        """
        Patient = self.with_context(active_test=False)
        union = SQL(" UNION ").join(
            Patient._search(domain).subselect("hms_patient.partner_id")
            for domain in self._front_desk_lookups(text)
        )
        partner_ids = [row[0] for row in self.env.execute_query(union)]
        return [("partner_id", "any", ["|", ("name", "ilike", text), ("id", "in", partner_ids)])]

    @api.model
    def _front_desk_lookups(self, text):
        """Domains of the exact lookups ``text`` may be: MRN, phone, identifier, birth date."""
        lookups = [[("mrn", "=ilike", text)]]
        digits = re.sub(r"\D", "", text)
        if len(digits) >= 6:
            try:
                number = self._normalize_phone(text, self.env.company)
            except ValidationError:
                number = False
            if number:
                lookups.append(["|", ("phone", "=", number), ("mobile", "=", number)])
        if digits:
            lookups.append([("identifier_ids.value", "=", self._normalize_identifier(text))])
        birthdate = self._parse_date(text)
        if birthdate:
            lookups.append([("birthdate", "=", birthdate)])
        return lookups

    @api.model
    def _parse_date(self, text):
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        for pattern in ("%Y-%m-%d", lang.date_format, "%d/%m/%Y", "%d.%m.%Y"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        return False

    def _hms_merge(self, destination, reason):
        """Merge these patients into ``destination``: their records move, they are archived.

        One business operation (the merge wizard's): addons that must observe it as a whole
        (the audit trail records it as one event) override this method.
        """
        # The kept patient already has these identifiers: moving them would duplicate them.
        existing = {(i.type_id, i.value) for i in destination.identifier_ids}
        self.identifier_ids.filtered(lambda i: (i.type_id, i.value) in existing).unlink()
        # Locked records (a closed encounter's) accept a new patient only from a merge run
        # as superuser with this context, never from a client's context over RPC.
        sources = self.sudo().with_context(hms_patient_merge=True, active_test=False)
        moved = sources._hms_merge_move(destination.sudo())
        moved = [label for label in moved if label]  # addons may add None: nothing moved
        moved += sources._hms_merge_move_references(destination.sudo())
        destination.guardian_partner_ids |= self.guardian_partner_ids
        for source in self:
            source.write({"active": False, "merged_into_id": destination.id})
            source.message_post(
                body=Markup("%s<br/>%s")
                % (
                    self.env._("Merged into %(patient)s.", patient=destination.display_name),
                    self.env._("Reason: %(reason)s", reason=reason),
                )
            )
        destination.message_post(
            body=Markup("%s<br/>%s<br/>%s")
            % (
                self.env._(
                    "%(patients)s merged into this patient.",
                    patients=", ".join(self.mapped("display_name")),
                ),
                self.env._("Reason: %(reason)s", reason=reason),
                self.env._("Records moved: %(moved)s", moved=", ".join(moved) or "-"),
            )
        )
        return moved

    def _hms_merge_move(self, destination):
        """Move the records of these merged patients to ``destination``; labels of what moved.

        The extension point of the merge: each addon overrides it, calls super first (the
        records of the addons it depends on move first) and moves its own records. ``self``
        is the merged patients, as superuser with ``hms_patient_merge`` in the context.
        """
        moved = [
            self._hms_merge_write(model, destination)
            for model in (
                "hms.patient.contact",
                "hms.patient.identifier",
                "hms.patient.insurance",
                "hms.patient.document",
                "hms.patient.allergy",
                "hms.patient.condition",
            )
        ]
        # The chatter follows: messages, attached files, activities and followers.
        for model, model_field in (
            ("mail.message", "model"),
            ("ir.attachment", "res_model"),
            ("mail.activity", "res_model"),
        ):
            records = self.env[model].search(
                [(model_field, "=", self._name), ("res_id", "in", self.ids)]
            )
            records.write({"res_id": destination.id})
        destination.message_subscribe(partner_ids=self.message_partner_ids.ids)
        return moved

    def _hms_merge_write(self, model, destination, field="patient_id"):
        """Point the ``model`` records of these patients at ``destination``; the label of
        what moved, None when nothing did."""
        records = self.env[model].search([(field, "in", self.ids)])
        if not records:
            return None
        records.write({field: destination.id})
        return f"{records._description} ({len(records)})"

    def _hms_merge_move_references(self, destination):
        """Move what no addon moved: references of other modules' models to these patients.

        Stored related fields are left alone: they follow the record they come from; so are
        append-only records: they stay about the record they were written about (the merged
        patient, which points to the kept one).
        """
        moved = []
        for field in self._get_patient_reference_fields():
            Model = self.env[field.model]
            if (
                field.related
                or (field.model, field.name) == (self._name, "merged_into_id")
                or "hms.append.only.mixin" in Model._inherit_module
            ):
                continue
            records = Model.search([(field.name, "in", self.ids)])
            if not records:
                continue
            if field.ttype == "many2one":
                records.write({field.name: destination.id})
            else:
                commands = [fields.Command.unlink(source.id) for source in self]
                records.write({field.name: [*commands, fields.Command.link(destination.id)]})
            moved.append(f"{Model._description} ({len(records)})")
        return moved

    def _get_references(self):
        """Names of the models whose records point to these patients."""
        references = set()
        for field in self._get_patient_reference_fields():
            if (field.model, field.name) == (self._name, "merged_into_id"):
                continue
            Model = self.env[field.model].sudo().with_context(active_test=False)
            if Model.search_count([(field.name, "in", self.ids)], limit=1):
                references.add(Model._description)
        return references

    @api.model
    def _get_patient_reference_fields(self):
        """Stored relational fields of persistent models that point to patients."""
        fields_ = (
            self.env["ir.model.fields"]
            .sudo()
            .search(
                [
                    ("relation", "=", self._name),
                    ("ttype", "in", ("many2one", "many2many")),
                    ("store", "=", True),
                ]
            )
        )
        return fields_.filtered(
            lambda f: (
                f.model in self.env
                and not self.env[f.model]._transient
                and not self.env[f.model]._abstract
            )
        )
