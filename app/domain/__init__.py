"""Pure domain layer: rules of the revenue tracker with no Flask or SQLAlchemy imports."""
