-- A case's language follows what its customer writes (P15): a readable message in
-- another of our languages moves it there, until an agent chooses it (`carecase cases
-- set --language`), whose choice no message changes. A column rather than a look for
-- the agent's "updated" event: the batch reads it with the case, in the query that
-- loads the case anyway, and "who set it" does not hang on how actors are named.
ALTER TABLE cases ADD COLUMN language_by_agent boolean NOT NULL DEFAULT false;
