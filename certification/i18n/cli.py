"""`flask --app app search rebuild-sort-keys`: the stored ICU sort keys made again."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("search")
def search_group() -> None:
    """The stored sort keys and search indexes."""


@search_group.command("rebuild-sort-keys")
@with_appcontext
def rebuild_sort_keys_command() -> None:
    """Recompute the names' sort keys in every interface language (after upgrading ICU/PyICU
    or adding a language); only rows whose keys differ are written. Safe to run again."""
    from certification.extensions import db
    from certification.i18n.sort_keys import rebuild_sort_keys

    changed = rebuild_sort_keys()
    db.session.commit()
    for table, count in changed.items():
        click.echo(f"{table}: {count} row(s) changed")
    click.echo(f"Sort keys rebuilt: {sum(changed.values())} row(s) changed in all.")
