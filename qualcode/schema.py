"""Every table of the application, gathered on ``qualcode.models.Base.metadata``.

The core tables live in ``qualcode/models.py``; each later capability keeps its own tables
beside its code (``qualcode/<area>/tables.py``) on the same ``Base``. Import this module (not
the individual ones) wherever the whole schema is needed: Alembic's env.py, the
models-equal-migrations test, the app at start-up.
"""

from qualcode import models  # noqa: F401
from qualcode.analysis import tables as analysis_tables  # noqa: F401  (issue 6: displays, conclusions)
from qualcode.nlp import tables as nlp_tables  # noqa: F401  (issue 5: suggestions)
from qualcode.review import tables as review_tables  # noqa: F401  (issue 7: comments, accounts)
from qualcode.security import tables as security_tables  # noqa: F401  (issue 12: sign-in attempts)

Base = models.Base
