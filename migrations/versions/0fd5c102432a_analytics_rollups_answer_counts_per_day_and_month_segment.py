"""analytics rollups: answer counts per day, and per month and segment value, filled from the existing answers

answer_day_count holds, per UTC day, touchpoint, question, channel and score (value, expected; -1 for
answers without an expectation), how many numeric answers there are; answer_month_segment_count holds the
same per month and per value of one segment attribute of the response. The dashboards' aggregates read
these instead of scanning every answer; app/services/analytics/rollups.py keeps them in step.

Revision ID: 0fd5c102432a
Revises: b7c1d2e3f4a5
Create Date: 2026-11-22 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0fd5c102432a'
down_revision = 'b7c1d2e3f4a5'
branch_labels = None
depends_on = None

DAY = {
    'postgresql': "(r.submitted_at AT TIME ZONE 'UTC')::date",
    'sqlite': "date(r.submitted_at)",
}
MONTH = {
    'postgresql': "date_trunc('month', r.submitted_at AT TIME ZONE 'UTC')::date",
    'sqlite': "date(r.submitted_at, 'start of month')",
}


def upgrade():
    op.create_table('answer_day_count',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('touchpoint_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('value', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('expected', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_answer_day_count_question_id_question')),
    sa.ForeignKeyConstraint(['touchpoint_id'], ['touchpoint.id'], name=op.f('fk_answer_day_count_touchpoint_id_touchpoint')),
    sa.PrimaryKeyConstraint('day', 'touchpoint_id', 'question_id', 'channel', 'value', 'expected', name=op.f('pk_answer_day_count'))
    )
    op.create_table('answer_month_segment_count',
    sa.Column('attribute', sa.String(length=40), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('touchpoint_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('segment', sa.String(length=40), nullable=False),
    sa.Column('value', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('expected', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_answer_month_segment_count_question_id_question')),
    sa.ForeignKeyConstraint(['touchpoint_id'], ['touchpoint.id'], name=op.f('fk_answer_month_segment_count_touchpoint_id_touchpoint')),
    sa.PrimaryKeyConstraint('attribute', 'month', 'touchpoint_id', 'question_id', 'channel', 'segment', 'value', 'expected', name=op.f('pk_answer_month_segment_count'))
    )
    # Count the answers already stored, so the rollups start in step with them.
    for statement in fill_statements(op.get_bind().dialect.name):
        op.execute(statement)


def fill_statements(dialect):
    """The INSERTs that count every stored answer into the two (empty) rollup tables."""
    day, month = DAY.get(dialect, DAY['sqlite']), MONTH.get(dialect, MONTH['sqlite'])
    return [
        "INSERT INTO answer_day_count (day, touchpoint_id, question_id, channel, value, expected, n) "
        f"SELECT {day}, r.touchpoint_id, a.question_id, r.channel, a.value, coalesce(a.expected, -1), count(*) "
        "FROM answer a JOIN response r ON r.id = a.response_id WHERE a.value IS NOT NULL "
        "GROUP BY 1, 2, 3, 4, 5, 6",
        "INSERT INTO answer_month_segment_count "
        "(attribute, month, touchpoint_id, question_id, channel, segment, value, expected, n) "
        f"SELECT s.attribute, {month}, r.touchpoint_id, a.question_id, r.channel, s.value, a.value, "
        "coalesce(a.expected, -1), count(*) "
        "FROM answer a JOIN response r ON r.id = a.response_id JOIN response_segment s ON s.response_id = r.id "
        "WHERE a.value IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7, 8",
    ]


def downgrade():
    op.drop_table('answer_month_segment_count')
    op.drop_table('answer_day_count')
