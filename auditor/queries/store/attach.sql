-- Attaches the database file $path as {{database}} (a store on an importer's connection).
ATTACH $path AS {{database}}
