events
// with neither a date nor a BEFORE link come last.
UNWIND timeline() AS e
RETURN e.kind AS kind, e.when AS worded