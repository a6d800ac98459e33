"""Tables of qualcode.analysis (on qualcode.models.Base); moved only by Alembic revisions."""
