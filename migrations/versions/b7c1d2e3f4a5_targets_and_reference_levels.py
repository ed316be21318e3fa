"""targets (quantified goals) and reference levels (industry, ideal)

Revision ID: b7c1d2e3f4a5
Revises: 7a74d4ac9a7b
Create Date: 2026-11-22 13:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c1d2e3f4a5'
down_revision = '7a74d4ac9a7b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'target',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('metric', sa.String(length=10), nullable=False),
        sa.Column('touchpoint_id', sa.Integer(), nullable=True),
        sa.Column('dimension_id', sa.Integer(), nullable=True),
        sa.Column('segment_attribute', sa.String(length=40), nullable=True),
        sa.Column('segment_value', sa.String(length=40), nullable=True),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('value', sa.Float(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_target_created_by_id_user')),
        sa.ForeignKeyConstraint(['dimension_id'], ['dimension.id'], name=op.f('fk_target_dimension_id_dimension')),
        sa.ForeignKeyConstraint(['touchpoint_id'], ['touchpoint.id'], name=op.f('fk_target_touchpoint_id_touchpoint')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_target')),
    )
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_touchpoint_id'), ['touchpoint_id'], unique=False)

    op.create_table(
        'reference_level',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('metric', sa.String(length=10), nullable=False),
        sa.Column('touchpoint_id', sa.Integer(), nullable=True),
        sa.Column('dimension_id', sa.Integer(), nullable=True),
        sa.Column('value', sa.Float(), nullable=False),
        sa.Column('source', sa.String(length=200), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['dimension_id'], ['dimension.id'], name=op.f('fk_reference_level_dimension_id_dimension')
        ),
        sa.ForeignKeyConstraint(
            ['touchpoint_id'], ['touchpoint.id'], name=op.f('fk_reference_level_touchpoint_id_touchpoint')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_level')),
        sa.UniqueConstraint(
            'touchpoint_id', 'dimension_id', 'metric', 'kind',
            name=op.f('uq_reference_level_touchpoint_id'),
        ),
    )
    with op.batch_alter_table('reference_level', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reference_level_touchpoint_id'), ['touchpoint_id'], unique=False)


def downgrade():
    with op.batch_alter_table('reference_level', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reference_level_touchpoint_id'))
    op.drop_table('reference_level')
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_touchpoint_id'))
    op.drop_table('target')
