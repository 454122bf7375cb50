from . import hms_icd10
from . import hms_encounter
from . import hms_encounter_addendum
from . import hms_encounter_diagnosis
from . import hms_vital
from . import hms_patient
from . import res_company
from . import res_config_settings
