"""The rules of observation, one module a subject; every name is importable from here."""

from electoral.observation.services.alert_text import *  # noqa: F403
from electoral.observation.services.checklists import *  # noqa: F403
from electoral.observation.services.checklists import import_xlsform, text_in  # noqa: F401
from electoral.observation.services.dashboard import *  # noqa: F403,E402
from electoral.observation.services.exports import *  # noqa: F403,E402
from electoral.observation.services.filing import *  # noqa: F403
from electoral.observation.services.incidents import *  # noqa: F403
from electoral.observation.services.json_filing import *  # noqa: F403
from electoral.observation.services.observers import *  # noqa: F403
from electoral.observation.services.quickcount import *  # noqa: F403,E402
from electoral.observation.services.submissions import *  # noqa: F403
from electoral.observation.services.timing import *  # noqa: F403
from electoral.observation.services.tokens import *  # noqa: F403
