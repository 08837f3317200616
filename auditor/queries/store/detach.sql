-- Detaches the database {{database}}.
DETACH {{database}}
