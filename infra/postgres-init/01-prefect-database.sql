-- Runs once, when the PostgreSQL volume is first initialised: the Prefect server gets its own database
-- beside crisiswatch's (POSTGRES_DB). Both belong to POSTGRES_USER.
CREATE DATABASE prefect;
