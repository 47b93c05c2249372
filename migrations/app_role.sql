-- PostgreSQL: the application's database role (lao_app) may only SELECT and INSERT on the audit trail.
-- Run as the owner of the tables (the role that runs `flask db upgrade`), after the migrations, in the
-- application's database; rename lao_app as needed. The app then connects as lao_app (DATABASE_URL) and
-- migrations keep running as the owner. Only the owner can disable the audit triggers (ALTER TABLE).
--   CREATE ROLE lao_app LOGIN PASSWORD '...';   -- once per cluster
GRANT USAGE ON SCHEMA public TO lao_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO lao_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO lao_app;
REVOKE ALL ON audit_events FROM lao_app;
GRANT SELECT, INSERT ON audit_events TO lao_app;
-- tables and sequences created by later migrations (run by this same owner) get the same rights;
-- a migration that creates an append-only table must REVOKE UPDATE, DELETE on it the same way.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO lao_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO lao_app;
