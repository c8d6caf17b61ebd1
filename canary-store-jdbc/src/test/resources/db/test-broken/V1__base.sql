-- a good first version
CREATE TABLE probe_base (x INTEGER);
