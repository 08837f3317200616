-- Drops the temp view {{view}} a step made, if it is there.
DROP VIEW IF EXISTS temp.{{view}}
