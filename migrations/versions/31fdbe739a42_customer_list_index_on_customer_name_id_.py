"""customer list: index on customer (name, id) for keyset pages

The admin customer list is ordered by (name, id) and pages with a keyset
(``WHERE (name, id) > (:name, :id) ORDER BY name, id LIMIT 51``), so each page
is an index range scan instead of a sort of the whole table.

Revision ID: 31fdbe739a42
Revises: 5efd2ca75f03
Create Date: 2026-11-22 11:28:27.566552

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '31fdbe739a42'
down_revision = '5efd2ca75f03'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.create_index('ix_customer_name_id', ['name', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_name_id')
