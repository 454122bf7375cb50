from . import test_access
from . import test_duplicate
from . import test_front_desk_search
from . import test_patient
from . import test_portal
from . import test_report
