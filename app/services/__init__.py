"""Use cases: functions that take a session, add and flush; callers commit once."""
