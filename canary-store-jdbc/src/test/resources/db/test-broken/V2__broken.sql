-- creates a table, then fails: on PostgreSQL and SQLite none of it may remain
CREATE TABLE probe_partial (x INTEGER);
INSERT INTO no_such_table_anywhere (x) VALUES (1);
