from collections import defaultdict
from datetime import datetime, timedelta

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from odoo import Command
from odoo.tests import tagged

from .common import HmsPharmacyCase

SEVERITY_RANK = {"minor": 1, "moderate": 2, "severe": 3}
ALLERGENS = [
    "Penicillin",
    "amoxicillin",
    " Warfarin ",
    "nsaid",
    "C08CA",
    "b01",
    "ibu",
    "clavulanic acid",
    "acetylsalicylic",
    "sulfonamide",
]
STATES = ["draft", "issued", "partially_dispensed", "dispensed", "cancelled"]


def reference_findings(prescription):
    """The safety checks written plainly on the ORM, one record at a time, against the whole
    catalogue: what the checks in a fixed number of queries must find, in the same order."""
    findings = defaultdict(list)
    env = prescription.env
    lines = prescription.line_ids
    current = (
        env["hms.prescription.line"]
        .sudo()
        .search(
            [
                ("patient_id", "=", prescription.patient_id.id),
                ("state", "in", ("issued", "partially_dispensed")),
                ("prescription_id", "!=", prescription.id),
            ]
        )
    )
    keys = {line: line.product_id._hms_safety_keys() for line in lines | current}
    allergies = (
        env["hms.patient.allergy"]
        .sudo()
        .search(
            [
                ("patient_id", "=", prescription.patient_id.id),
                ("status", "=", "active"),
                ("allergy_type", "=", "drug"),
            ]
        )
    )
    catalogue = env["hms.drug.interaction"].sudo().search([])
    for index, line in enumerate(lines):
        for allergy in allergies:
            if line.product_id._hms_matches_allergen(allergy.allergen):
                findings[line].append(
                    ("severe", f"Allergy: the patient is allergic to {allergy.allergen}.")
                )
        atc = line.product_id.hms_atc_code or ""
        for other in lines[index + 1 :] | current:
            hits = catalogue.filtered(
                lambda i, line=line, other=other: (
                    (i.term_a in keys[line] and i.term_b in keys[other])
                    or (i.term_b in keys[line] and i.term_a in keys[other])
                )
            ).sorted(lambda i: (-SEVERITY_RANK[i.severity], i.term_a, i.term_b))
            other_atc = other.product_id.hms_atc_code or ""
            label = other.product_id.name
            if other in current:
                label = f"{label} ({other.prescription_id.name})"
            for hit in hits:
                terms = " x ".join(sorted((hit.term_a, hit.term_b)))
                findings[line].append(
                    (
                        hit.severity,
                        f"Interaction with {label} ({terms}): {hit.description} "
                        f"{hit.management or ''} [{hit.source}]",
                    )
                )
            if len(atc) >= 5 and atc[:5] == other_atc[:5]:
                findings[line].append(
                    (
                        "moderate",
                        f"Duplicate therapy: {label} is of the same class ({atc[:5]}).",
                    )
                )
    return dict(findings)


class RolledBack(Exception):
    """Undoes one generated example."""


