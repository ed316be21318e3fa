"""Touchloop's database models (SQLAlchemy 2.0, typed)."""

from app.models.customer import Customer, ResponseSegment
from app.models.invitation import Invitation, InvitationBatch
from app.models.journey import Department, Dimension, JourneySnapshot, Stage, Touchpoint
from app.models.loop import CaseEvent, FollowUpCase, Suggestion, SuggestionEvent, SuggestionEvidence
from app.models.people import Role, User
from app.models.response import Answer, Response
from app.models.survey import Question, Survey, SurveyVersion

__all__ = [
    "Answer",
    "CaseEvent",
    "FollowUpCase",
    "Customer",
    "Department",
    "Dimension",
    "Invitation",
    "InvitationBatch",
    "JourneySnapshot",
    "Question",
    "Response",
    "ResponseSegment",
    "Role",
    "Stage",
    "Suggestion",
    "SuggestionEvent",
    "SuggestionEvidence",
    "Survey",
    "SurveyVersion",
    "Touchpoint",
    "User",
]
