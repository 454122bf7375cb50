from . import test_icd10
from . import test_encounter
from . import test_vital
from . import test_confidential
from . import test_chart
from . import test_access
from . import test_portal
