-- Deletes the tallies, before a new count replaces them.
DELETE FROM tallies;
