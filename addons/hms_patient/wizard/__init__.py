from . import hms_patient_merge
