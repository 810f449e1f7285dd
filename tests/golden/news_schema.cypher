// The news schema checks every write: labels, types, properties,
// vocabularies, required and unique properties, relationship ends. A
// failing statement writes nothing.
CREATE (:Actor {name: 'Russia', kind: 'country'});

CREATE (:Actr {name: 'Syria', kind: 'country'});

CREATE (:Actor {name: 'Syria'});

CREATE (:Actor {name: 'Syria', kind: 'nation'});

CREATE (:Actor {name: 'Russia', kind: 'country'});

CREATE (:Actor {name: 'Syria', kind: 'country', population: 18});

// A date property accepts a YYYY-MM-DD string and stores it as a date ...
CREATE (e:Event {kind: 'airstrike', date: '2016-06-16'}) RETURN e.date, e.date.weekdayName AS weekday;

// ... but not a string that is no calendar date.
CREATE (:Event {kind: 'airstrike', date: '2016-02-30'});

CREATE (:Event {kind: 'airstrike', date: 20160616});

CREATE (:Event {kind: 'airstrike', date: date('2016-06-16')})-[:AGENT]->(:Actor {name: 'Syria', kind: 'country'});

MATCH (a:Actor {name: 'Russia'}) CREATE (a)-[:AGENT]->(:Event {kind: 'demand'});

MATCH (a:Actor {name: 'Russia'}), (s:Actor {name: 'Syria'}) CREATE (a)-[:ALLY]->(s);

MATCH (e:Event) SET e.kind = 'party';

MATCH (a:Actor {name: 'Russia'}) SET a:Country;

MATCH (a:Actor {name: 'Russia'}) REMOVE a.kind;

MATCH (a:Actor {name: 'Russia'}) SET a.aliases = ['Russian Federation', 7];

// The statement fails as a whole: the first node is not kept either.
CREATE (:Actor {name: 'Kept?', kind: 'person'}), (:Actor {name: 'Bad'});

MATCH (a:Actor) RETURN a.name, a.kind ORDER BY a.name;

MATCH (e:Event)-[:AGENT]->(a) RETURN e.kind, e.date, a.name;
