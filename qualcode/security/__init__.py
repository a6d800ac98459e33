"""Protection of a shared server: sign-in attempts and their limits (``tables``, ``throttle``)
and backups of the SQLite file (``backup``)."""
