"""Deadline extensions: an LAO asks its province for a later entry deadline, a province asks national staff for a
later confirmation deadline; the decision moves the deadline every lateness is measured against. The blueprint is
in routes.py (imported by create_app only, so operations and queries import without the web layer)."""
