-- Makes {{database}} the connection's default database.
USE {{database}}
