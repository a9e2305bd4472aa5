"""Files that belong to database rows (uploads): kept in step with the database, checked,
backed up and restored."""
