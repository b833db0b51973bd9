-- Nothing to undo here: the copied names go with the columns (the previous migration's down.sql drops them).
SELECT 1;
