from . import hl7
from . import portal
