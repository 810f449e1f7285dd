// timeline() lists every Event in time order: by date, BEFORE links deciding
// between events of the same day (whatever order they were created in) and
// placing undated ones; events with neither a date nor a link come last.
CREATE (late:Event {name: 'late', date: date('2020-01-02')}),
       (early:Event {name: 'early', date: date('2020-01-02')}),
       (first:Event {name: 'first', date: date('2020-01-01')}),
       (before_first:Event {name: 'before first (undated)'}),
       (after_late:Event {name: 'after late (undated)'}),
       (loose:Event {name: 'loose (undated, unlinked)'}),
       (early)-[:BEFORE]->(late),
       (before_first)-[:BEFORE]->(first),
       (late)-[:BEFORE]->(after_late);

UNWIND timeline() AS e
RETURN e.name AS event, e.date AS date;

// Reversing the link reverses the order of the two events of 2020-01-02.
MATCH (early:Event {name: 'early'})-[b:BEFORE]->(late:Event {name: 'late'})
DELETE b
CREATE (late)-[:BEFORE]->(early);

UNWIND timeline() AS e
WITH e WHERE e.date = date('2020-01-02')
RETURN e.name AS event;
