from odoo import Command

from odoo.addons.hms_emr.tests.common import HmsEmrCase, HmsEmrCommon


class HmsLabCommon(HmsEmrCommon):
    """The medical-record fixture plus a small lab catalogue and a second lab technician."""

    @classmethod
    def setup_hms(cls):
        super().setup_hms()
        cls.lab_technician_2 = cls._hms_user(
            "hms_test_lab_technician_2", "hms_base.group_hms_lab_technician", cls.clinic_a
        )
        Test = cls.env["hms.lab.test"]
        cls.test_hgb = Test.create(
            {
                "code": "T-HGB",
                "loinc_code": "718-7",
                "name": "Haemoglobin",
                "specimen_type": "blood",
                "container": "edta",
                "unit": "g/dL",
                "plausible_low": 0,
                "plausible_high": 25,
                "delta_percent": 20,
                "range_ids": [
                    Command.create(
                        {
                            "sex": "female",
                            "age_min": 18,
                            "normal_low": 12.0,
                            "normal_high": 15.5,
                            "has_critical_low": True,
                            "critical_low": 7,
                            "critical_high": 20,
                        }
                    ),
                    Command.create(
                        {
                            "sex": "female",
                            "age_min": 18,
                            "pregnancy": "pregnant",
                            "normal_low": 11.0,
                            "normal_high": 14.0,
                        }
                    ),
                    Command.create(
                        {"sex": "male", "age_min": 18, "normal_low": 13.5, "normal_high": 17.5}
                    ),
                    Command.create(
                        {"age_min": 1, "age_max": 18, "normal_low": 11.0, "normal_high": 14.5}
                    ),
                ],
            }
        )
        cls.test_k = Test.create(
            {
                "code": "T-K",
                "loinc_code": "2823-3",
                "name": "Potassium",
                "specimen_type": "serum",
                "container": "sst",
                "unit": "mmol/L",
                "plausible_low": 1,
                "plausible_high": 12,
                "range_ids": [
                    Command.create(
                        {
                            "normal_low": 3.5,
                            "normal_high": 5.1,
                            "has_critical_low": True,
                            "critical_low": 2.5,
                            "critical_high": 6.5,
                        }
                    )
                ],
            }
        )
        cls.test_upro = Test.create(
            {
                "code": "T-UPRO",
                "loinc_code": "20454-5",
                "name": "Urine Protein",
                "specimen_type": "urine",
                "container": "urine_cup",
                "result_type": "qualitative",
                "range_ids": [Command.create({"normal_value": "Negative"})],
            }
        )
        cls.panel = cls.env["hms.lab.panel"].create(
            {
                "name": "Test Panel",
                "code": "T-PANEL",
                "test_ids": [Command.set((cls.test_hgb | cls.test_k).ids)],
            }
        )

    def order(self, user=None, encounter=None, **values):
        """A lab order by the doctor of clinic A from an encounter of patient A."""
        encounter = encounter or self.open_encounter()
        return (
            self.env["hms.lab.order"]
            .with_user(user or self.doctor)
            .create(
                {"encounter_id": encounter.id, "panel_ids": [Command.set(self.panel.ids)], **values}
            )
        )

    def received(self, order):
        """The order with every specimen collected by the nurse and received by the lab."""
        order.specimen_ids.with_user(self.nurse).action_collect()
        order.specimen_ids.with_user(self.lab_technician).action_receive()
        return order

    def result(self, order, test):
        return order.result_ids.filtered(lambda r: r.test_id == test)

    def released(self, values=None, order=None):
        """An order whose results (``{test: value}``) are entered, validated and released."""
        order = self.received(order or self.order())
        values = values or {self.test_hgb: "13.0", self.test_k: "4.2"}
        for test, value in values.items():
            self.result(order, test).with_user(self.lab_technician).write({"value": value})
        order.result_ids.with_user(self.lab_technician_2).action_validate()
        order.with_user(self.lab_technician_2).action_release()
        return order


class HmsLabCase(HmsLabCommon, HmsEmrCase):
    """Base case of the laboratory tests."""
