"""Touchloop's Flask-free core: survey definitions, conditions, answers.

Nothing in this package imports Flask or SQLAlchemy; it takes plain values and
returns dataclasses, so it is tested without an application.
"""
