"""Tables of qualcode.review (on qualcode.models.Base); moved only by Alembic revisions."""
