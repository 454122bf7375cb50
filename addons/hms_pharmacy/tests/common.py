from datetime import timedelta

from odoo import Command, fields

from odoo.addons.hms_emr.tests.common import HmsEmrCase, HmsEmrCommon


class HmsPharmacyCommon(HmsEmrCommon):
    """The medical-record fixture plus medicines with lots in clinic A's pharmacy."""

    @classmethod
    def setup_hms(cls):
        super().setup_hms()
        cls.category = cls.env.ref("hms_pharmacy.product_category_medicines")
        cls.amoxicillin = cls._medicine(
            "Amoxicillin 500 mg", "J01CA04", "capsule", 21, [("amoxicillin", 500)], "penicillin"
        )
        cls.warfarin = cls._medicine("Warfarin 5 mg", "B01AA03", "tablet", 28, [("warfarin", 5)])
        cls.ibuprofen = cls._medicine(
            "Ibuprofen 400 mg", "M01AE01", "tablet", 24, [("ibuprofen", 400)], "nsaid"
        )
        cls.paracetamol = cls._medicine(
            "Paracetamol 500 mg", "N02BE01", "tablet", 20, [("paracetamol", 500)]
        )
        cls.amlodipine = cls._medicine(
            "Amlodipine 5 mg", "C08CA01", "tablet", 30, [("amlodipine", 5)]
        )
        cls.nifedipine = cls._medicine(
            "Nifedipine 20 mg", "C08CA05", "tablet", 30, [("nifedipine", 20)]
        )
        cls.stock_a = cls.clinic_a._hms_pharmacy_picking_type().default_location_src_id
        cls.stock_b = cls.clinic_b._hms_pharmacy_picking_type().default_location_src_id
        now = fields.Datetime.now()
        # Amoxicillin in clinic A: expired, expiring in 5 days, in 60 and in 400 days (FEFO).
        cls.lot_expired = cls._stock(cls.amoxicillin, "AMX-EXP", now - timedelta(days=3), 50)
        cls.lot_soon = cls._stock(cls.amoxicillin, "AMX-SOON", now + timedelta(days=5), 30)
        cls.lot_next = cls._stock(cls.amoxicillin, "AMX-NEXT", now + timedelta(days=60), 42)
        cls.lot_late = cls._stock(cls.amoxicillin, "AMX-LATE", now + timedelta(days=400), 100)
        for product in (
            cls.warfarin,
            cls.ibuprofen,
            cls.paracetamol,
            cls.amlodipine,
            cls.nifedipine,
        ):
            cls._stock(product, f"{product.default_code}-1", now + timedelta(days=300), 200)

    @classmethod
    def _medicine(cls, name, atc, unit, pack, ingredients, classes=False):  # noqa: PLR0917
        template = cls.env["product.template"].create(
            {
                "name": name,
                "default_code": atc,
                "categ_id": cls.category.id,
                "is_storable": True,
                "tracking": "lot",
                "use_expiration_date": True,
                "list_price": 0.5,
                "hms_is_medicine": True,
                "hms_atc_code": atc,
                "hms_dose_unit": unit,
                "hms_pack_size": pack,
                "hms_route": "oral",
                "hms_allergy_classes": classes,
                "hms_ingredient_ids": [
                    Command.create({"name": ingredient, "strength": strength})
                    for ingredient, strength in ingredients
                ],
            }
        )
        return template.product_variant_id

    @classmethod
    def _stock(cls, product, lot_name, expiration, quantity, location=None):
        location = location or cls.stock_a
        lot = cls.env["stock.lot"].create(
            {
                "name": lot_name,
                "product_id": product.id,
                "company_id": location.company_id.id,
                "expiration_date": expiration,
            }
        )
        cls.env["stock.quant"]._update_available_quantity(product, location, quantity, lot_id=lot)
        return lot

    def line(self, product, **values):
        return Command.create(
            {
                "product_id": product.id,
                "dose": 1,
                "frequency_type": "times_day",
                "frequency_value": 3,
                "duration_days": 7,
                **values,
            }
        )

    def draft(self, *lines, patient=None, user=None, **values):
        """A draft prescription of a consultation (doctor A and patient A by default)."""
        user = user or self.doctor
        encounter = self.open_encounter(user=user, patient=patient or self.patient_a)
        return (
            self.env["hms.prescription"]
            .with_user(user)
            .create({"encounter_id": encounter.id, "line_ids": list(lines), **values})
        )

    def issued(self, *lines, **values):
        prescription = self.draft(*lines, **values)
        prescription.action_issue()
        return prescription

    def dispense(self, prescription, user=None):
        """Verify, prepare and hand over as the pharmacist of clinic A."""
        prescription = prescription.with_user(user or self.pharmacist)
        if prescription.queue_step == "to_verify":
            prescription.action_verify()
        prescription.action_prepare()
        prescription.action_hand_over()
        return prescription

    def on_hand(self, lot, location=None):
        return sum(
            self.env["stock.quant"]
            .search([("lot_id", "=", lot.id), ("location_id", "=", (location or self.stock_a).id)])
            .mapped("quantity")
        )


class HmsPharmacyCase(HmsPharmacyCommon, HmsEmrCase):
    """Base case of the pharmacy tests."""
