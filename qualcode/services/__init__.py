"""The write side. Services are ``verb_noun(session, ..., actor_id=...)``: they validate, check
the actor's role, change the database, record an audit event and raise ``qualcode.errors``
with messages a researcher can act on. The caller owns the transaction
(``qualcode.db.unit_of_work``)."""
