// SHOW statements on a store typed with the news schema: declared labels
// and types are listed even before any node has them.
SHOW LABELS;

SHOW RELATIONSHIP TYPES;

SHOW PROPERTY KEYS;

SHOW SCHEMA;

CREATE (:Actor {name: 'Russia', kind: 'country'})<-[:AGENT]-(:Event {kind: 'airstrike', date: date('2016-06-16')});

SHOW LABELS;

SHOW PROPERTY KEYS;
