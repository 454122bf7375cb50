from . import hms_revenue_report
from . import hms_billing_ageing_report
