"""Touchloop's database models (SQLAlchemy 2.0, typed)."""

from app.models.api_tokens import ApiToken, IdempotencyKey
from app.models.audit import AuditEntry
from app.models.customer import Customer, ResponseSegment
from app.models.invitation import Invitation, InvitationBatch
from app.models.journey import Department, Dimension, JourneySnapshot, Stage, Touchpoint
from app.models.loop import CaseEvent, FollowUpCase, Suggestion, SuggestionEvent, SuggestionEvidence
from app.models.notifications import Notification, NotificationDigest, NotificationSetting, SuggestionFollower
from app.models.people import Role, User
from app.models.response import Answer, Response
from app.models.rollups import AnswerDayCount, AnswerMonthSegmentCount
from app.models.survey import Question, Survey, SurveyVersion
from app.models.targets import ReferenceLevel, Target
from app.models.webhooks import (
    DeliveryState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)

__all__ = [
    "Answer",
    "AnswerDayCount",
    "AnswerMonthSegmentCount",
    "ApiToken",
    "AuditEntry",
    "CaseEvent",
    "FollowUpCase",
    "Customer",
    "DeliveryState",
    "Department",
    "Dimension",
    "IdempotencyKey",
    "Invitation",
    "InvitationBatch",
    "JourneySnapshot",
    "Notification",
    "NotificationDigest",
    "NotificationSetting",
    "Question",
    "ReferenceLevel",
    "Response",
    "ResponseSegment",
    "Role",
    "Stage",
    "Suggestion",
    "SuggestionEvent",
    "SuggestionEvidence",
    "SuggestionFollower",
    "Survey",
    "SurveyVersion",
    "Target",
    "Touchpoint",
    "User",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookSubscription",
]
