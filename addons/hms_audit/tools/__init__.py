from . import chain
from . import cli
from . import fields
from . import sealer
