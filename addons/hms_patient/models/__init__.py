from . import hms_patient
