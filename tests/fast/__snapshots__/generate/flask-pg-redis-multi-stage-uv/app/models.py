"""The database tables, as SQLAlchemy models.

The migrations in migrations/versions/ create them: change a model here, then let Alembic write
the migration (`alembic revision --autogenerate -m "..."`, see README "Migrations"). The tests
check that the two agree.
"""

from sqlalchemy import String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .limits import NAME_MAX_LENGTH


class Base(DeclarativeBase):
    pass


class ItemRow(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    description: Mapped[str | None] = mapped_column(Text)
