-- An incident's cases, counted when an acknowledgment may say others are affected (P6)
-- without reading every case.
CREATE INDEX cases_incident ON cases (incident) WHERE incident IS NOT NULL;
