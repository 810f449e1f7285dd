// SHOW statements on an open (schemaless) store.
SHOW LABELS;

SHOW SCHEMA;

CREATE (:A {x: 1})-[:R {y: 2}]->(:B {x: 3}), (:A:C);

SHOW LABELS;

SHOW RELATIONSHIP TYPES;

SHOW PROPERTY KEYS;

show labels;
