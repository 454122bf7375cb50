from . import test_patient
