"""PostgreSQL for the test suite: the same backend, with a cheaper flush.

After each live-server test Django empties every table. PostgreSQL's TRUNCATE
of ~90 tables costs about 0.7 s (new files for each table); deleting the few
rows a test leaves behind takes a few milliseconds. Foreign keys are deferred,
so the order of the deletes does not matter inside the flush's transaction.
"""

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return ["SET CONSTRAINTS ALL DEFERRED;"] + [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
