import logging
from logging.config import fileConfig

from flask import current_app

from alembic import context

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
# Keep the loggers already set up by the app (and by pytest) working.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger('alembic.env')


def get_engine():
    return current_app.extensions['migrate'].db.engine


def get_engine_url():
    return get_engine().url.render_as_string(hide_password=False).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = current_app.extensions['migrate'].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    # The search indexes live outside the metadata (certification/search.py): leave them out of
    # the comparison with the models.
    from certification.search import managed_here

    conf_args.setdefault("include_name", managed_here)

    connectable = get_engine()

    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, False)
        context.configure(
            connection=connection,
            target_metadata=get_metadata(),
            **conf_args
        )

        try:
            with context.begin_transaction():
                context.run_migrations()
                _search_indexes_again(connection)
        finally:
            if sqlite:
                connection.commit()
                _sqlite_foreign_keys(connection, True)


def _sqlite_foreign_keys(connection, on: bool):
    """SQLite rebuilds a table to change it (batch mode); with foreign keys enforced the old
    table cannot be dropped while other tables' rows point to it. The pragma is a no-op inside a
    transaction, so it goes straight to the driver (autocommit: see create_app's listener)."""
    connection.connection.driver_connection.execute(
        f"PRAGMA foreign_keys={'ON' if on else 'OFF'}"
    )


# revision -> the search indexes it made (certification/search.py)
SEARCH_REVISIONS = {"b6070f47103c": "FIRST", "7d2e9c4b1a60": "LISTS"}


def _search_indexes_again(connection):
    """A batch migration on SQLite rebuilds a table without its triggers: the search indexes
    made by the revisions the database is at or past are made again where missing."""
    if getattr(config.cmd_opts, "autogenerate", False):
        return
    from alembic.script import ScriptDirectory

    from certification import search

    script = ScriptDirectory.from_config(config)
    heads = context.get_context().get_current_heads()
    reached = {r.revision for head in heads for r in script.iterate_revisions(head, "base")}
    for revision, which in SEARCH_REVISIONS.items():
        if revision in reached:
            search.install(connection, getattr(search, which))


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
