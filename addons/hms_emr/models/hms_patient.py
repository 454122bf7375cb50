from odoo import api, fields, models

CLINICAL = "hms_base.group_hms_clinical"


class HmsPatient(models.Model):
    _inherit = "hms.patient"

    encounter_ids = fields.One2many("hms.encounter", "patient_id", "Encounters", groups=CLINICAL)
    encounter_count = fields.Integer(compute="_compute_encounter_count", groups=CLINICAL)
    problem_diagnosis_ids = fields.Many2many(
        "hms.encounter.diagnosis",
        compute="_compute_problem_diagnosis_ids",
        string="Problem List",
        groups=CLINICAL,
    )
    chart_html = fields.Html(
        "Chart", compute="_compute_chart_html", sanitize=False, groups=CLINICAL
    )

    def _compute_encounter_count(self):
        counts = dict(
            self.env["hms.encounter"]._read_group(
                [("patient_id", "in", self.ids)], ["patient_id"], ["__count"]
            )
        )
        for patient in self:
            patient.encounter_count = counts.get(patient, 0)

    def _compute_problem_diagnosis_ids(self):
        for patient in self:
            patient.problem_diagnosis_ids = patient._hms_problem_diagnoses()

    @api.depends_context("uid")
    def _compute_chart_html(self):
        for patient in self:
            patient.chart_html = (
                self.env["ir.qweb"]._render(
                    "hms_emr.patient_chart",
                    {
                        "events": patient._hms_chart_events(),
                        "local_time": lambda date, p=patient: fields.Datetime.context_timestamp(
                            p, date
                        ).strftime("%Y-%m-%d %H:%M"),
                    },
                )
                if patient.id
                else False
            )

    def _hms_care_team_sources(self):
        # The practitioners who saw the patient or have a booking with them.
        return [
            *super()._hms_care_team_sources(),
            ("hms.encounter", "practitioner_id.user_id", []),
            ("hms.appointment", "practitioner_id.user_id", [("state", "!=", "cancelled")]),
        ]

    def _hms_problem_diagnoses(self):
        """The patient's active chronic diagnoses: the latest entry of each code."""
        if not self:
            return self.env["hms.encounter.diagnosis"]
        self.ensure_one()
        latest = {}
        for diagnosis in self.env["hms.encounter.diagnosis"].search(
            [("patient_id", "=", self.id), ("is_chronic", "=", True)]
        ):
            latest.setdefault(diagnosis.icd10_id, diagnosis)
        return self.env["hms.encounter.diagnosis"].union(
            *(d for d in latest.values() if d.status in ("provisional", "confirmed"))
        )

    def _hms_chart_events(self, limit=100, offset=0):
        """The patient's chart: events of every kind in one list, newest first.

        Each source returns at most ``limit + offset`` events of its kind in one query,
        so the cost follows the page size, not the length of the history.
        """
        self.ensure_one()
        events = []
        for source in self._hms_chart_sources():
            events += source(limit + offset)
        events.sort(key=lambda event: (event["date"], event["res_id"]), reverse=True)
        return events[offset : offset + limit]

    def _hms_chart_sources(self):
        """Methods returning one kind of chart event each; later addons add theirs."""
        return [self._hms_chart_encounters, self._hms_chart_vitals, self._hms_chart_diagnoses]

    def _hms_chart_encounters(self, limit):
        encounters = self.env["hms.encounter"].search_fetch(
            [("patient_id", "=", self.id)],
            ["name", "date_start", "state", "chief_complaint", "practitioner_id"],
            limit=limit,
        )
        return [
            {
                "date": encounter.date_start,
                "kind": "encounter",
                "model": "hms.encounter",
                "res_id": encounter.id,
                "title": f"{encounter.name} · {encounter.practitioner_id.name}",
                "detail": encounter.chief_complaint or "",
                "is_abnormal": False,
            }
            for encounter in encounters
        ]

    def _hms_chart_vitals(self, limit):
        Vital = self.env["hms.vital"]
        names = ["bp_systolic", "bp_diastolic", "pulse", "temperature", "spo2", "weight", "bmi"]
        vitals = Vital.search_fetch(
            [("patient_id", "=", self.id)],
            ["date", "abnormal_summary", "is_abnormal", *names],
            limit=limit,
        )
        return [
            {
                "date": vital.date,
                "kind": "vital",
                "model": "hms.vital",
                "res_id": vital.id,
                "title": vital.abnormal_summary or self.env._("Vital signs"),
                "detail": vital._hms_summary(),
                "is_abnormal": vital.is_abnormal,
            }
            for vital in vitals
        ]

    def _hms_chart_diagnoses(self, limit):
        diagnoses = self.env["hms.encounter.diagnosis"].search_fetch(
            [("patient_id", "=", self.id)],
            ["date", "icd10_id", "diagnosis_role", "status", "is_chronic"],
            limit=limit,
        )
        roles = dict(diagnoses._fields["diagnosis_role"]._description_selection(self.env))
        statuses = dict(diagnoses._fields["status"]._description_selection(self.env))
        return [
            {
                "date": diagnosis.date,
                "kind": "diagnosis",
                "model": "hms.encounter.diagnosis",
                "res_id": diagnosis.id,
                "title": diagnosis.icd10_id.display_name,
                "detail": " · ".join(
                    filter(
                        None,
                        [
                            roles[diagnosis.diagnosis_role],
                            statuses[diagnosis.status],
                            diagnosis.is_chronic and self.env._("Chronic"),
                        ],
                    )
                ),
                "is_abnormal": False,
            }
            for diagnosis in diagnoses
        ]

    def _hms_merge_move(self, destination):
        # After the appointments (an encounter has its appointment's patient). Closed
        # encounters and their vitals accept the new patient inside a merge only; their
        # diagnoses and addenda follow the encounter (stored related patient).
        moved = super()._hms_merge_move(destination)
        encounters = self.env["hms.encounter"].search([("patient_id", "in", self.ids)])
        diagnoses, addenda = encounters.diagnosis_ids, encounters.addendum_ids
        moved += [
            self._hms_merge_write("hms.encounter", destination),
            self._hms_merge_write("hms.vital", destination),
        ]
        moved += [
            f"{records._description} ({len(records)})"
            for records in (diagnoses, addenda)
            if records
        ]
        return moved

    def action_hms_open_encounters(self):
        """The encounters of this patient."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("hms_emr.hms_encounter_action")
        action["domain"] = [("patient_id", "=", self.id)]
        action["context"] = {"default_patient_id": self.id}
        return action

    def action_hms_open_vitals(self):
        """The vital signs of this patient, charted over time."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("hms_emr.hms_vital_action")
        action["domain"] = [("patient_id", "=", self.id)]
        action["context"] = {"default_patient_id": self.id}
        action["view_mode"] = "graph,list,pivot,form"
        return action
