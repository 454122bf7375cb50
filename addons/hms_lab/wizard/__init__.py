from . import hms_lab_result_amend
