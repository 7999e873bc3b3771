"""evidence_type: each election's identity evidence types (labels per language, synonyms, number rules);
voter.id_type no longer checked against a fixed list

Revision ID: 4c704e6c7c64
Revises: 5e612c5efcc9
Create Date: 2026-12-07 14:30:00

"""
import json

import sqlalchemy as sa
from alembic import op

revision = '4c704e6c7c64'
down_revision = '5e612c5efcc9'
branch_labels = None
depends_on = None

FIXED = ('national_id', 'passport', 'birth_certificate', 'old_voter_card', 'attestation')
# The types every election had until now, as services/evidence.py seeds a new election with them.
DEFAULTS = json.loads(r"""
[
    {
        "code": "national_id",
        "number_required": true,
        "synonyms": [
            "nid",
            "national id",
            "national identity card",
            "id card",
            "identity card",
            "carte d'identite",
            "carte nationale d'identite",
            "cni",
            "cedula",
            "bilhete de identidade",
            "بطاقة الهوية"
        ],
        "labels": {
            "en": "National ID card",
            "fr": "Carte nationale d'identité",
            "ar": "بطاقة الهوية الوطنية",
            "es": "Cédula de identidad",
            "pt": "Bilhete de identidade"
        }
    },
    {
        "code": "passport",
        "number_required": true,
        "synonyms": [
            "passeport",
            "pasaporte",
            "passaporte",
            "جواز السفر"
        ],
        "labels": {
            "en": "Passport",
            "fr": "Passeport",
            "ar": "جواز السفر",
            "es": "Pasaporte",
            "pt": "Passaporte"
        }
    },
    {
        "code": "birth_certificate",
        "number_required": true,
        "synonyms": [
            "birth cert",
            "acte de naissance",
            "extrait de naissance",
            "partida de nacimiento",
            "certidao de nascimento",
            "شهادة الميلاد"
        ],
        "labels": {
            "en": "Birth certificate",
            "fr": "Acte de naissance",
            "ar": "شهادة الميلاد",
            "es": "Partida de nacimiento",
            "pt": "Certidão de nascimento"
        }
    },
    {
        "code": "old_voter_card",
        "number_required": true,
        "synonyms": [
            "voter_card",
            "voter card",
            "voter id",
            "old voter id",
            "carte d'electeur",
            "ancienne carte d'electeur",
            "credencial de elector",
            "cartao de eleitor",
            "بطاقة ناخب"
        ],
        "labels": {
            "en": "Old voter card",
            "fr": "Ancienne carte d'électeur",
            "ar": "بطاقة ناخب قديمة",
            "es": "Credencial de elector anterior",
            "pt": "Cartão de eleitor antigo"
        }
    },
    {
        "code": "attestation",
        "number_required": false,
        "synonyms": [],
        "labels": {
            "en": "Attestation by two registered voters",
            "fr": "Attestation de deux électeurs inscrits",
            "ar": "شهادة ناخبَين مسجلَين",
            "es": "Atestación de dos electores inscritos",
            "pt": "Abonação por dois eleitores recenseados"
        }
    }
]
""")


def upgrade():
    evidence_type = op.create_table(
        'evidence_type',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('election_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=24), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('labels', sa.JSON(), nullable=False),
        sa.Column('synonyms', sa.JSON(), nullable=False),
        sa.Column('number_required', sa.Boolean(), nullable=False),
        sa.Column('number_format', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['election_id'], ['election.id'], name=op.f('fk_evidence_type_election_id_election')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_type')),
        sa.UniqueConstraint('election_id', 'code', name=op.f('uq_evidence_type_election_id_code')),
    )
    with op.batch_alter_table('evidence_type', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_type_election_id'), ['election_id'], unique=False)
    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_voter_known_id_type'), type_='check')

    # Every existing election gets the types its voters were registered with, so each
    # voter's evidence stays one of the election's types.
    connection = op.get_bind()
    rows = []
    for (election_id,) in connection.execute(sa.text('SELECT id FROM election')):
        for position, default in enumerate(DEFAULTS):
            rows.append({'election_id': election_id, 'code': default['code'], 'position': position,
                         'labels': default['labels'], 'synonyms': default['synonyms'],
                         'number_required': default['number_required'], 'number_format': None})
    if rows:
        op.bulk_insert(evidence_type, rows)


def downgrade():
    # Voters registered with a type of the election's own would break the fixed list's check.
    in_list = ', '.join(f"'{code}'" for code in FIXED)
    outside = sa.text('SELECT COUNT(*) FROM voter WHERE id_type NOT IN :codes').bindparams(
        sa.bindparam('codes', value=list(FIXED), expanding=True))
    unknown = op.get_bind().execute(outside).scalar()
    if unknown:
        raise RuntimeError(f'{unknown} voters carry an evidence type outside the fixed list; '
                           'change them before downgrading.')
    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_voter_known_id_type'), f'id_type IN ({in_list})')
    with op.batch_alter_table('evidence_type', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_type_election_id'))
    op.drop_table('evidence_type')