@tagged("post_install", "-at_install")
class TestSafetyQueries(HmsPharmacyCase):
    @classmethod
    def setup_hms(cls):
        super().setup_hms()
        cls.co_amoxiclav = cls._medicine(
            "Co-amoxiclav 625 mg",
            "J01CR02",
            "tablet",
            21,
            [("Amoxicillin", 500), ("clavulanic acid ", 125)],
            "penicillin, beta-lactam",
        )
        cls.co_amoxiclav.hms_generic_name = "co-amoxiclav"
        cls.aspirin = cls._medicine(
            "Aspirin 75 mg", "B01AC06", "tablet", 28, [("acetylsalicylic acid", 75)], "nsaid"
        )
        cls.medicines = [
            cls.amoxicillin,
            cls.warfarin,
            cls.ibuprofen,
            cls.paracetamol,
            cls.amlodipine,
            cls.nifedipine,
            cls.co_amoxiclav,
            cls.aspirin,
        ]
        cls.terms = sorted(set().union(*(m._hms_safety_keys() for m in cls.medicines)))
        cls.patient = cls.env["hms.patient"].create(
            {"name": "Safety Equivalence", "birthdate": "1960-05-05", "company_id": cls.clinic_a.id}
        )

    def prescription(self, products, state="draft", priority="0", issued=None):
        prescription = (
            self.env["hms.prescription"]
            .sudo()
            .create(
                {
                    "patient_id": self.patient.id,
                    "practitioner_id": self.practitioner_a.id,
                    "company_id": self.clinic_a.id,
                    "priority": priority,
                    "line_ids": [
                        Command.create({"product_id": product.id, "dose": 1})
                        for product in products
                    ],
                }
            )
        )
        if state != "draft":
            prescription.write({"state": state, "date_issued": issued})
        return prescription

    def test_same_findings_as_the_plain_orm_checks(self):
        medicine = st.sampled_from(self.medicines)
        current = st.tuples(
            st.lists(medicine, min_size=1, max_size=3),
            st.sampled_from(STATES),
            st.sampled_from(["0", "1"]),
            st.integers(0, 5),
        )
        allergy = st.tuples(
            st.sampled_from(ALLERGENS),
            st.sampled_from(["drug", "drug", "food"]),
            st.sampled_from(["active", "active", "inactive"]),
            st.sampled_from(["1_mild", "3_severe"]),
        )
        # Mostly terms of two of the medicines, so that pairs often have several entries.
        term = st.one_of(
            st.sampled_from(self.terms),
            st.tuples(medicine, st.integers(0, 9)).map(
                lambda pick: sorted(pick[0]._hms_safety_keys())[pick[1] % 6]
            ),
        )
        interaction = st.tuples(
            term,
            term,
            st.sampled_from(list(SEVERITY_RANK)),
            st.booleans(),
        )

        @settings(
            max_examples=40,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(
            new=st.lists(medicine, min_size=1, max_size=5),
            currents=st.lists(current, max_size=3),
            allergies=st.lists(allergy, max_size=3),
            interactions=st.lists(interaction, max_size=12),
        )
        def check(new, currents, allergies, interactions):
            try:
                with self.env.cr.savepoint():
                    others = self.generate(currents, allergies, interactions)
                    # With another of the patient's prescriptions: checked in one call.
                    prescriptions = self.prescription(new) | others[:1]
                    expected = {}
                    for prescription in prescriptions:
                        expected.update(reference_findings(prescription))
                    self.env.invalidate_all()
                    self.assertEqual(dict(prescriptions._hms_safety_findings()), expected)
                    raise RolledBack
            except RolledBack:
                pass
            finally:
                self.env.invalidate_all()

        check()

    def generate(self, currents, allergies, interactions):
        start = datetime(2026, 1, 1)
        prescriptions = self.env["hms.prescription"]
        for products, state, priority, hours in currents:
            prescriptions |= self.prescription(
                products, state, priority, start + timedelta(hours=hours)
            )
        for allergen, kind, status, severity in allergies:
            self.env["hms.patient.allergy"].create(
                {
                    "patient_id": self.patient.id,
                    "allergen": allergen,
                    "allergy_type": kind,
                    "status": status,
                    "severity": severity,
                }
            )
        Interaction = self.env["hms.drug.interaction"].sudo().with_context(active_test=False)
        for term_a, term_b, severity, active in interactions:
            if term_a == term_b or Interaction.search_count(
                [("term_a", "=", term_a), ("term_b", "=", term_b)]
            ):
                continue
            Interaction.create(
                {
                    "term_a": term_a,
                    "term_b": term_b,
                    "severity": severity,
                    "description": f"{term_a} with {term_b}",
                    "management": "Monitor." if severity != "minor" else False,
                    "source": "Generated",
                    "active": active,
                }
            )
        return prescriptions

    def test_several_interactions_of_a_pair_most_severe_first(self):
        # Warfarin x ibuprofen: the demo's class pair (severe) and an ingredient pair.
        self.env["hms.drug.interaction"].create(
            {
                "term_a": "warfarin",
                "term_b": "ibuprofen",
                "severity": "minor",
                "description": "Ingredient pair",
                "source": "Test",
            }
        )
        prescription = self.prescription([self.ibuprofen, self.warfarin])
        findings = prescription._hms_safety_findings()[prescription.line_ids[0]]
        self.assertEqual([severity for severity, _text in findings], ["severe", "minor"])

    def test_a_fixed_number_of_queries_whatever_the_lines(self):
        def queries(new, current):
            self.prescription(current, "issued", issued=datetime(2026, 1, 1))
            prescription = self.prescription(new)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            findings = prescription._hms_safety_findings()
            return self.env.cr.sql_log_count - before, findings

        small, _findings = queries([self.warfarin], [self.paracetamol])
        large, findings = queries(self.medicines, self.medicines * 3)
        self.assertTrue(findings, "the large prescription has findings")
        self.assertEqual(small, large)
        self.assertLessEqual(large, 3)
