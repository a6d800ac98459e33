"""The write side. Services are ``verb_noun(session, ..., *, actor_id: int)``: they validate, check
the actor's role, change the database, record an audit event and raise ``qualcode.errors``
with messages a researcher can act on. The caller owns the transaction
(``qualcode.db.unit_of_work``). ``services.base`` has the two helpers every service shares
(``load`` an entity within its project or raise not found; ``record_change`` in the audit trail).
Reads live in :mod:`qualcode.read`."""
